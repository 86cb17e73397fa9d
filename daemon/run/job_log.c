/* SPDX-License-Identifier: ISC */
/*
 * job_log.c: what a child writes to stderr, when the caller captures it
 * (job_start_captured()): read as it comes, its last LOG_KEEP bytes kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

#define LOG_KEEP	(64 * 1024)	/* of a captured stderr, the end */

/* The read end of the child's captured stderr, or -1 (none, or at EOF). */
int
job_log_fd(const struct job *j)
{
	return j->logfd;
}

/*
 * Read what the child has logged so far, keeping the last LOG_KEEP
 * bytes.  1 at end of file (the descriptor is closed), else 0.
 */
int
job_read_log(struct job *j)
{
	char	 buf[8192];
	ssize_t	 n;
	size_t	 keep;

	while (j->logfd != -1) {
		n = read(j->logfd, buf, sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			close(j->logfd);
			j->logfd = -1;
			break;
		}
		if (j->log == NULL && (j->log = malloc(LOG_KEEP + 1)) == NULL)
			fatal(NULL);
		/* n <= sizeof(buf) < LOG_KEEP: drop the oldest bytes. */
		keep = j->loglen + (size_t)n > LOG_KEEP ?
		    LOG_KEEP - (size_t)n : j->loglen;
		memmove(j->log, j->log + j->loglen - keep, keep);
		memcpy(j->log + keep, buf, (size_t)n);
		j->loglen = keep + (size_t)n;
		j->log[j->loglen] = '\0';
	}
	return 1;
}

/* What the child logged (NUL-terminated, its end), borrowed, or "". */
const char *
job_log(const struct job *j)
{
	return j->log != NULL ? j->log : "";
}
