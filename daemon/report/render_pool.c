/* SPDX-License-Identifier: ISC */
/*
 * render_pool.c: several renderers drawing graphs side by side.  librrd
 * draws one graph at a time in a process (render.c), and a graph is
 * almost all renderer time (tests/bench/RESULTS.md: 70 M instructions a
 * graph, 2.5 M of them the daemon's), so the first report of 20,000
 * series is as many times faster as there are renderers with a core of
 * their own.  The jobs come back in their own slots, so the report is
 * written in the same order, byte for byte the same, whatever finished
 * first.
 */
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "report/report_private.h"

/* Seconds on the monotonic clock. */
static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A pool of up to want renderers (clamped to 1..RENDER_POOL_MAX). */
void
render_pool_init(struct render_pool *p, int want)
{
	memset(p, 0, sizeof(*p));
	p->want = want < 1 ? 1 : want > RENDER_POOL_MAX ? RENDER_POOL_MAX :
	    want;
}

/*
 * End every renderer of p.  A renderer ends at the end of its input,
 * and one started later holds a copy of the daemon's end of every
 * earlier one's socket (fork_tied() shares the descriptors): so every
 * socket is closed first, and only then is each renderer waited for.
 */
void
render_pool_stop(struct render_pool *p)
{
	int	 k;

	for (k = 0; k < p->want; k++)
		if (p->w[k] != NULL && p->w[k]->fd != -1) {
			close(p->w[k]->fd);
			p->w[k]->fd = -1;
		}
	for (k = 0; k < p->want; k++) {
		render_stop(p->w[k]);
		p->w[k] = NULL;
	}
}

/*
 * Renderer k of p, started when it is first needed (the pool starts no
 * more renderers than it has graphs to draw at once); NULL when it could
 * not be started or is lost.
 */
static struct renderer *
slot(struct render_pool *p, int k)
{
	if (p->w[k] == NULL && !p->tried[k]) {
		p->tried[k] = 1;
		if ((p->w[k] = render_start()) != NULL)
			log_debug("graph: renderer %d of %d started (pid %ld)",
			    k + 1, p->want, (long)p->w[k]->pid);
	}
	return p->w[k] != NULL && p->w[k]->fd != -1 ? p->w[k] : NULL;
}

/*
 * Draw the n graphs of jobs with the renderers of p, each renderer one
 * graph at a time: a job's out is its image (caller frees) of len bytes,
 * or NULL when it could not be drawn (logged).  A renderer that takes
 * longer than RENDER_TIMEOUT for a graph is stopped; when none is left,
 * each graph still to draw gets a renderer of its own, as render_draw()
 * does.
 */
void
render_jobs(struct render_pool *p, struct render_job *jobs, size_t n)
{
	struct pollfd		 pfd[RENDER_POOL_MAX];
	struct render_job	*j;
	struct renderer		*w;
	double			 since[RENDER_POOL_MAX], left, t;
	size_t			 next = 0, busy[RENDER_POOL_MAX];
	int			 k, nb, who[RENDER_POOL_MAX], r, tmo;

	for (k = 0; k < p->want; k++)
		busy[k] = SIZE_MAX;
	for (;;) {
		/* Every idle renderer gets the next graph. */
		for (k = 0; k < p->want && next < n; k++) {
			if (busy[k] != SIZE_MAX || (w = slot(p, k)) == NULL)
				continue;
			j = &jobs[next];
			j->out = NULL;
			j->len = 0;
			r = render_send(w, j->comma, j->argc, j->argv,
			    j->what);
			if (r == -1)
				continue;	/* lost: the graph waits */
			next++;
			if (r == 0) {
				busy[k] = (size_t)(j - jobs);
				since[k] = now_s();
			}
		}
		for (nb = 0, k = 0; k < p->want; k++)
			if (busy[k] != SIZE_MAX) {
				pfd[nb].fd = p->w[k]->fd;
				pfd[nb].events = POLLIN;
				/* As poll() leaves it when cut short. */
				pfd[nb].revents = 0;
				who[nb++] = k;
			}
		if (nb == 0)
			break;
		/* Wait for a reply, or for the slowest to run out of time. */
		t = now_s();
		left = RENDER_TIMEOUT;
		for (r = 0; r < nb; r++)
			if (since[who[r]] + RENDER_TIMEOUT - t < left)
				left = since[who[r]] + RENDER_TIMEOUT - t;
		tmo = left > 0 ? (int)(left * 1000) + 1 : 0;
		if (poll(pfd, (nfds_t)nb, tmo) == -1 && errno != EINTR) {
			log_warn("graph: poll");
			for (r = 0; r < nb; r++)
				pfd[r].revents = POLLERR;
		}
		t = now_s();
		for (r = 0; r < nb; r++) {
			k = who[r];
			j = &jobs[busy[k]];
			if (pfd[r].revents != 0)
				(void)render_recv(p->w[k], j->what, &j->out,
				    &j->len);
			else if (t - since[k] >= RENDER_TIMEOUT) {
				errno = EAGAIN;
				render_lost(p->w[k], j->what);
			} else
				continue;
			busy[k] = SIZE_MAX;
		}
	}
	/* No renderer left in the pool: one for each graph. */
	for (; next < n; next++) {
		j = &jobs[next];
		(void)render_draw(NULL, j->comma, j->argc, j->argv, j->what,
		    &j->out, &j->len);
	}
}
