/* smtp.c — libcurl's SMTP client, one message at a time; see smtp.h.
 *
 * libcurl reports an SMTP refusal only as "RCPT failed: 550"; the server's
 * own words come from the debug callback, which sees every reply line
 * (CURLINFO_HEADER_IN) and every command (CURLINFO_HEADER_OUT). We keep
 * the last complete reply and the verb of the last command, never the
 * command's arguments (AUTH carries the password).
 */
#include "smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct smtp {
	CURL *curl;
	const struct smtp_config *cfg;
	char from[300];             /* "<address>" for MAIL FROM */
	/* Per message: */
	const char *msg;
	size_t len, off;
	int data_sent;              /* the read callback gave out every byte */
	char verb[8];               /* of the last command: "MAIL", "RCPT", "DATA", ... */
	int code;                   /* the last complete reply's code, 0 for none */
	char reply[SMTP_ANSWER_MAX + 1];   /* its text */
	char partial[SMTP_ANSWER_MAX + 1]; /* a multi-line reply so far */
	/* The first refusal (4xx, 5xx) and the command it answered: libcurl
	 * says QUIT after it, and the 221 must not hide it. */
	int fail_code;
	char fail_verb[8];
	char fail_reply[SMTP_ANSWER_MAX + 1];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Append text[0..n) to dst (size SMTP_ANSWER_MAX + 1) with control
 * characters as spaces. */
static void append_clean(char *dst, const char *text, size_t n)
{
	size_t k = strlen(dst);

	for (size_t i = 0; i < n && k < SMTP_ANSWER_MAX; i++) {
		unsigned char c = (unsigned char)text[i];
		dst[k++] = c < 0x20 || c == 0x7F ? ' ' : (char)c;
	}
	dst[k] = '\0';
}

/* One reply line from the server: "250-..." continues, "250 ..." ends. */
static void reply_line(struct smtp *s, const char *line, size_t n)
{
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	if (n < 3 || line[0] < '1' || line[0] > '5')
		return;
	if (s->partial[0] != '\0')
		append_clean(s->partial, " ", 1);
	append_clean(s->partial, line, n);
	if (n == 3 || line[3] != '-') {
		s->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		memcpy(s->reply, s->partial, sizeof s->reply);
		s->partial[0] = '\0';
		if (s->code >= 400 && s->fail_code == 0) {
			s->fail_code = s->code;
			memcpy(s->fail_verb, s->verb, sizeof s->fail_verb);
			memcpy(s->fail_reply, s->reply, sizeof s->fail_reply);
		}
	}
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp *s = arg;

	(void)h;
	if (type == CURLINFO_HEADER_IN) {
		size_t start = 0;
		for (size_t i = 0; i < size; i++)
			if (data[i] == '\n' || i + 1 == size) {
				reply_line(s, data + start, i + 1 - start);
				start = i + 1;
			}
	} else if (type == CURLINFO_HEADER_OUT) {
		size_t k = 0;
		while (k < size && k < sizeof s->verb - 1 && data[k] >= 'A' && data[k] <= 'Z') {
			s->verb[k] = data[k];
			k++;
		}
		s->verb[k] = '\0';
	}
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp *s = arg;
	size_t room = size * nitems, n = s->len - s->off;

	if (n > room)
		n = room;
	memcpy(buf, s->msg + s->off, n);
	s->off += n;
	if (s->off == s->len)
		s->data_sent = 1;
	return n;
}

int smtp_open(const struct smtp_config *cfg, struct smtp **out, struct err *e)
{
	struct smtp *s;

	*out = NULL;
	if (cfg->url == NULL || (strncmp(cfg->url, "smtp://", 7) != 0 && strncmp(cfg->url, "smtps://", 8) != 0))
		return err_set(e, AZ_EINVAL, "the SMTP server must be given as smtp://HOST[:PORT] or "
			       "smtps://HOST[:PORT]");
	if (cfg->from == NULL || cfg->from[0] == '\0' || strlen(cfg->from) > 254)
		return err_set(e, AZ_EINVAL, "the sender address (from) of the e-mail is not set");
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return err_set(e, AZ_EIO, "libcurl could not be initialised");
	if ((s = calloc(1, sizeof *s)) == NULL || (s->curl = curl_easy_init()) == NULL) {
		free(s);
		return err_set(e, AZ_ENOMEM, "out of memory");
	}
	s->cfg = cfg;
	snprintf(s->from, sizeof s->from, "<%s>", cfg->from);
	*out = s;
	return AZ_OK;
}

void smtp_close(struct smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s);
}

int smtp_classify(int curl_code, int code, const char *command, int data_sent)
{
	if (curl_code == CURLE_OK)
		return SMTP_SENT;
	if (code >= 500 && code <= 599) {
		/* About this message (its recipient or its content), or about
		 * every message (the greeting, EHLO, AUTH, the sender)? */
		if (strcmp(command, "RCPT") == 0 || strcmp(command, "DATA") == 0)
			return SMTP_PERMANENT;
		return SMTP_CONFIG;
	}
	if (code >= 400 && code <= 499)
		return SMTP_TEMPORARY;
	switch (curl_code) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_USE_SSL_FAILED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		return SMTP_CONFIG;
	default:
		break;
	}
	/* No answer at all: a timeout or a broken connection. Once the whole
	 * message went out, it may have been taken. */
	return data_sent ? SMTP_UNCERTAIN : SMTP_UNREACHABLE;
}

/* The options that stay the same for every message. */
static void set_common(struct smtp *s)
{
	const struct smtp_config *c = s->cfg;
	CURL *h = s->curl;

	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->tls == SMTP_TLS_REQUIRED ? (long)CURLUSESSL_ALL
				 : c->tls == SMTP_TLS_OPTIONAL ? (long)CURLUSESSL_TRY : (long)CURLUSESSL_NONE);
	if (c->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (c->user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout > 0 ? c->connect_timeout : 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout > 0 ? c->timeout : 60L);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, c->timeout > 0 ? c->timeout : 60L);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
}

int smtp_send(struct smtp *s, const char *rcpt, const char *msg, size_t len, char *answer)
{
	char to[300], errbuf[CURL_ERROR_SIZE];
	struct curl_slist *list;
	CURLcode rc;
	int outcome;

	answer[0] = '\0';
	snprintf(to, sizeof to, "<%s>", rcpt);
	if ((list = curl_slist_append(NULL, to)) == NULL) {
		snprintf(answer, SMTP_ANSWER_MAX + 1, "out of memory");
		return SMTP_TEMPORARY;
	}
	s->msg = msg;
	s->len = len;
	s->off = 0;
	s->data_sent = 0;
	s->verb[0] = s->reply[0] = s->partial[0] = s->fail_verb[0] = s->fail_reply[0] = '\0';
	s->code = s->fail_code = 0;
	errbuf[0] = '\0';
	set_common(s);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(list);
	if (rc != CURLE_OK && s->fail_code != 0)
		outcome = smtp_classify((int)rc, s->fail_code, s->fail_verb, s->data_sent);
	else
		outcome = smtp_classify((int)rc, s->code, s->verb, s->data_sent);
	/* The server's words when it answered; libcurl's otherwise. */
	if (rc != CURLE_OK && s->fail_code != 0) {
		append_clean(answer, s->fail_reply, strlen(s->fail_reply));
	} else if (outcome == SMTP_SENT) {
		append_clean(answer, s->reply, strlen(s->reply));
	} else {
		const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
		append_clean(answer, why, strlen(why));
	}
	return outcome;
}
