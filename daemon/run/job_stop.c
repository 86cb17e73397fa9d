/* SPDX-License-Identifier: ISC */
/*
 * job_stop.c: stopping a child, at its deadline or at its first protocol
 * error: SIGTERM, then SIGKILL KILL_GRACE later.
 */
#include <sys/types.h>

#include <signal.h>
#include <stdio.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/*
 * Stop the child: SIGTERM now, SIGKILL KILL_GRACE later (sent by
 * job_check_timeout(), which job_run() and the daemon call in time).
 */
void
job_stop(struct job *j, double now)
{
	if (j->stopping || j->pid <= 0)
		return;
	j->stopping = 1;
	j->kill_at = now + KILL_GRACE;
	kill(j->pid, SIGTERM);
}

/* When job_check_timeout() has something to do next. */
double
job_deadline(const struct job *j)
{
	if (j->stopping)
		return j->killed ? j->deadline : j->kill_at;
	return j->deadline;
}

/*
 * Stop the child when its time is up: SIGTERM, then SIGKILL KILL_GRACE
 * later (a later call does that).  1 if its time was up just now.
 */
int
job_check_timeout(struct job *j, double now)
{
	if (j->stopping && !j->killed && now >= j->kill_at) {
		kill(j->pid, SIGKILL);
		j->killed = 1;
	}
	if (j->timed_out || now < j->deadline)
		return 0;
	j->timed_out = 1;
	job_stop(j, now);
	return 1;
}
