/* SPDX-License-Identifier: ISC */
/*
 * child.c: the child's side of a source run.  It loads nothing new: it
 * calls the already loaded plugin's init/collect/fini and writes
 * observation lines to the pipe, with no descriptor of the parent's but
 * stdio and the pipe and no file of the state directory or any secret
 * (child_confine()), kills whatever the plugin started (sweep.c), and
 * leaves by _exit() with what the plugin said.
 */
#include <sys/resource.h>

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/*
 * AddressSanitizer and ThreadSanitizer reserve terabytes of address
 * space, so an RLIMIT_AS would only break sanitized test builds; the
 * limit is skipped there.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN 1
#endif
#endif

static void
child_limit_memory(size_t bytes)
{
#ifndef HAVE_ASAN
	struct rlimit	 rl;

	if (bytes == 0)
		return;
	rl.rlim_cur = rl.rlim_max = bytes;
	if (setrlimit(RLIMIT_AS, &rl) == -1)
		log_warn("setrlimit");
#else
	(void)bytes;
#endif
}

/*
 * Nothing the plugin started outlives the run (see sweep.c): the exec
 * plugin's program and whatever that left, in its process group or not.
 */
static void
child_sweep(const struct source *src)
{
	int	 n;

	if ((n = sweep_descendants(KILL_GRACE)) == -1)
		log_warnx("%s: processes the plugin started were still "
		    "there %.1fs after SIGKILL", src->name, KILL_GRACE);
	else if (n > 0)
		log_debug("%s: killed and reaped %d process%s the plugin "
		    "left running", src->name, n, n == 1 ? "" : "es");
}

static const struct source *child_src;

/*
 * Shut the child, and all it starts, out of what no plugin needs and a
 * broken or hostile one could harm or steal (confine.c): the state
 * directory (the store, spool, outbox and state), the config, every
 * source's secret files (its own are in the vault already) and those of
 * the parts above (conf->shut: the SMTP password).  Relative paths are
 * taken from here, before the chdir to the config's directory, but for
 * the secrets, which a plugin names from there.  Without Landlock in
 * the kernel the child runs as it is.  0, or -1 logged.
 */
static int
child_confine(const struct conf *conf, const struct source *src)
{
	const char	**shut;
	char		**own, err[1024];
	size_t		 i, j, n = 0, nown = 0, max = conf->nshut + 2;
	int		 rc;

	for (i = 0; i < conf->nsources; i++)
		max += conf->sources[i].nsecrets;
	shut = xcalloc(max, sizeof(*shut));
	own = xcalloc(max, sizeof(*own));
	shut[n++] = conf->state_dir;
	shut[n++] = conf->path;
	for (i = 0; i < conf->nshut; i++)
		shut[n++] = conf->shut[i];
	for (i = 0; i < conf->nsources; i++)
		for (j = 0; j < conf->sources[i].nsecrets; j++) {
			if (conf->sources[i].secrets[j][0] == '/' ||
			    conf->dir == NULL)
				shut[n++] = conf->sources[i].secrets[j];
			else
				shut[n++] = own[nown++] = path_join(conf->dir,
				    conf->sources[i].secrets[j]);
		}
	rc = confine_shut(shut, n, err, sizeof(err));
	if (rc == 1)
		log_debug("%s: no Landlock in this kernel; the plugin is not "
		    "shut out of the state directory and secrets", src->name);
	else if (rc == -1)
		log_warnx("%s: cannot shut the plugin out of the state "
		    "directory and secrets: %s", src->name, err);
	for (i = 0; i < nown; i++)
		free(own[i]);
	free(own);
	free(shut);
	return rc == -1 ? -1 : 0;
}

/*
 * The host's child always leaves by _exit(): exit() comes from the plugin,
 * before its collect() returned, so what it emitted is only a part.
 */
static void
child_exit_trap(void)
{
	fflush(stdout);		/* what the plugin printed, for the log */
	child_sweep(child_src);
	_exit(EXIT_CALLED_EXIT);
}

/*
 * A failed run's last error (NULL: none), whole, as the last line to the
 * parent: {"error": "..."}.  The log has it too, but cut to a line.
 */
static void
child_error(FILE *out, const char *msg)
{
	json_t	*o;
	char	*vis;
	size_t	 n;

	if (msg == NULL)
		return;
	/* Text only: a byte that is not UTF-8 would fail json_pack(). */
	if ((n = strlen(msg)) > RUN_WHY_MAX)
		n = RUN_WHY_MAX;
	if ((vis = calloc(1, 4 * n + 1)) == NULL)
		return;
	text_visn(vis, 4 * n + 1, msg, n);
	if ((o = json_pack("{s:s}", "error", vis)) != NULL) {
		json_dumpf(o, out, JSON_COMPACT);
		fputc('\n', out);
	}
	json_decref(o);
	free(vis);
}

/*
 * The run's warnings (NULL: none) as a line to the parent, {"warnings":
 * [...]}, each made visible text as child_error() does: `regiomon
 * sources` shows the last run's.
 */
static void
child_warnings(FILE *out, const json_t *w)
{
	const json_t	*m;
	json_t		*a, *o;
	char		*vis;
	size_t		 i, n;

	if (json_array_size(w) == 0 || (a = json_array()) == NULL)
		return;
	json_array_foreach(w, i, m) {
		if ((n = strlen(json_string_value(m))) > RUN_WHY_MAX)
			n = RUN_WHY_MAX;
		if ((vis = calloc(1, 4 * n + 1)) == NULL)
			break;
		text_visn(vis, 4 * n + 1, json_string_value(m), n);
		json_array_append_new(a, json_string(vis));
		free(vis);
	}
	if ((o = json_pack("{s:o}", "warnings", a)) != NULL) {
		json_dumpf(o, out, JSON_COMPACT);
		fputc('\n', out);
	}
	json_decref(o);
}

/* The child's whole life: never returns. */
__dead void
child_main(struct regiomon *rm, const struct source *src,
    const struct plugin *p, const struct vault *vt, int wfd, int logfd)
{
	struct rm_ctx	*ctx;
	FILE		*out;
	void		*state = NULL;
	int		 rc, devnull;

	/*
	 * First of all: until sweep_setup() installs the child's own
	 * handler, a SIGTERM (a stop, a deadline) must end the child, not
	 * run the daemon's handler that it inherited.
	 */
	signal(SIGTERM, SIG_DFL);
	if (logfd != -1 && dup2(logfd, STDERR_FILENO) == -1)
		_exit(1);
	/*
	 * The child inherits every descriptor of the parent, the spool and
	 * RRD files among them; a plugin that writes to a stray descriptor
	 * must not reach them.  Keep stdio and the pipe only.
	 */
	if (wfd > 3)
		close_range(3, (unsigned int)wfd - 1, 0);
	close_range((unsigned int)wfd + 1, ~0U, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if ((devnull = open("/dev/null", O_RDONLY)) != -1) {
		dup2(devnull, STDIN_FILENO);
		close(devnull);
	}
	/*
	 * Observations go through the pipe only: what a plugin prints to
	 * stdout goes to its log, not into `fetch`'s output.
	 */
	if (wfd != STDOUT_FILENO) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		setvbuf(stdout, NULL, _IOLBF, 0);
	}
	log_forked();
	child_src = src;
	if (atexit(child_exit_trap) != 0)
		_exit(1);
	(void)sweep_setup();
	vault_install(vt);
	if (child_confine(rm->conf, src) == -1)
		_exit(1);
	child_limit_memory(rm->conf->child_memory);
	/*
	 * A plugin parses page after page of the same size: keep the heap
	 * the last page grew instead of giving it back to the kernel and
	 * faulting it in again for the next one (glibc trims above 128 KB).
	 */
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TOP_PAD, 4 * 1024 * 1024);
	/* Relative paths in a plugin's config are relative to the config. */
	if (rm->conf->dir != NULL && chdir(rm->conf->dir) == -1)
		log_warn("%s: chdir %s", src->name, rm->conf->dir);
	if ((out = fdopen(wfd, "w")) == NULL)
		_exit(1);
	setvbuf(out, NULL, _IOFBF, 64 * 1024);
	ctx = host_ctx_new(rm, src, out, NULL);
	rc = p->desc.init(ctx, src->config, &state);
	if (rc == RM_OK || rc == RM_UNCHANGED)
		rc = p->desc.collect(ctx, state);
	p->desc.fini(state);
	child_sweep(src);
	if (host_ctx_failed(ctx))
		rc = RM_ERR;
	if (rc != RM_OK && rc != RM_UNCHANGED)
		child_error(out, host_ctx_error(ctx));
	child_warnings(out, host_ctx_warnings(ctx));
	if (fflush(out) == EOF)
		rc = RM_ERR;
	fflush(stdout);		/* what the plugin printed, for the log */
	/* _exit: the parent's atexit handlers and buffers are not ours. */
	_exit(rc == RM_OK ? 0 : rc == RM_UNCHANGED ? EXIT_UNCHANGED : 1);
}
