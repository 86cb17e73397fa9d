/* SPDX-License-Identifier: ISC */
/*
 * store_cached.c: the store's way through rrdcached (store.rrdcached).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>
#include <rrd_client.h>	/* after rrd.h, which it needs */

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "store/store_private.h"

/*
 * rrdcached (store.rrdcached).  The address travels in RRDCACHED_ADDRESS,
 * librrd's own variable, so that rrd_graph_v() and rrdtool(1) run from
 * here see the queued updates too.  librrd's _r functions never talk to
 * the daemon (notes/librrd.md 1.3), so: appends go through rrdc_update();
 * a file is flushed before it is read (its rows, last update and info)
 * and before a rebuild, and forgotten after the rebuild's rename.
 * Without the flush, a rebuild would start from rows that miss the queued
 * periods, which the daemon then replays into the new file or, told to
 * forget, drops: lost with no error but a line in the daemon's log.  The
 * forget keeps the daemon from judging new updates by the old file.
 */
#define RRDCACHED_ENV	"RRDCACHED_ADDRESS"
#define CMD_MARGIN	64	/* below RRD_CMD_MAX, for the client's use */

enum cached_op {
	CACHED_FLUSH,
	CACHED_FORGET,
	CACHED_UPDATE
};

/*
 * Route this process's RRD access through rrdcached at addr ("unix:PATH",
 * "/PATH" or "HOST[:PORT]"), or, with NULL, to the files directly.  0, or
 * -1 (logged).
 */
int
store_use_rrdcached(const char *addr)
{
	rrdc_disconnect();
	if (addr == NULL) {
		if (unsetenv(RRDCACHED_ENV) == -1) {
			log_err("unsetenv");
			return -1;
		}
		return 0;
	}
	if (setenv(RRDCACHED_ENV, addr, 1) == -1) {
		log_err("setenv");
		return -1;
	}
	/*
	 * librrd writes to the daemon's socket with stdio: a daemon that
	 * went away would kill us with SIGPIPE instead of failing the write.
	 */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

const char *
cached_addr(void)
{
	const char	*a = getenv(RRDCACHED_ENV);

	return a != NULL && *a != '\0' ? a : NULL;
}

/* What the last rrdc_* call that returned rc said. */
static const char *
cached_error(int rc)
{
	const char	*e = rrd_get_error();

	if (e != NULL && *e != '\0')
		return e;
	return rc > 0 ? strerror(rc) : "failed without a message";
}

/*
 * The absolute name of path for the daemon: its client resolves relative
 * names with realpath(), which fails for a file that is not there yet.
 * New, caller frees; NULL (logged) if the directory cannot be resolved.
 */
static char *
cached_path(const char *path)
{
	const char	*base;
	char		*dir, *real, *p;

	base = (p = strrchr(path, '/')) != NULL ? p + 1 : path;
	dir = path_dirname(path);
	if ((real = realpath(dir, NULL)) == NULL) {
		log_err("%s", dir);
		free(dir);
		return NULL;
	}
	xasprintf(&p, "%s/%s", real, base);
	free(real);
	free(dir);
	return p;
}

/*
 * One command about file, on the connection to addr.  librrd cannot tell
 * a dead connection (a restarted daemon) from a live one, so a failure is
 * tried once more on a new connection.  0, or librrd's status with the
 * message in rrd_get_error().
 */
static int
cached_call(const char *addr, enum cached_op op, const char *file, int argc,
    const char *const *argv)
{
	int	 try, rc = -1;

	for (try = 0; try < 2; try++) {
		if (try > 0)
			rrdc_disconnect();
		rrd_clear_error();
		if ((rc = rrdc_connect(addr)) != 0)
			continue;
		rrd_clear_error();
		if (op == CACHED_FLUSH)
			rc = rrdc_flush(file);
		else if (op == CACHED_FORGET)
			rc = rrdc_forget(file);
		else
			rc = rrdc_update(file, argc, argv);
		if (rc == 0)
			break;
	}
	return rc;
}

/*
 * Have rrdcached write what it queued for path, so that a direct read
 * sees it.  0 (also without rrdcached), or -1 (logged): reading the file
 * without the flush could rebuild it from stale rows.
 */
int
cached_flush(const char *path)
{
	const char	*addr = cached_addr();
	char		*abs;
	int		 rc;

	if (addr == NULL)
		return 0;
	if ((abs = cached_path(path)) == NULL)
		return -1;
	if ((rc = cached_call(addr, CACHED_FLUSH, abs, 0, NULL)) != 0)
		log_errx("rrdcached %s: flush %s: %s", addr, abs,
		    cached_error(rc));
	free(abs);
	return rc == 0 ? 0 : -1;
}

/*
 * Make rrdcached drop what it knows of path, which was just replaced.
 * Not knowing the file is fine; any other failure is logged, and does
 * little harm since the file was flushed before the rebuild.
 */
void
cached_forget(const char *path)
{
	const char	*addr = cached_addr();
	char		*abs;
	int		 rc;

	if (addr == NULL || (abs = cached_path(path)) == NULL)
		return;
	if ((rc = cached_call(addr, CACHED_FORGET, abs, 0, NULL)) != 0) {
		/* The daemon's answer (rc < 0), not a failed connection. */
		if (rc < 0 && strstr(cached_error(rc), strerror(ENOENT)) !=
		    NULL)
			log_debug("rrdcached: %s was not cached", abs);
		else
			log_warnx("rrdcached %s: forget %s: %s", addr, abs,
			    cached_error(rc));
	}
	free(abs);
}

/* The bytes the client sends for s: spaces and backslashes escaped. */
static size_t
cached_len(const char *s)
{
	size_t	 n = strlen(s);

	for (; *s != '\0'; s++)
		n += *s == ' ' || *s == '\\';
	return n;
}

/*
 * Send a's update arguments for path to rrdcached, as many per command
 * as fit in one (RRD_CMD_MAX bytes: larger commands fail with ENOBUFS).
 * 0, or -1 (logged); a chunk that failed leaves the file's last period
 * incomplete, which the next write rebuilds.
 */
int
cached_update(const char *addr, const char *path, const struct args *a)
{
	const char	**argv;
	char		 *abs;
	size_t		  fixed, used, i, j;
	int		  rc = 0;

	if (a->n == 0)
		return 0;
	if ((abs = cached_path(path)) == NULL)
		return -1;
	if ((argv = args_argv(a)) == NULL) {
		free(abs);
		return -1;
	}
	fixed = strlen("update ") + cached_len(abs) + 1 + CMD_MARGIN;
	for (i = 0; i < a->n && rc == 0; i = j) {
		for (used = fixed, j = i; j < a->n; j++) {
			if (used + strlen(argv[j]) + 1 > RRD_CMD_MAX)
				break;
			used += strlen(argv[j]) + 1;
		}
		if (j == i) {
			log_errx("rrdcached: %s: path too long for a command",
			    abs);
			rc = -1;
			break;
		}
		if ((rc = cached_call(addr, CACHED_UPDATE, abs, (int)(j - i),
		    argv + i)) != 0)
			log_errx("rrdcached %s: update %s: %s", addr, abs,
			    cached_error(rc));
	}
	free(argv);
	free(abs);
	return rc == 0 ? 0 : -1;
}
