/* SPDX-License-Identifier: ISC */
/*
 * setup.c: loading a config for every command and the daemon.  model/
 * conf.c checks the file's shape; each section that a part above it owns
 * is checked here by its owner, in the order the file gives them.  Then
 * the catalog, and each source's plugin config by its plugin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"
#include "app/cmd.h"

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

/* The command line's -P and -S over the config's. */
static void
overrides(struct conf *conf, const struct opts *o)
{
	if (o->plugin_dir != NULL) {
		free(conf->plugin_dir);
		conf->plugin_dir = xstrdup(o->plugin_dir);
	}
	if (o->state_dir != NULL) {
		free(conf->state_dir);
		conf->state_dir = xstrdup(o->state_dir);
	}
}

/* Add the path at key of obj, resolved against dir, to conf->shut. */
static void
shut_add(struct conf *conf, const json_t *obj, const char *key,
    const char *dir)
{
	const char	*v = json_string_value(json_object_get(obj, key));

	if (v == NULL || *v == '\0')
		return;
	conf->shut = xreallocarray(conf->shut, conf->nshut + 1,
	    sizeof(*conf->shut));
	conf->shut[conf->nshut++] = path_join(dir, v);
}

/*
 * What a plugin's child is shut out of besides the state directory, the
 * config and the sources' secrets (run/child.c): the parts above the
 * runs name the SMTP password file and a Maildir, resolved as
 * mail/mailconf.c does.
 */
static void
shut_parts(struct conf *conf)
{
	const json_t	*mail = json_object_get(conf->root, "mail");

	shut_add(conf, json_object_get(mail, "smtp"), "password_file",
	    conf->dir);
	shut_add(conf, mail, "maildir", conf->state_dir);
}

/*
 * Load the config at o's path into rm, with the command line's -P and -S
 * over it, and what flags ask for: with SETUP_RRDCACHED the store uses
 * the config's rrdcached (a command), with SETUP_CATALOG the catalog is
 * loaded too, and with SETUP_SOURCES as well the sources' plugin configs
 * are checked (setup_sources() with flags).  SETUP_ALL goes on past the
 * config's errors as far as it can, to every source (check-config).  A
 * state_dir other than NULL is the one in use, which the config may not
 * change (the daemon's reload).  Every problem goes into d.  Returns 0,
 * EXIT_CONFIG if anything was wrong, or 1 if the store cannot use
 * rrdcached (logged).  What was loaded stays in rm, also on failure: the
 * caller frees it.
 */
int
setup_load(struct regiomon *rm, const struct opts *o, int flags,
    const char *state_dir, struct diags *d)
{
	struct conf	*conf;
	size_t		 before = d->n;
	int		 catalog;

	rm->verbose = o->verbose;
	if (flags & SETUP_ALL)
		rm->conf = setup_conf_all(o->conf_path, d);
	else
		rm->conf = setup_conf(o->conf_path, d);
	if ((conf = rm->conf) == NULL)
		return EXIT_CONFIG;
	overrides(conf, o);
	shut_parts(conf);
	if ((flags & SETUP_RRDCACHED) &&
	    store_use_rrdcached(conf->rrdcached) == -1)
		return 1;
	/* Not the default catalog for a "catalog" that went wrong. */
	catalog = conf->ncatalogs > 0 && (d->n == before || json_array_size(
	    json_object_get(conf->root, "catalog")) > 0);
	/* The state, spools and runs in flight belong to the old dir. */
	if (state_dir != NULL && strcmp(conf->state_dir, state_dir) != 0)
		diag_add(d, conf->path, "state_dir", "cannot change while the "
		    "daemon runs (from %s to %s); restart regiomon to move it",
		    state_dir, conf->state_dir);
	if (!(flags & SETUP_CATALOG))
		return d->n > before ? EXIT_CONFIG : 0;
	if (catalog)
		rm->catalog = catalog_load(conf->catalogs, conf->ncatalogs,
		    NULL, d);
	if (rm->catalog == NULL)
		return EXIT_CONFIG;
	if (flags & SETUP_SOURCES)
		setup_sources(rm, flags, NULL, 0, d);
	return d->n > before ? EXIT_CONFIG : 0;
}

/*
 * 1 if setup_sources() checks src: with SETUP_ALL in flags every source,
 * else the n sources names gives, or the enabled ones if n is 0 (what
 * `regiomon run` runs).
 */
int
setup_wanted(const struct source *src, int flags, char *const *names,
    size_t n)
{
	size_t	 i;

	if (flags & SETUP_ALL)
		return 1;
	if (n == 0)
		return src->enabled;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], src->name) == 0)
			return 1;
	return 0;
}

/*
 * Load the plugin of each source that setup_wanted() picks and let it
 * check the source's config, before anything runs.  A plugin that cannot
 * be loaded is a problem too, unless flags has SETUP_RUNNING: then it is
 * left to the run, which fails that source alone; so is a secret file
 * that a plugin's config names (checked here only without the flag, and
 * for an enabled source: a disabled one may wait for its key).  A secret
 * file that does not exist yet is no problem: the source is waiting
 * (src->waiting says for what; with the flag, only this is looked at).
 * A source that the config check refused is skipped: what is wrong is
 * said already.
 * Problems go into d; 0, or -1 if there were any.
 */
int
setup_sources(struct regiomon *rm, int flags, char *const *names, size_t n,
    struct diags *d)
{
	struct conf		*conf = rm->conf;
	const struct plugin	*p;
	struct source		*src;
	struct diags		 unwanted;
	char			*ignored;
	char			 err[1024], where[64];
	int			 secrets;
	size_t			 i, before = d->n;

	memset(&unwanted, 0, sizeof(unwanted));
	for (i = 0; i < conf->nsources; i++) {
		src = &conf->sources[i];
		if (src->name == NULL || src->plugin == NULL ||
		    (src->config == NULL && json_object_get(json_array_get(
		    json_object_get(conf->root, "sources"), src->index),
		    "config") != NULL))
			continue;
		p = plugins_get(&rm->plugins, conf->plugin_dir, src->plugin,
		    err, sizeof(err));
		/*
		 * A source not asked for is checked all the same, silently,
		 * for the secret files its plugin names: no other source's
		 * run may read them (run/child.c).
		 */
		if (!setup_wanted(src, flags, names, n)) {
			if (p != NULL) {
				host_check_source(rm, p, src, HOST_SECRETS_NO,
				    &ignored, &unwanted);
				free(ignored);
			}
			continue;
		}
		if (p != NULL) {
			if (flags & SETUP_RUNNING)
				secrets = HOST_SECRETS_WAITING;
			else if (src->enabled)
				secrets = HOST_SECRETS_CHECK;
			else
				secrets = HOST_SECRETS_NO;
			free(src->waiting);
			host_check_source(rm, p, src, secrets, &src->waiting,
			    d);
		} else if (!(flags & SETUP_RUNNING)) {
			snprintf(where, sizeof(where), "sources[%zu].plugin",
			    i);
			diag_add(d, conf->path, where, "cannot load plugin "
			    "\"%s\" from %s: %s", src->plugin,
			    conf->plugin_dir, err);
		}
	}
	diag_free(&unwanted);
	return d->n > before ? -1 : 0;
}

/*
 * Log each source of conf that waits for the admin, once per load of the
 * config (the daemon's start and reload, `regiomon run`).  How many.
 */
size_t
setup_log_waiting(const struct conf *conf)
{
	size_t	 i, n = 0;

	for (i = 0; i < conf->nsources; i++) {
		if (conf->sources[i].waiting == NULL ||
		    !conf->sources[i].enabled)
			continue;
		log_notice("%s: waiting: %s", conf->sources[i].name,
		    conf->sources[i].waiting);
		n++;
	}
	return n;
}
