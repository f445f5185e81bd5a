/* mime.h — an e-mail message as bytes: RFC 5322 headers and a MIME
 * multipart/alternative body (text/plain and text/html, UTF-8,
 * quoted-printable), every line ending in CRLF.
 *
 * Header values never carry a line break of their own: control
 * characters in them become spaces before anything is written, so a
 * name cannot add a header ("\r\nBcc: ..."). Text outside printable ASCII
 * in the subject or a display name is written as RFC 2047 encoded-words.
 * Pure code, no I/O.
 */
#ifndef AZ_MAIL_MIME_H
#define AZ_MAIL_MIME_H

#include <stdint.h>

#include "../util/buf.h"

struct mime_message {
	const char *from;           /* address */
	const char *from_name;      /* display name, or NULL */
	const char *to;             /* address */
	const char *subject;
	const char *text;           /* the text/plain body, '\n' line ends */
	const char *html;           /* the text/html body, or NULL for text only */
	const char *lang;           /* Content-Language, or NULL */
	const char *message_id;     /* "<...@...>" */
	int64_t date;               /* Unix seconds */
	const char *boundary;       /* the MIME boundary: must not occur in the bodies
				       (quoted-printable output never holds "=_") */
};

/* 1 when s is an address that may go into a header and an SMTP command:
 * one '@', no spaces, control characters, quotes, angle brackets or
 * commas, at most 254 bytes. */
int mime_address_ok(const char *s);

/* Append the whole message to out. Returns 0, or -1 with *why set when
 * the sender or recipient address is unusable (nothing sensible to send). */
int mime_build(const struct mime_message *m, struct buf *out, const char **why);

/* Append s as the value of a header: as it is when it is printable ASCII
 * (at most 900 bytes, no "=?"), else as RFC 2047 "B" encoded-words of at
 * most 75 characters, folded with CRLF SP, never splitting a UTF-8
 * sequence. Control characters become spaces first. */
void mime_header_text(struct buf *out, const char *s);

/* Append text as quoted-printable (RFC 2045): lines end in CRLF, no line
 * longer than 76 characters, '=' and bytes outside printable ASCII
 * encoded, also whitespace before a line end and a '.' that starts a
 * line. */
void mime_qp(struct buf *out, const char *text);

/* The date as RFC 5322 wants it, in UTC: "Fri, 29 Nov 2024 09:00:00 +0000"
 * into out[40]. */
void mime_date(int64_t t, char out[40]);

#endif
