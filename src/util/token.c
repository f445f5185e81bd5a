/* token.c — see token.h. All randomness comes from libsodium. */
#include "token.h"

#include <sodium.h>
#include <string.h>

int token_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void token_random_bytes(unsigned char *out, size_t n)
{
	randombytes_buf(out, n);
}

void token_random_hex(char out[TOKEN_HEX_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, TOKEN_HEX_LEN + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

/* keyed BLAKE2b(label || nonce), nout bytes (at most TOKEN_LONG_BYTES),
 * base64url into out (room for 4 * nout / 3 + 2 characters). */
static int derive(const unsigned char key[TOKEN_KEY_BYTES], const char *label, const char *nonce_hex,
		  size_t nout, char *out, size_t out_size)
{
	unsigned char nonce[TOKEN_BYTES], tok[TOKEN_LONG_BYTES];
	size_t got = 0;
	crypto_generichash_state st;

	if (nout > sizeof tok || strlen(nonce_hex) != TOKEN_HEX_LEN ||
	    sodium_hex2bin(nonce, sizeof nonce, nonce_hex, TOKEN_HEX_LEN,
			   NULL, &got, NULL) != 0 || got != sizeof nonce)
		return -1;
	crypto_generichash_init(&st, key, TOKEN_KEY_BYTES, nout);
	crypto_generichash_update(&st, (const unsigned char *)label, strlen(label));
	crypto_generichash_update(&st, nonce, sizeof nonce);
	crypto_generichash_final(&st, tok, nout);
	sodium_bin2base64(out, out_size, tok, nout, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(tok, sizeof tok);
	return 0;
}

/* The labels separate the secrets one key derives. */
int token_derive(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
		 char out[TOKEN_TEXT_LEN + 1])
{
	return derive(key, "aanwezig link v1", nonce_hex, TOKEN_BYTES, out, TOKEN_TEXT_LEN + 1);
}

int token_derive_csrf(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
		      char out[TOKEN_TEXT_LEN + 1])
{
	return derive(key, "aanwezig csrf v1", nonce_hex, TOKEN_BYTES, out, TOKEN_TEXT_LEN + 1);
}

int token_derive_report(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
			char out[TOKEN_TEXT_LEN + 1])
{
	return derive(key, "aanwezig report v1", nonce_hex, TOKEN_BYTES, out, TOKEN_TEXT_LEN + 1);
}

/* BLAKE2b's output length is part of its parameters, so a 32-byte output
 * is no extension of a 16-byte one; the label keeps them apart anyway. */
int token_derive_login(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
		       char out[TOKEN_LONG_LEN + 1])
{
	return derive(key, "aanwezig login link v1", nonce_hex, TOKEN_LONG_BYTES, out, TOKEN_LONG_LEN + 1);
}

void token_random_long(char out[TOKEN_LONG_LEN + 1])
{
	unsigned char raw[TOKEN_LONG_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_LONG_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void token_random_text(char out[TOKEN_TEXT_LEN + 1])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_TEXT_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void token_derive_text(const unsigned char key[TOKEN_KEY_BYTES], const char *label, const char *text,
		       char out[TOKEN_TEXT_LEN + 1])
{
	unsigned char tok[TOKEN_BYTES];
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, TOKEN_KEY_BYTES, sizeof tok);
	crypto_generichash_update(&st, (const unsigned char *)label, strlen(label));
	/* A separator, so that label "ab" + text "c" differs from "a" + "bc". */
	crypto_generichash_update(&st, (const unsigned char *)"", 1);
	crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
	crypto_generichash_final(&st, tok, sizeof tok);
	sodium_bin2base64(out, TOKEN_TEXT_LEN + 1, tok, sizeof tok, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(tok, sizeof tok);
}

void token_hash(const char *token, char out[TOKEN_HASH_HEX_LEN + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_HEX_LEN + 1, h, sizeof h);
}

static int b64url_of_len(const char *s, size_t len)
{
	size_t n = strlen(s);

	if (n != len)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

int token_well_formed(const char *s)
{
	return b64url_of_len(s, TOKEN_TEXT_LEN);
}

int token_long_well_formed(const char *s)
{
	return b64url_of_len(s, TOKEN_LONG_LEN);
}

int token_equal(const char *a, const char *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}
