/* mail_render.c — the texts of invitations, reminders, login links and
 * report notices; see mail.h. */
#include "mail.h"

#include <stdarg.h>
#include <string.h>

#include "../util/buf.h"
#include "../util/i18n.h"
#include "../util/text.h"
#include "html.h"

#define WRAP 72

/* A message being written: both bodies side by side. */
struct compose {
	struct arena *a;
	const char *lang;
	struct buf text, html;
};

/* The plain twin of html_vprintf: the same conversions, nothing escaped
 * (%u still percent-encodes: it makes a URL component). */
static void text_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	const char *run = fmt;

	for (const char *p = fmt; (p = strchr(p, '%')) != NULL; p++) {
		buf_append(b, run, (size_t)(p - run));
		p++;
		if (*p == '%') {
			buf_putc(b, '%');
		} else if (*p == 'h' || *p == 'a' || *p == 'R') {
			const char *s = va_arg(ap, const char *);
			buf_puts(b, s ? s : "");
		} else if (*p == 'u') {
			html_url(b, va_arg(ap, const char *));
		} else if (*p == 'd') {
			buf_printf(b, "%d", va_arg(ap, int));
		} else if (strncmp(p, "lld", 3) == 0) {
			buf_printf(b, "%lld", va_arg(ap, long long));
			p += 2;
		} else if (strncmp(p, "zu", 2) == 0) {
			buf_printf(b, "%zu", va_arg(ap, size_t));
			p++;
		} else {
			buf_puts(b, "[bad format]");
			if (*p == '\0') {
				run = p;
				break;
			}
		}
		run = p + 1;
	}
	buf_puts(b, run);
}

/* Append s to b wrapped at WRAP columns on spaces; a word longer than a
 * line (a link) gets a line of its own. Columns count code points. */
static void wrap(struct buf *b, const char *s)
{
	size_t col = 0;

	while (*s) {
		const char *w = s;
		size_t n = 0, cols = 0;

		while (w[n] != '\0' && w[n] != ' ') {
			cols += ((unsigned char)w[n] & 0xC0) != 0x80;
			n++;
		}
		if (col > 0 && col + 1 + cols > WRAP) {
			buf_putc(b, '\n');
			col = 0;
		} else if (col > 0) {
			buf_putc(b, ' ');
			col++;
		}
		buf_append(b, w, n);
		col += cols;
		s = w + n;
		while (*s == ' ')
			s++;
	}
}

/* One paragraph in both bodies. fmt is a translated text. */
static void para(struct compose *m, const char *fmt, ...)
{
	struct buf one;
	va_list ap;

	buf_init(&one);
	va_start(ap, fmt);
	text_vprintf(&one, fmt, ap);
	va_end(ap);
	wrap(&m->text, buf_str(&one));
	if (one.failed)
		m->text.failed = 1;
	buf_reset(&one);
	buf_puts(&m->text, "\n\n");
	html_printf(&m->html, "<p>");
	va_start(ap, fmt);
	html_vprintf(&m->html, fmt, ap);
	va_end(ap);
	html_printf(&m->html, "</p>\n");
}

/* The link: a button and the address itself in HTML, a line of its own in
 * text. */
static void link_block(struct compose *m, const char *button, const char *link)
{
	buf_printf(&m->text, "%s\n\n", link);
	html_printf(&m->html, "<p><a href=\"%a\" style=\"display: inline-block; padding: 10px 18px; "
		    "background: #0b5394; color: #ffffff; text-decoration: none; border-radius: 4px;\">"
		    "%h</a></p>\n<p style=\"font-size: 14px;\">%h<br><a href=\"%a\">%h</a></p>\n",
		    link, button, tr(m->lang, "Or copy this address into your browser:"), link, link);
}

static void compose_start(struct compose *m, struct arena *a, const char *lang, const char *subject)
{
	m->a = a;
	m->lang = strcmp(lang ? lang : "nl", "en") == 0 ? "en" : "nl";
	buf_init(&m->text);
	buf_init(&m->html);
	html_printf(&m->html, "<!DOCTYPE html>\n<html lang=\"%a\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%h</title>\n</head>\n<body style=\"font-family: Arial, Helvetica, sans-serif; "
		    "font-size: 16px; line-height: 1.5; color: #1a1a1a; max-width: 40em; margin: 1em;\">\n",
		    m->lang, subject);
}

/* Finish both bodies into out (in the arena); frees the buffers. */
static int compose_end(struct compose *m, const char *subject, struct mail_text *out, struct err *e)
{
	int rc = AZ_OK;

	html_printf(&m->html, "</body>\n</html>\n");
	out->subject = arena_strdup(m->a, subject);
	out->text = arena_strdup(m->a, buf_str(&m->text));
	out->html = arena_strdup(m->a, buf_str(&m->html));
	if (m->text.failed || m->html.failed || m->a->failed)
		rc = err_set(e, AZ_ENOMEM, "out of memory");
	buf_reset(&m->text);
	buf_reset(&m->html);
	return rc;
}

const char *mail_date(struct arena *a, const char *lang, const char *date)
{
	char out[DATE_WORDS_LEN];
	const char *w = date_words(out, lang, date);

	return w == out ? arena_strdup(a, out) : w;
}

/* The paragraphs on time, deadline and anonymity that invitations and
 * reminders share. */
static void invite_facts(struct compose *m, const struct mail_invite *in)
{
	const char *deadline = mail_date(m->a, m->lang, in->deadline);

	if (deadline != NULL)
		para(m, tr(m->lang, "It takes about %d minutes. You can answer until and including %h."),
		     in->minutes, deadline);
	else
		para(m, tr(m->lang, "It takes about %d minutes."), in->minutes);
	if (in->self) {
		para(m, "%h", tr(m->lang, "In your report you see the answers of the people around you per "
				 "group, only where enough people of a group answered. The report names "
				 "nobody."));
		return;
	}
	if (in->anonymous) {
		para(m, tr(m->lang, "Your answers are anonymous. They are only shown together with those of "
			   "at least %d people; if fewer people of your group answer, their answers are "
			   "merged with those of other groups. The report names nobody, and nobody, "
			   "administrators included, can see which answers are yours."),
		     in->threshold);
	} else {
		para(m, "%h", tr(m->lang, "Note: this group is not anonymous. Its answers are shown as a group "
				 "even when only a few people answer, so they may be recognisable. The report "
				 "names nobody."));
	}
	if (in->note != NULL && in->note[0] != '\0')
		para(m, "%h", in->note);
}

int mail_render_invite(struct arena *a, const struct mail_invite *in, struct mail_text *out,
		       struct err *e)
{
	struct compose m;
	const char *lang = strcmp(in->lang ? in->lang : "nl", "en") == 0 ? "en" : "nl";
	const char *subject;

	if (in->self)
		subject = in->kind == MAIL_REMIND ? tr(lang, "Reminder: your own reflection for your presence profile")
						  : tr(lang, "Your own reflection for your presence profile");
	else
		subject = arena_printf(a, "%s %s", in->kind == MAIL_REMIND ? tr(lang, "Reminder: your feedback on")
									     : tr(lang, "Your feedback on"),
				       in->leader);
	if (subject == NULL)
		return err_set(e, AZ_ENOMEM, "out of memory");
	compose_start(&m, a, lang, subject);
	para(&m, tr(lang, "Dear %h,"), in->name);
	if (in->self && in->kind == MAIL_INVITE)
		para(&m, "%h %h", tr(lang, "A new round of your presence profile has started."),
		     tr(lang, "You answer the same questions about your own behaviour that the people "
			"around you answer about you. The differences are the heart of your presence "
			"profile."));
	else if (in->self)
		para(&m, "%h", tr(lang, "A reminder: your own reflection for your presence profile is not "
				  "finished yet. If you have finished it in the meantime, please ignore this "
				  "message."));
	else if (in->kind == MAIL_INVITE)
		para(&m, tr(lang, "%h (%h) is making a presence profile: a picture of how they are present in "
			    "their work, as they see it themselves and as the people around them see it. "
			    "You are invited to give your view, as a member of the group %h."),
		     in->leader, in->organisation, in->group);
	else
		para(&m, tr(lang, "A reminder: %h (%h) would value your view for their presence profile, as "
			    "a member of the group %h. If you have answered in the meantime, thank you, and "
			    "please ignore this message."),
		     in->leader, in->organisation, in->group);
	para(&m, "%h", tr(lang, "Answer through your personal link:"));
	link_block(&m, tr(lang, "Open the questionnaire"), in->link);
	invite_facts(&m, in);
	para(&m, "%h", tr(lang, "This link is personal: please do not forward this message."));
	return compose_end(&m, subject, out, e);
}

int mail_render_login(struct arena *a, const char *lang, const char *name, const char *url,
		      struct mail_text *out, struct err *e)
{
	struct compose m;
	const char *subject;

	lang = strcmp(lang ? lang : "nl", "en") == 0 ? "en" : "nl";
	subject = tr(lang, "Your login link for aanwezig");
	compose_start(&m, a, lang, subject);
	if (name != NULL && name[0] != '\0')
		para(&m, tr(lang, "Dear %h,"), name);
	para(&m, "%h", tr(lang, "You asked for a link to log in. Log in with this link:"));
	link_block(&m, tr(lang, "Log in to aanwezig"), url);
	para(&m, "%h", tr(lang, "The link works once and only for a short time. If you did not ask for "
			  "it, you can ignore this message: nobody can log in without it."));
	return compose_end(&m, subject, out, e);
}

int mail_render_released(struct arena *a, const char *lang, const char *name, const char *link,
			 struct mail_text *out, struct err *e)
{
	struct compose m;
	const char *subject;

	lang = strcmp(lang ? lang : "nl", "en") == 0 ? "en" : "nl";
	subject = tr(lang, "Your presence profile is ready");
	compose_start(&m, a, lang, subject);
	para(&m, tr(lang, "Dear %h,"), name);
	para(&m, "%h", tr(lang, "The report of your presence profile is ready. Read it through your "
			  "personal link:"));
	link_block(&m, tr(lang, "Read the report"), link);
	para(&m, "%h", tr(lang, "The report shows the answers of the people around you per group, only "
			  "where enough people of a group answered. It names nobody."));
	para(&m, "%h", tr(lang, "This link is personal: please do not forward this message."));
	return compose_end(&m, subject, out, e);
}

const char *mail_link_fill(struct arena *a, const char *body, const char *url, int html)
{
	const char *mark = MAIL_LINK_MARK, *p;
	size_t nmark = strlen(mark);
	struct buf b;
	char *res;

	if (strstr(body, mark) == NULL)
		return body;
	buf_init(&b);
	while ((p = strstr(body, mark)) != NULL) {
		buf_append(&b, body, (size_t)(p - body));
		if (html)
			html_text(&b, url);
		else
			buf_puts(&b, url);
		body = p + nmark;
	}
	buf_puts(&b, body);
	res = b.failed ? NULL : arena_strdup(a, buf_str(&b));
	buf_reset(&b);
	return res;
}
