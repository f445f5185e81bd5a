/* token.h — random identifiers and the personal-link tokens.
 *
 * A personal link carries a 128-bit token. The database never holds it:
 * it holds a random 128-bit nonce per invitation and the BLAKE2b hash of
 * the token. The token is derived from the nonce with a keyed BLAKE2b under
 * the instance's link key, a secret kept outside the database (see
 * core/linkkey.c). So whoever has the key can print the links again
 * (`aanwezig round links`), while a copy of the database alone yields
 * neither working links nor a way to test guesses faster than the server.
 */
#ifndef AZ_TOKEN_H
#define AZ_TOKEN_H

#include <stddef.h>

#define TOKEN_KEY_BYTES 32
#define TOKEN_BYTES 16
#define TOKEN_TEXT_LEN 22            /* base64url of 16 bytes, no padding */
#define TOKEN_HEX_LEN (2 * TOKEN_BYTES)
#define TOKEN_HASH_HEX_LEN 64

/* Initialise libsodium; 0 on success. Safe to call more than once. */
int token_init(void);

/* 16 random bytes as 32 lower-case hex digits plus NUL into out. */
void token_random_hex(char out[TOKEN_HEX_LEN + 1]);
/* n random bytes. */
void token_random_bytes(unsigned char *out, size_t n);

/* Derive the link token for an invitation nonce (hex) under key. Returns 0,
 * or -1 when the nonce is not 32 hex digits. out gets 22 chars plus NUL. */
int token_derive(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
		 char out[TOKEN_TEXT_LEN + 1]);

/* The CSRF token of the forms of an invitation: derived like the link
 * token but under another label, so it is bound to the invitation, needs
 * no state, and gives nothing away about the link. */
int token_derive_csrf(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
		      char out[TOKEN_TEXT_LEN + 1]);

/* The token of the leader's report link (/p/): derived from the leader's
 * invitation nonce under yet another label, so that the questionnaire
 * link gives no access to the report. */
int token_derive_report(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
			char out[TOKEN_TEXT_LEN + 1]);

/* The hash under which a token is stored and looked up: BLAKE2b-256 of the
 * token text, as 64 hex digits plus NUL. */
void token_hash(const char *token, char out[TOKEN_HASH_HEX_LEN + 1]);

/* 1 when s looks like a token (22 base64url characters), else 0. Checked
 * before any lookup so that junk never reaches the store. */
int token_well_formed(const char *s);

/* Session ids and one-time login links carry 256 bits (a session id 32
 * random bytes; a login link's token, token_derive_login), base64url
 * without padding. Only their hash (token_hash) is stored. */
#define TOKEN_LONG_BYTES 32
#define TOKEN_LONG_LEN 43

/* Derive the token of a one-time login link from its nonce (32 hex
 * digits) under key: keyed BLAKE2b with its own label and a 256-bit
 * output, so it never equals a questionnaire's or a CSRF token. Returns 0,
 * or -1 when the nonce is not 32 hex digits. out gets 43 chars plus NUL.
 * Like a personal link, the login link is derived when the message is sent
 * (the outbox holds the nonce), and only its hash is stored. */
int token_derive_login(const unsigned char key[TOKEN_KEY_BYTES], const char *nonce_hex,
		       char out[TOKEN_LONG_LEN + 1]);
/* A new random 256-bit token as TOKEN_LONG_LEN base64url characters. */
void token_random_long(char out[TOKEN_LONG_LEN + 1]);
/* A new random 128-bit token as TOKEN_TEXT_LEN base64url characters. */
void token_random_text(char out[TOKEN_TEXT_LEN + 1]);
/* 1 when s looks like a long token (43 base64url characters), else 0. */
int token_long_well_formed(const char *s);

/* Derive a 128-bit secret from any text under key and a label: keyed
 * BLAKE2b(label || text), base64url. Used for the CSRF token of a session
 * (from its id hash), of the login forms (from their cookie), and for the
 * keys of rate limits (from an e-mail address or a client address, so
 * that the database holds neither). */
void token_derive_text(const unsigned char key[TOKEN_KEY_BYTES], const char *label, const char *text,
		       char out[TOKEN_TEXT_LEN + 1]);

/* Constant-time equality of two strings of the same length n. */
int token_equal(const char *a, const char *b, size_t n);

#endif
