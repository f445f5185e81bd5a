/* password.c — the password policy and Argon2id hashing.
 *
 * The policy follows NIST SP 800-63B-4 (section 3.1.1.2): a minimum length
 * counted in Unicode code points, a generous maximum, every printable
 * character allowed, no composition rules, no expiry, and a check against
 * a list of passwords known to be common. The list (data/common-passwords.txt,
 * 30,000 entries, see data/README.md) is compiled into the binary; it is
 * sorted bytewise, so it is searched by bisection over the text itself.
 *
 * Passwords are brought to Unicode normal form NFKC (glib, already linked
 * for the PDF report) before they are checked, hashed or verified, as
 * 800-63B asks: "é" typed as one code point or as "e" and a combining
 * accent is the same password.
 *
 * Hashing is Argon2id through libsodium at its interactive limits (64 MiB,
 * 2 passes; about 53 ms on the 2-core development machine). A process runs
 * at most PASSWORD_HASH_PARALLEL of them at once: each takes 64 MiB, and a
 * burst of logins on 64 server threads would otherwise take 4 GiB.
 */
#include "core.h"

#include <glib.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "../util/i18n.h"
#include "../util/text.h"

_Static_assert(PASSWORD_HASH_BYTES == crypto_pwhash_STRBYTES, "PASSWORD_HASH_BYTES");

/* build/gen/common_passwords.c, from data/common-passwords.txt. */
extern const char common_passwords_txt[];
extern const size_t common_passwords_txt_len;

#define HASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define HASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

/* An Argon2id hash of a random password nobody knows, made with HASH_OPS
 * and HASH_MEM: verifying against it costs what verifying a real one does.
 * tests/unit/test_account.c checks that its limits are still today's. */
static const char dummy_hash[PASSWORD_HASH_BYTES] =
	"$argon2id$v=19$m=65536,t=2,p=1$Cj8ybV2kOWQx6PV+ION4VQ$h2GUrctHWkfYc6A5zhIV/go+qHRprgVmztabMVGowWY";

/* The hashes running now in this process; see PASSWORD_HASH_PARALLEL. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_free = PTHREAD_COND_INITIALIZER;
static int slots_used;

static void slot_take(void)
{
	pthread_mutex_lock(&slots_lock);
	while (slots_used >= PASSWORD_HASH_PARALLEL)
		pthread_cond_wait(&slots_free, &slots_lock);
	slots_used++;
	pthread_mutex_unlock(&slots_lock);
}

static void slot_give(void)
{
	pthread_mutex_lock(&slots_lock);
	slots_used--;
	pthread_cond_signal(&slots_free);
	pthread_mutex_unlock(&slots_lock);
}

/* password in NFKC (g_free() it); a copy as it is when it is not UTF-8
 * (password_check refuses those; verifying one simply fails). */
static char *nfkc(const char *password)
{
	char *out = g_utf8_normalize(password, -1, G_NORMALIZE_NFKC);

	return out != NULL ? out : g_strdup(password);
}

static void nfkc_free(char *s)
{
	sodium_memzero(s, strlen(s));
	g_free(s);
}

/* Bytewise order, as `LC_ALL=C sort` sorts the list. */
static int compare(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	return c != 0 ? c : na < nb ? -1 : na > nb ? 1 : 0;
}

int password_listed(const char *s, size_t n)
{
	const char *t = common_passwords_txt;
	size_t len = common_passwords_txt_len, lo = 0, hi = len;

	/* lo and hi are always the starts of lines; the answer lies between. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, end;
		const char *nl;
		int c;

		while (mid > lo && t[mid - 1] != '\n')
			mid--;
		nl = memchr(t + mid, '\n', len - mid);
		end = nl ? (size_t)(nl - t) : len;
		c = compare(t + mid, end - mid, s, n);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = end + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Names of this site, which 800-63B asks to refuse as passwords too. */
static int site_word(const char *s, size_t n)
{
	static const char *const words[] = {"aanwezig", "aanwezigheid", "aanwezigheidsprofiel",
					    "presenceprofile", "presence"};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (compare(words[i], strlen(words[i]), s, n) == 0)
			return 1;
	return 0;
}

static int weak_word(const char *s, size_t n)
{
	return n > 0 && (password_listed(s, n) || site_word(s, n));
}

/* s[0..n) is one weak word, or two in a row. */
static int weak_words(const char *s, size_t n)
{
	if (weak_word(s, n))
		return 1;
	for (size_t i = 1; i < n; i++)
		if (weak_word(s, i) && weak_word(s + i, n - i))
			return 1;
	return 0;
}

/* s[0..n) is a shorter unit repeated ("abcabcabc"), or a run of letters
 * or digits going up or down by one ("123456789012345", "zyxwv..."). */
static int pattern(const char *s, size_t n)
{
	int up = 1, down = 1;

	for (size_t p = 1; p <= n / 2; p++) {
		size_t i;
		if (n % p != 0)
			continue;
		for (i = p; i < n && s[i] == s[i - p]; i++)
			;
		if (i == n)
			return 1;
	}
	for (size_t i = 1; i < n; i++) {
		char a = s[i - 1], b = s[i];
		int digits = a >= '0' && a <= '9' && b >= '0' && b <= '9';
		int letters = a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z';
		if (!digits && !letters)
			return 0;
		up &= b == a + 1 || (digits && a == '9' && b == '0');
		down &= b == a - 1 || (digits && a == '0' && b == '9');
	}
	return n > 1 && (up || down);
}

static int is_alpha_ascii(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (unsigned char)ch >= 0x80;
}

static int check_normal(const char *password, const char *email);

int password_check(const char *password, const char *email)
{
	char *norm;
	int p;

	if (!utf8_valid(password, strlen(password)))
		return PW_INVALID;
	norm = nfkc(password);
	p = check_normal(norm, email);
	nfkc_free(norm);
	return p;
}

static int check_normal(const char *password, const char *email)
{
	size_t n = strlen(password), chars = 0, k = 0, lo, hi;
	char lower[4 * PASSWORD_MAX_CHARS + 1], squeezed[4 * PASSWORD_MAX_CHARS + 1];

	if (!utf8_valid(password, n))
		return PW_INVALID;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)password[i];
		if (ch < 0x20 || ch == 0x7f)
			return PW_INVALID;
		chars += (ch & 0xc0) != 0x80;
	}
	if (chars < PASSWORD_MIN_CHARS)
		return PW_SHORT;
	if (chars > PASSWORD_MAX_CHARS)
		return PW_LONG;
	/* The list is lower case ASCII; other letters stay as they are. */
	for (size_t i = 0; i <= n; i++)
		lower[i] = password[i] >= 'A' && password[i] <= 'Z' ? (char)(password[i] + 32) : password[i];
	/* Without spaces and punctuation, and without digits and punctuation
	 * at either end: "Password 2024!" and "p.a.s.s.w.o.r.d" are "password". */
	for (size_t i = 0; i < n; i++)
		if (is_alpha_ascii(lower[i]) || (lower[i] >= '0' && lower[i] <= '9'))
			squeezed[k++] = lower[i];
	squeezed[k] = '\0';
	for (lo = 0; lo < k && !is_alpha_ascii(squeezed[lo]); lo++)
		;
	for (hi = k; hi > lo && !is_alpha_ascii(squeezed[hi - 1]); hi--)
		;
	if (password_listed(lower, n) || weak_words(squeezed, k) || weak_words(squeezed + lo, hi - lo))
		return PW_COMMON;
	if (pattern(lower, n) || pattern(squeezed, k))
		return PW_PATTERN;
	if (email != NULL && email[0] != '\0') {
		const char *at = strchr(email, '@');
		size_t local = at ? (size_t)(at - email) : strlen(email);
		char part[256];
		if (strstr(lower, email) != NULL)
			return PW_PERSONAL;
		if (local >= 4 && local < sizeof part) {
			memcpy(part, email, local);
			part[local] = '\0';
			if (strstr(lower, part) != NULL)
				return PW_PERSONAL;
		}
	}
	return PW_OK;
}

const char *password_problem_text(int p)
{
	switch (p) {
	case PW_OK:
		return "";
	case PW_SHORT:
		return N_("Choose a password of at least 15 characters. A few words in a row make a good one that is easy to remember.");
	case PW_LONG:
		return N_("Choose a password of at most 128 characters.");
	case PW_INVALID:
		return N_("The password holds a character that cannot be used, such as a line break.");
	case PW_COMMON:
		return N_("This password is too common: it is, or is made of, a password that many people use. "
		       "Choose another; a few unusual words in a row make a good one.");
	case PW_PATTERN:
		return N_("This password repeats a pattern or is a simple series, so it is easy to guess. Choose another.");
	case PW_PERSONAL:
		return N_("This password contains your e-mail address, or the part of it before the @. Choose another.");
	}
	return N_("This password cannot be used. Choose another.");
}

int password_hash(const char *password, char out[PASSWORD_HASH_BYTES], struct err *e)
{
	char *norm = nfkc(password);
	int rc;

	slot_take();
	rc = crypto_pwhash_str(out, norm, strlen(norm), HASH_OPS, HASH_MEM);
	slot_give();
	nfkc_free(norm);
	if (rc != 0)
		return err_set(e, AZ_ENOMEM, "the password could not be hashed (out of memory)");
	return AZ_OK;
}

int password_verify(const char *hash, const char *password, int *rehash)
{
	char *norm = nfkc(password);
	int ok;

	if (rehash != NULL)
		*rehash = 0;
	slot_take();
	ok = crypto_pwhash_str_verify(hash != NULL ? hash : dummy_hash, norm, strlen(norm)) == 0;
	slot_give();
	nfkc_free(norm);
	if (hash == NULL)
		return 0;
	if (ok && rehash != NULL)
		*rehash = crypto_pwhash_str_needs_rehash(hash, HASH_OPS, HASH_MEM) != 0;
	return ok;
}

int password_dummy_current(void)
{
	return crypto_pwhash_str_needs_rehash(dummy_hash, HASH_OPS, HASH_MEM) == 0;
}
