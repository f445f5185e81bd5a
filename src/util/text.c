/* text.c — see text.h. */
#include "text.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

size_t utf8_invalid_at(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		unsigned need, cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			need = 1; cp = c & 0x1F; min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			need = 2; cp = c & 0x0F; min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (n - i <= need)
			return i;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return n;
}

int utf8_valid(const char *s, size_t n)
{
	return utf8_invalid_at(s, n) == n;
}

int text_has_control(const char *s, int allow_newlines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\t' || ((c == '\n' || c == '\r') && allow_newlines))
			continue;
		if (c < 0x20 || c == 0x7F)
			return 1;
	}
	return 0;
}

/* The code point of the UTF-8 sequence at s (valid UTF-8), and its length. */
static unsigned cp_at(const unsigned char *s, int *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		*len = 2;
		return (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
	}
	if ((s[0] & 0xF0) == 0xE0) {
		*len = 3;
		return (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
	}
	*len = 4;
	return (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 | (unsigned)(s[2] & 0x3F) << 6 |
	       (s[3] & 0x3F);
}

int text_has_layout_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int len;

	while (*p) {
		unsigned c = cp_at(p, &len);
		if ((c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
			return 1;
		p += len;
	}
	return 0;
}

int text_is_blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int len;

	while (*p) {
		unsigned c = cp_at(p, &len);
		if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x1680 ||
		      (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
		      c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF))
			return 0;
		p += len;
	}
	return 1;
}

char *text_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
	return s;
}

int email_normalise(const char *in, char *out, size_t outsz, const char **why)
{
	size_t b = 0, e = strlen(in), n, at = 0, nat = 0;
	const char *dummy;

	if (why == NULL)
		why = &dummy;
	while (b < e && isspace((unsigned char)in[b]))
		b++;
	while (e > b && isspace((unsigned char)in[e - 1]))
		e--;
	n = e - b;
	if (n == 0)
		return *why = "is empty", -1;
	if (n > 254 || n >= outsz)
		return *why = "is longer than 254 characters", -1;
	if (!utf8_valid(in + b, n))
		return *why = "is not valid UTF-8 text", -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[b + i];
		if (c == '@') {
			nat++;
			at = i;
		}
		if (c <= 0x20 || c == 0x7F || strchr("\"<>()[],;:\\", c))
			return *why = "contains a space or a character not allowed in an address", -1;
		out[i] = (char)tolower(c);
	}
	out[n] = '\0';
	if (nat != 1)
		return *why = "must contain exactly one @", -1;
	if (at == 0)
		return *why = "has nothing before the @", -1;
	if (at > 64)
		return *why = "has more than 64 characters before the @", -1;
	{
		const char *d = out + at + 1;
		size_t dn = strlen(d);
		int dot = 0;
		if (dn == 0)
			return *why = "has no domain after the @", -1;
		for (size_t i = 0; i < dn; i++) {
			unsigned char c = (unsigned char)d[i];
			if (c == '.') {
				if (i == 0 || i == dn - 1 || d[i - 1] == '.')
					return *why = "has an empty part in its domain", -1;
				dot = 1;
			} else if (!(isalnum(c) || c == '-' || c >= 0x80)) {
				return *why = "has a character not allowed in a domain", -1;
			}
		}
		if (!dot)
			return *why = "has a domain without a dot", -1;
		/* Each label: at most 63 bytes, no hyphen at either end; the
		 * last not all digits (an IP address is not a mail domain here). */
		for (size_t i = 0, start = 0; i <= dn; i++) {
			if (i < dn && d[i] != '.')
				continue;
			if (i - start > 63)
				return *why = "has a part of its domain longer than 63 characters", -1;
			if (d[start] == '-' || d[i - 1] == '-')
				return *why = "has a part of its domain that starts or ends with a hyphen", -1;
			if (i == dn && strspn(d + start, "0123456789") == dn - start)
				return *why = "ends in a number where a domain name belongs", -1;
			start = i + 1;
		}
	}
	if (out[0] == '.' || out[at - 1] == '.' || strstr(out, "..") != NULL)
		return *why = "has a misplaced dot", -1;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_valid(const char *s)
{
	static const int mdays[12] = {31,28,31,30,31,30,31,31,30,31,30,31};
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = (s[0]-'0')*1000 + (s[1]-'0')*100 + (s[2]-'0')*10 + (s[3]-'0');
	m = (s[5]-'0')*10 + (s[6]-'0');
	d = (s[8]-'0')*10 + (s[9]-'0');
	if (y < 2000 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

void date_today(char out[11])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void time_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ident_lower(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !islower((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

int ident_upper(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || !(isupper((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}
