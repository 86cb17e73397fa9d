/* SPDX-License-Identifier: ISC */
/*
 * setup.c: loading a config for every command and the daemon.  model/
 * conf.c checks the file's shape; each section that a part above it owns
 * is checked here by its owner, in the order the file gives them.
 */
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

/* The sections other parts own, and who checks each. */
static const struct {
	const char	*key;
	int		(*check)(const json_t *, const char *, struct diags *);
} owners[] = {
	{ "mail", mail_conf_check },
	{ "alerts", alert_conf_check },
	{ "report", report_conf_check },
	{ "daemon", daemon_conf_check },
};

static void
check_owned(const struct conf *conf, struct diags *d)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	if (!json_is_object(conf->root))
		return;
	json_object_foreach(conf->root, key, v)
		for (i = 0; i < nitems(owners); i++)
			if (strcmp(owners[i].key, key) == 0)
				owners[i].check(v, conf->path, d);
}

/*
 * Finish a conf that conf_read() or conf_read_buffer() returned: check
 * the owned sections; with keep, return it whatever d holds, else free
 * it and return NULL if anything was wrong.
 */
static struct conf *
finish(struct conf *conf, struct diags *d, size_t before, int keep)
{
	if (conf == NULL)
		return NULL;
	check_owned(conf, d);
	if (d->n > before && !keep) {
		conf_free(conf);
		return NULL;
	}
	return conf;
}

/*
 * Load and check the config file at path, every section of it.  Every
 * problem goes into d, as "path: json.path: message"; then NULL is
 * returned.  Returns a new conf, caller frees with conf_free().
 */
struct conf *
setup_conf(const char *path, struct diags *d)
{
	size_t	 before = d->n;

	return finish(conf_read(path, d), d, before, 0);
}

/*
 * As setup_conf, but a file that parses comes back even with errors (in
 * d): what is wrong is left unset.  For check-config, to go on to the
 * catalog and the plugins' configs and report every error at once.
 */
struct conf *
setup_conf_all(const char *path, struct diags *d)
{
	size_t	 before = d->n;

	return finish(conf_read(path, d), d, before, 1);
}

/*
 * As setup_conf, from len bytes at buf; name labels the diags, and
 * relative paths stay relative to the current directory.
 */
struct conf *
setup_conf_buffer(const char *buf, size_t len, const char *name,
    struct diags *d)
{
	size_t	 before = d->n;

	return finish(conf_read_buffer(buf, len, name, d), d, before, 0);
}
