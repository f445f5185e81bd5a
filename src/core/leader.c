/* leader.c — leaders: the people whose presence profile is made. */
#include "core.h"

#include <string.h>

#include "../util/text.h"
#include "core_internal.h"

int core_check_name(const char *s, const char *what, struct err *e)
{
	size_t n = strlen(s);

	if (n > CORE_MAX_NAME)
		return err_set(e, AZ_EINVAL, "%s is longer than %d characters", what, CORE_MAX_NAME);
	if (!utf8_valid(s, n))
		return err_set(e, AZ_EINVAL, "%s is not valid UTF-8 text", what);
	if (text_is_blank(s))
		return err_set(e, AZ_EINVAL, "%s is empty", what);
	if (text_has_control(s, 0) || text_has_layout_control(s))
		return err_set(e, AZ_EINVAL, "%s contains a control character or line break", what);
	return AZ_OK;
}

int core_leader_add(struct core *c, const char *name, const char *email, const char *organisation,
		    const char *language, int64_t *id, struct err *e)
{
	struct leader l = {0};
	char mail[256];
	const char *why;
	int rc;

	if ((rc = core_check_name(name, "the name", e)) != AZ_OK ||
	    (rc = core_check_name(organisation, "the organisation", e)) != AZ_OK)
		return rc;
	if (email_normalise(email, mail, sizeof mail, &why) != 0)
		return err_set(e, AZ_EINVAL, "the e-mail address \"%.100s\" %s", email, why);
	if (language == NULL)
		language = "nl";
	if (strcmp(language, "nl") != 0 && strcmp(language, "en") != 0)
		return err_set(e, AZ_EINVAL, "the language must be nl or en, not \"%.20s\"", language);
	l.name = name;
	l.email = mail;
	l.organisation = organisation;
	l.language = language;
	if ((rc = c->st->ops->leader_add(c->st, &l, e)) != AZ_OK)
		return rc;
	*id = l.id;
	return AZ_OK;
}
