/* SPDX-License-Identifier: ISC */
/*
 * cmd_run.c: `regiomon run` (each source once, stored) and `regiomon
 * fetch` (one source, printed, nothing stored).  A run spools the child's
 * observations (run/run_store.c), and stores them only when the run
 * succeeded.  Both check the plugin configs of the sources they run first
 * (exit 78).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"
#include "app/cmd.h"

/*
 * Run one source and store its data.  0 on success (changed or not), -1 if
 * the source failed (logged once, with the reason).
 */
int
run_source(struct regiomon *rm, const struct source *src)
{
	const struct plugin	*p;
	struct ahead		*ahead = NULL;
	char			 why[RUN_WHY_MAX], *mark = NULL, *part;
	FILE			*sink;
	size_t			 nobs = 0;
	int			 result = JOB_FAILED, nchanged;

	if ((p = plugins_get(&rm->plugins, rm->conf->plugin_dir, src->plugin,
	    why, sizeof(why))) == NULL) {
		log_errx("%s: %s", src->name, why);
		run_note_source(rm, src, JOB_FAILED, why, NULL);
		return -1;
	}
	if ((sink = run_spool_open(rm->conf, src)) == NULL)
		snprintf(why, sizeof(why), "cannot write the spool");
	else {
		part = spool_path(rm->conf, src->name, 0);
		ahead = ahead_start(rm, src->name, part);
		free(part);
		result = job_run(rm, src, p, sink, ahead, &mark, &nobs, why,
		    sizeof(why));
	}
	result = run_store(rm, src, sink, result, mark, why, sizeof(why),
	    ahead, &nchanged);
	ahead_free(ahead);
	if (result == JOB_FAILED)
		log_errx("%s: failed: %s", src->name, why);
	else if (result == JOB_UNCHANGED)
		log_info("%s: %s", src->name, why);
	else {
		run_note_observations(rm, src, nobs);
		log_info("%s: %zu observations, %d series changed",
		    src->name, nobs, nchanged);
	}
	free(mark);
	return result == JOB_FAILED ? -1 : 0;
}

/*
 * Check the plugin config of every source about to run (setup_sources()),
 * before anything runs: a bad one is a bad config (EXIT_CONFIG, every
 * error printed), not a failed run.  A plugin that cannot be loaded is
 * left to the run, which fails that source alone.  0 or EXIT_CONFIG.
 */
static int
check_sources(struct regiomon *rm, int argc, char **argv)
{
	struct diags	 d;

	memset(&d, 0, sizeof(d));
	if (setup_sources(rm, SETUP_RUNNING, argv + 1, (size_t)argc - 1,
	    &d) == 0)
		return 0;
	diag_print(&d, stderr);
	out_printf(stderr, "regiomon: %zu error%s in the sources' plugin "
	    "configs; nothing was run\n", d.n, d.n == 1 ? "" : "s");
	diag_free(&d);
	return EXIT_CONFIG;
}

static int
prepare_state_dir(const struct conf *conf)
{
	/* A directory of its own: a link would put the spools elsewhere. */
	return mkdir_beneath(conf->state_dir, "spool", 0750);
}

int
cmd_run(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	const struct conf	*conf = rm->conf;
	const struct source	*src;
	size_t			 i;
	int			 a, failed = 0, ran = 0, changed;

	(void)o;
	for (a = 1; a < argc; a++) {
		if (conf_source(conf, argv[a]) == NULL) {
			out_printf(stderr, "regiomon: run: no source \"%s\" in "
			    "%s\n", argv[a], conf->path);
			return EXIT_USAGE;
		}
	}
	if (check_sources(rm, argc, argv) != 0)
		return EXIT_CONFIG;
	setup_log_waiting(conf);
	if (prepare_state_dir(conf) == -1)
		return 1;
	if (apply_pending(rm) == -1)
		failed = 1;
	for (i = 0; i < conf->nsources; i++) {
		src = &conf->sources[i];
		if (!setup_wanted(src, 0, argv + 1, (size_t)argc - 1))
			continue;
		ran++;
		/* Not a failure: it waits for the admin (logged above). */
		if (src->waiting != NULL)
			continue;
		if (run_source(rm, src) == -1)
			failed = 1;
	}
	/* Evaluate what the sources stored, mail what moved, report it. */
	/* Evaluated while stored (a new file) is no longer "fresh". */
	changed = rm->nchanged > 0 || report_fresh(rm);
	if (alert_cycle(rm, wall_now()) == -1)
		failed = 1;
	if (changed && report_cycle(rm) == -1)
		failed = 1;
	if (state_save(conf->state_dir, rm->state) == -1)
		failed = 1;
	if (ran == 0)
		log_warnx("no enabled sources in %s", conf->path);
	return failed ? 1 : 0;
}

/*
 * Run src into a temporary file, then print its observations, or with
 * rm->check_only the one line that says it was checked.  0, or 1 when the
 * run failed (logged; nothing printed).
 */
static int
fetch_one(struct regiomon *rm, const struct source *src)
{
	const struct plugin	*p;
	char			 why[RUN_WHY_MAX], buf[65536], *mark = NULL;
	FILE			*sink;
	size_t			 nobs, n;
	int			 result;

	/* It cannot run yet, and that is the answer. */
	if (src->waiting != NULL) {
		log_errx("%s: waiting: %s", src->name, src->waiting);
		return 1;
	}
	if ((p = plugins_get(&rm->plugins, rm->conf->plugin_dir, src->plugin,
	    why, sizeof(why))) == NULL) {
		log_errx("%s: %s", src->name, why);
		return 1;
	}
	/* Buffered, so a run that fails half-way prints nothing. */
	if ((sink = tmpfile()) == NULL) {
		log_warn("tmpfile");
		return 1;
	}
	result = job_run(rm, src, p, sink, NULL, &mark, &nobs, why,
	    sizeof(why));
	free(mark);
	if (result == JOB_FAILED) {
		log_errx("%s: failed: %s", src->name, why);
		fclose(sink);
		return 1;
	}
	/* A check prints what it found, never observations. */
	if (rm->check_only)
		printf("%s: checked against the service: every reference "
		    "found; nothing stored\n", src->name);
	else {
		rewind(sink);
		while ((n = fread(buf, 1, sizeof(buf), sink)) > 0)
			fwrite(buf, 1, n, stdout);
	}
	fclose(sink);
	if (fflush(stdout) == EOF)
		return 1;
	log_debug("%s: %s", src->name, why);
	return 0;
}

/*
 * fetch SOURCE: run one source and print its observations.  fetch --check
 * [SOURCE ...]: check those sources (default: every enabled one) against
 * their services, one line each, without reading data or storing.
 * `check-config --online` comes here too, as argv[0].
 */
int
cmd_fetch(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	const struct conf	*conf = rm->conf;
	const struct source	*src;
	char			**names;
	size_t			 i, n = 0;
	int			 a, failed = 0, ran = 0;

	(void)o;
	names = xcalloc((size_t)argc + 1, sizeof(*names));
	names[n++] = argv[0];
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--check") == 0)
			rm->check_only = 1;
		else if (argv[a][0] == '-') {
			out_printf(stderr, "regiomon: fetch: unexpected "
			    "\"%s\"; usage: fetch SOURCE, or fetch --check "
			    "[SOURCE ...]\n", argv[a]);
			goto usage;
		} else if (conf_source(conf, argv[a]) == NULL) {
			out_printf(stderr, "regiomon: %s: no source \"%s\" "
			    "in %s\n", argv[0], argv[a], conf->path);
			goto usage;
		} else
			names[n++] = argv[a];
	}
	if (!rm->check_only && n != 2) {
		out_printf(stderr, "regiomon: fetch: %s; usage: fetch SOURCE, "
		    "or fetch --check [SOURCE ...]\n", n < 2 ? "no SOURCE" :
		    "one SOURCE only (--check takes several)");
		goto usage;
	}
	if (check_sources(rm, (int)n, names) != 0) {
		free(names);
		return EXIT_CONFIG;
	}
	for (i = 0; i < conf->nsources; i++) {
		src = &conf->sources[i];
		/* Named: enabled or not; unnamed (--check): the enabled. */
		if (!setup_wanted(src, 0, names + 1, n - 1))
			continue;
		ran++;
		if (fetch_one(rm, src) != 0)
			failed = 1;
	}
	if (ran == 0)
		log_warnx("no enabled sources in %s", conf->path);
	free(names);
	return failed ? 1 : 0;
usage:
	free(names);
	return EXIT_USAGE;
}
