/* mime.c — see mime.h. */
#include "mime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char hexdig[] = "0123456789ABCDEF";

int mime_address_ok(const char *s)
{
	size_t n = strlen(s), at = 0, nat = 0;

	if (n == 0 || n > 254)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7F || strchr("\"<>(),;:\\[]", c) != NULL)
			return 0;
		if (c == '@') {
			nat++;
			at = i;
		}
	}
	return nat == 1 && at > 0 && at + 1 < n;
}

/* s with every control character (CR and LF above all) made a space and
 * runs of them kept as they are; in a new buffer the caller resets. */
static void header_clean(struct buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		buf_putc(b, c < 0x20 || c == 0x7F ? ' ' : (char)c);
	}
}

static void base64(struct buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		buf_putc(out, tab[(v >> 18) & 63]);
		buf_putc(out, tab[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* Append p[0..n) as "B" encoded-words of at most 72 characters, folded
 * with CRLF SP, never splitting a UTF-8 sequence: 45 bytes make 60
 * base64 characters inside "=?UTF-8?B?" and "?=". */
static void encode_words(struct buf *out, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t take = n - i > 45 ? 45 : n - i;
		while (take > 0 && i + take < n && (p[i + take] & 0xC0) == 0x80)
			take--;
		if (take == 0)
			take = 1;
		if (i > 0)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		base64(out, p + i, take);
		buf_puts(out, "?=");
		i += take;
	}
}

void mime_header_text(struct buf *out, const char *s)
{
	struct buf clean;
	const unsigned char *p;
	size_t n;
	int plain = 1;

	buf_init(&clean);
	header_clean(&clean, s);
	p = (const unsigned char *)buf_str(&clean);
	n = clean.len;
	for (size_t k = 0; k < n; k++)
		if (p[k] >= 0x80)
			plain = 0;
	if (plain && n <= 900 && strstr((const char *)p, "=?") == NULL) {
		buf_append(out, (const char *)p, n);
		buf_reset(&clean);
		return;
	}
	encode_words(out, p, n);
	buf_reset(&clean);
}

/* A display name and address: "=?UTF-8?B?...?= <a@b>" or "Name <a@b>". */
static void header_mailbox(struct buf *out, const char *name, const char *addr)
{
	int simple = 1;

	if (name == NULL || name[0] == '\0') {
		buf_puts(out, addr);
		return;
	}
	/* Only letters, digits, spaces, '.' and '-' go unencoded: no quoting
	 * rules to get wrong. */
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == ' ' || *p == '.' || *p == '-'))
			simple = 0;
	if (simple && strlen(name) <= 200) {
		buf_puts(out, name);
	} else {
		/* Anything else is encoded: the name never reaches the header raw. */
		struct buf clean;
		buf_init(&clean);
		header_clean(&clean, name);
		encode_words(out, (const unsigned char *)buf_str(&clean), clean.len);
		buf_reset(&clean);
	}
	buf_printf(out, " <%s>", addr);
}

void mime_qp(struct buf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;

	for (; *p; p++) {
		unsigned char c = *p;
		int at_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		int enc;

		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		enc = c == '=' || c >= 0x7F || (c < 0x20 && c != '\t') ||
		      ((c == ' ' || c == '\t') && at_end) || (c == '.' && col == 0);
		/* Room for "=XX" and a soft break "=" within 76 columns. */
		if (col + (enc ? 3 : 1) > 75) {
			buf_puts(out, "=\r\n");
			col = 0;
			if (c == '.')
				enc = 1;
		}
		if (enc) {
			char e3[3] = {'=', hexdig[c >> 4], hexdig[c & 15]};
			buf_append(out, e3, 3);
			col += 3;
		} else {
			buf_putc(out, (char)c);
			col++;
		}
	}
	if (col > 0)
		buf_puts(out, "\r\n");
}

void mime_date(int64_t t, char out[40])
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void part(struct buf *out, const char *boundary, const char *type, const char *body)
{
	buf_printf(out, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
		   "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary, type);
	mime_qp(out, body);
}

int mime_build(const struct mime_message *m, struct buf *out, const char **why)
{
	char date[40];

	if (!mime_address_ok(m->from))
		return *why = "the sender address is not usable", -1;
	if (!mime_address_ok(m->to))
		return *why = "the recipient address is not usable", -1;
	mime_date(m->date, date);
	buf_printf(out, "Date: %s\r\nFrom: ", date);
	header_mailbox(out, m->from_name, m->from);
	buf_printf(out, "\r\nTo: %s\r\nSubject: ", m->to);
	mime_header_text(out, m->subject ? m->subject : "");
	buf_puts(out, "\r\nMessage-ID: ");
	mime_header_text(out, m->message_id);
	buf_puts(out, "\r\nMIME-Version: 1.0\r\n");
	if (m->lang != NULL && (strcmp(m->lang, "nl") == 0 || strcmp(m->lang, "en") == 0))
		buf_printf(out, "Content-Language: %s\r\n", m->lang);
	/* Tell auto-responders and out-of-office replies to stay quiet. */
	buf_puts(out, "Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\n");
	if (m->html == NULL) {
		buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
			 "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		mime_qp(out, m->text ? m->text : "");
		return 0;
	}
	buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
		   "This is a message in MIME format.\r\n\r\n", m->boundary);
	part(out, m->boundary, "text/plain", m->text ? m->text : "");
	part(out, m->boundary, "text/html", m->html);
	buf_printf(out, "--%s--\r\n", m->boundary);
	return 0;
}
