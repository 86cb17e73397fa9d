/* SPDX-License-Identifier: ISC */
/*
 * mailconf.c: the "mail" object of the config: who sends, who receives,
 * and the transport (an SMTP server, or a Maildir by default).  One
 * checker serves both check-config (every problem as a diag with its JSON
 * path) and the outbox (the settings in a struct mail_conf).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"

#define ADDR_MAX		254	/* RFC 5321 path limit, less <> */
#define SMTP_TIMEOUT		30	/* seconds */
#define DEFAULT_FROM_NAME	"regiomon"
#define DEFAULT_TO		"root@localhost"
#define DEFAULT_MAILDIR		"mail"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const mail_keys[] = {
	"from", "from_name", "to", "smtp", "maildir"
};
static const char *const smtp_keys[] = {
	"url", "username", "password_file", "ca_file", "timeout", "starttls"
};

/* What one check is working on. */
struct mctx {
	struct diags		*d;
	const char		*file;
	const char		*dir;	/* relative paths start here */
	struct mail_conf	*out;	/* NULL: only check */
	int			 oom;
};

static char *
mdup(struct mctx *c, const char *s)
{
	char	*p;

	if (c->out == NULL || s == NULL)
		return NULL;
	if ((p = strdup(s)) == NULL)
		c->oom = 1;
	return p;
}

static int
atext(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || strchr("!#$%&'*+/=?^_`{|}~-", ch) !=
	    NULL;
}

/*
 * 1 if s is a bare address, local@domain, that can go into an SMTP
 * envelope and a header unchanged: a dot-atom local part (no quoting),
 * a domain of letters, digits and hyphens in dot-separated labels.
 * Anything else (display names, spaces, CR or LF, non-ASCII) is refused
 * here rather than cleaned up later, as libcurl before 8.22 puts the
 * envelope on the wire as it is.
 */
static int
addr_valid(const char *s)
{
	const char	*at = strrchr(s, '@'), *p;

	if (at == NULL || at == s || at[1] == '\0' || strlen(s) > ADDR_MAX)
		return 0;
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (p == s || p[1] == '.' || p + 1 == at)
				return 0;
		} else if (!atext(*p))
			return 0;
	}
	for (p = at + 1; *p != '\0'; p++) {
		if (*p == '.') {
			if (p == at + 1 || p[1] == '.' || p[1] == '\0')
				return 0;
		} else if (!((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	}
	return 1;
}

static void
bad_addr(struct mctx *c, const char *where, const json_t *v)
{
	char	 q[128];

	diag_add(c->d, c->file, where, "expected an address like "
	    "\"analist@example.org\" (no name, <> or spaces), got %s",
	    conf_got(v, q, sizeof(q)));
}

static void
check_to(struct mctx *c, const json_t *v)
{
	const json_t	*e;
	char		 where[64], q[128];
	size_t		 i, n;

	if (json_is_string(v)) {
		if (!addr_valid(json_string_value(v))) {
			bad_addr(c, "mail.to", v);
			return;
		}
		n = 1;
	} else if (!json_is_array(v)) {
		diag_add(c->d, c->file, "mail.to", "expected an array of "
		    "addresses, got %s", conf_got(v, q, sizeof(q)));
		return;
	} else if ((n = json_array_size(v)) == 0) {
		diag_add(c->d, c->file, "mail.to", "expected at least one "
		    "address, got []");
		return;
	} else if (n > MAIL_TO_MAX) {
		diag_add(c->d, c->file, "mail.to", "expected at most %d "
		    "addresses, got %zu: use a mailing list for more",
		    MAIL_TO_MAX, n);
		return;
	}
	json_array_foreach(v, i, e) {
		conf_jpath(where, sizeof(where), "mail.to", NULL, i);
		if (!json_is_string(e) || !addr_valid(json_string_value(e)))
			bad_addr(c, where, e);
	}
	if (c->out == NULL)
		return;
	if ((c->out->to = calloc(n, sizeof(char *))) == NULL) {
		c->oom = 1;
		return;
	}
	if (json_is_string(v))
		c->out->to[c->out->nto++] = mdup(c, json_string_value(v));
	else
		json_array_foreach(v, i, e)
			c->out->to[c->out->nto++] = mdup(c,
			    json_string_value(e));
}

/*
 * The password file at check time: read as smtp.c reads it when it
 * sends (secret_read: not a symlink, a regular file of this user that
 * only it may read or write, one line), and forgotten.
 */
static void
check_password_file(struct mctx *c, const char *path)
{
	char	 pw[SMTP_PASSWORD_MAX], err[1024];

	if (smtp_read_password(path, pw, sizeof(pw), err, sizeof(err)) == -1)
		diag_add(c->d, c->file, "mail.smtp.password_file", "%s",
		    err + strlen("password file "));
	explicit_bzero(pw, sizeof(pw));
}

/* A non-empty string at where, or NULL with a diag. */
static const char *
string(struct mctx *c, const json_t *v, const char *where, const char *what)
{
	char	 q[128];

	if (!json_is_string(v) || *json_string_value(v) == '\0') {
		diag_add(c->d, c->file, where, "expected %s, got %s", what,
		    conf_got(v, q, sizeof(q)));
		return NULL;
	}
	return json_string_value(v);
}

/*
 * "mail.smtp".  Longer than most: one branch per key, then the rules
 * that tie keys together (url and starttls, username and password_file),
 * kept in one place so that each is stated once.
 */
static void
check_smtp(struct mctx *c, const json_t *smtp)
{
	const json_t	*v;
	const char	*key, *url = NULL, *s, *user = NULL, *pwf = NULL;
	char		 q[128], err[512], *path;
	long		 secs;
	int		 implicit = 0, loopback = 0, starttls = -1;

	if (!json_is_object(smtp)) {
		diag_add(c->d, c->file, "mail.smtp", "expected an object, got "
		    "%s", conf_got(smtp, q, sizeof(q)));
		return;
	}
	if (c->out != NULL)
		c->out->timeout = SMTP_TIMEOUT;
	json_object_foreach((json_t *)smtp, key, v) {
		if (strcmp(key, "url") == 0) {
			if ((url = string(c, v, "mail.smtp.url",
			    "a URL like \"smtp://mail.example.org:587\"")) ==
			    NULL)
				continue;
			if (smtp_url_check(url, &implicit, &loopback, err,
			    sizeof(err)) == -1) {
				diag_add(c->d, c->file, "mail.smtp.url",
				    "%s: %s", conf_quote(url, q, sizeof(q)),
				    err);
				url = NULL;
			}
		} else if (strcmp(key, "username") == 0) {
			user = string(c, v, "mail.smtp.username",
			    "a user name");
			if (user != NULL && strpbrk(user, "\r\n") != NULL) {
				diag_add(c->d, c->file, "mail.smtp.username",
				    "a user name has no line breaks");
				user = NULL;
			}
		} else if (strcmp(key, "password_file") == 0) {
			if ((pwf = string(c, v, "mail.smtp.password_file",
			    "a path")) == NULL)
				continue;
			path = path_join(c->dir, pwf);
			check_password_file(c, path);
			if (c->out != NULL)
				c->out->password_file = path;
			else
				free(path);
		} else if (strcmp(key, "ca_file") == 0) {
			if ((s = string(c, v, "mail.smtp.ca_file", "a path")) !=
			    NULL && c->out != NULL)
				c->out->ca_file = path_join(c->dir, s);
		} else if (strcmp(key, "timeout") == 0) {
			if (!json_is_string(v) ||
			    duration_parse(json_string_value(v), &secs) == -1)
				diag_add(c->d, c->file, "mail.smtp.timeout",
				    "expected a duration like \"30s\", got %s",
				    conf_got(v, q, sizeof(q)));
			else if (c->out != NULL)
				c->out->timeout = secs;
		} else if (strcmp(key, "starttls") == 0) {
			if (!json_is_boolean(v))
				diag_add(c->d, c->file, "mail.smtp.starttls",
				    "expected true or false, got %s",
				    conf_got(v, q, sizeof(q)));
			else
				starttls = json_is_true(v);
		} else
			conf_unknown_key(c->d, c->file, "mail.smtp", key,
			    smtp_keys, nitems(smtp_keys));
	}
	if (json_object_get(smtp, "url") == NULL)
		diag_add(c->d, c->file, "mail.smtp",
		    "missing required key \"url\"");
	if ((json_object_get(smtp, "username") == NULL) !=
	    (json_object_get(smtp, "password_file") == NULL))
		diag_add(c->d, c->file, "mail.smtp", "\"username\" and "
		    "\"password_file\" go together: give both or neither");
	if (url != NULL && !implicit && !loopback && starttls == 0)
		diag_add(c->d, c->file, "mail.smtp.starttls", "false is only "
		    "allowed for a loopback host (localhost, 127.0.0.0/8, "
		    "::1): to %s the mail%s would cross the network in clear "
		    "text; use STARTTLS or smtps://", conf_quote(url, q,
		    sizeof(q)), user != NULL ? " and the password" : "");
	if (c->out == NULL)
		return;
	c->out->url = mdup(c, url);
	c->out->username = mdup(c, user);
	c->out->implicit_tls = implicit;
	c->out->loopback = loopback;
	/* STARTTLS is required unless asked otherwise on loopback. */
	c->out->starttls = starttls == -1 ? !loopback : starttls;
}

/*
 * Check the "mail" object, filling c->out when it is not NULL.  Every
 * problem is added to c->d, with its JSON path.
 */
static void
check(struct mctx *c, const json_t *mail)
{
	const json_t	*v;
	const char	*key, *s;
	char		 q[128];

	if (mail == NULL)
		return;
	if (!json_is_object(mail)) {
		diag_add(c->d, c->file, "mail", "expected an object, got %s",
		    conf_got(mail, q, sizeof(q)));
		return;
	}
	json_object_foreach((json_t *)mail, key, v) {
		if (strcmp(key, "from") == 0) {
			if (!json_is_string(v) ||
			    !addr_valid(json_string_value(v)))
				bad_addr(c, "mail.from", v);
			else if (c->out != NULL)
				c->out->from = mdup(c, json_string_value(v));
		} else if (strcmp(key, "from_name") == 0) {
			/*
			 * Any string: mail.c strips control characters
			 * from header values whatever their origin.
			 */
			if (!json_is_string(v))
				diag_add(c->d, c->file, "mail.from_name",
				    "expected a string, got %s",
				    conf_got(v, q, sizeof(q)));
			else if (c->out != NULL)
				c->out->from_name = mdup(c,
				    json_string_value(v));
		} else if (strcmp(key, "to") == 0)
			check_to(c, v);
		else if (strcmp(key, "smtp") == 0)
			check_smtp(c, v);
		else if (strcmp(key, "maildir") == 0) {
			if ((s = string(c, v, "mail.maildir", "a path")) !=
			    NULL && c->out != NULL)
				c->out->maildir = mdup(c, s);
		} else
			conf_unknown_key(c->d, c->file, "mail", key,
			    mail_keys, nitems(mail_keys));
	}
	if (json_object_get(mail, "smtp") != NULL &&
	    json_object_get(mail, "maildir") != NULL)
		diag_add(c->d, c->file, "mail", "\"smtp\" and \"maildir\" "
		    "exclude each other: mail goes to an SMTP server or into "
		    "a Maildir");
}

/*
 * Check the config's "mail" object (mail may be NULL: all defaults).
 * file names the config in the diags; relative paths are taken from its
 * directory.  Returns 0, or -1 after adding every problem to d.
 */
int
mail_conf_check(const json_t *mail, const char *file, struct diags *d)
{
	struct mctx	 c;
	size_t		 before = d->n;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.file = file;
	c.dir = path_dirname(file);
	check(&c, mail);
	free((char *)c.dir);
	return d->n > before ? -1 : 0;
}

/*
 * The mail settings of conf (mail is its "mail" object, or NULL) with the
 * defaults filled in: from regiomon@HOSTNAME, to root@localhost, a
 * Maildir at STATE/mail.  0, or -1 with every problem logged; free with
 * mail_conf_free() either way.
 */
int
mail_conf_get(const struct conf *conf, const json_t *mail,
    struct mail_conf *mc)
{
	struct mctx	 c;
	struct diags	 d;
	char		 host[256], *dir, *p;
	size_t		 i;

	memset(mc, 0, sizeof(*mc));
	memset(&d, 0, sizeof(d));
	memset(&c, 0, sizeof(c));
	c.d = &d;
	c.file = conf->path;
	c.out = mc;
	c.dir = dir = conf->dir != NULL ? strdup(conf->dir) :
	    path_dirname(conf->path);
	if (dir == NULL) {
		log_warnx("mail: out of memory");
		return -1;
	}
	check(&c, mail);
	free(dir);
	if (d.n > 0) {
		for (i = 0; i < d.n; i++)
			log_warnx("%s: %s: %s", d.v[i].file, d.v[i].where !=
			    NULL ? d.v[i].where : "mail", d.v[i].msg);
		diag_free(&d);
		return -1;
	}
	mail_hostname(host, sizeof(host));
	if (mc->from == NULL && asprintf(&mc->from, "regiomon@%s", host) ==
	    -1)
		mc->from = NULL;
	if (mc->from_name == NULL)
		mc->from_name = strdup(DEFAULT_FROM_NAME);
	if (mc->nto == 0 && (mc->to = calloc(1, sizeof(char *))) != NULL &&
	    (mc->to[0] = strdup(DEFAULT_TO)) != NULL)
		mc->nto = 1;
	mc->transport = mc->url != NULL ? MAIL_SMTP : MAIL_MAILDIR;
	if (mc->transport == MAIL_MAILDIR) {
		p = mc->maildir;
		mc->maildir = path_join(conf->state_dir, p != NULL ? p :
		    DEFAULT_MAILDIR);
		free(p);
	}
	if (c.oom || mc->from == NULL || mc->from_name == NULL ||
	    mc->nto == 0) {
		log_warnx("mail: out of memory");
		return -1;
	}
	for (i = 0; i < mc->nto; i++) {
		if (mc->to[i] == NULL) {
			log_warnx("mail: out of memory");
			return -1;
		}
	}
	return 0;
}

/* Free what mail_conf_get() filled in (not mc itself).  Idempotent. */
void
mail_conf_free(struct mail_conf *mc)
{
	size_t	 i;

	free(mc->from);
	free(mc->from_name);
	for (i = 0; i < mc->nto; i++)
		free(mc->to[i]);
	free(mc->to);
	free(mc->maildir);
	free(mc->url);
	free(mc->username);
	free(mc->password_file);
	free(mc->ca_file);
	memset(mc, 0, sizeof(*mc));
}

/*
 * One line naming the transport for logs and test-mail: "SMTP
 * smtp://host:587 (STARTTLS)" or "Maildir /var/lib/regiomon/mail".
 * Returns buf.
 */
const char *
mail_conf_describe(const struct mail_conf *mc, char *buf, size_t size)
{
	if (mc->transport == MAIL_MAILDIR)
		snprintf(buf, size, "Maildir %s", mc->maildir);
	else
		snprintf(buf, size, "SMTP %s (%s%s%s)", mc->url,
		    mc->implicit_tls ? "TLS" : mc->starttls ? "STARTTLS" :
		    "no TLS, loopback", mc->username != NULL ? ", as " : "",
		    mc->username != NULL ? mc->username : "");
	return buf;
}
