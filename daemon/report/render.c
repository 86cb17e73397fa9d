/* SPDX-License-Identifier: ISC */
/*
 * render.c: the renderer, a child process that draws graphs with librrd's
 * rrd_graph_v for the daemon (argv in, PNG or SVG bytes out over a
 * socketpair).  Besides the store's librrd calls (store/store_rrdfile.c) the
 * only file that includes <rrd.h>.
 *
 * rrd_graph_v in librrd 1.7.2 is not thread-safe (one static Pango font
 * map) and leaks about 120 bytes a call, and fontconfig and Pango keep
 * caches for the life of the process (notes/librrd.md, section 5).  So
 * the daemon never draws itself: a renderer draws graph after graph, one
 * at a time, and takes all that with it when it exits.  A crash in
 * librrd costs a graph, not the daemon; a renderer that hangs is killed
 * after RENDER_TIMEOUT.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rrd.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "report/report_private.h"

#define LOCK_TRIES		5
#define RENDER_ARGS_MAX		256
#define RENDER_ARG_LEN		65536
#define RENDER_BYTES_MAX	(64UL << 20)	/* an image, PNG or SVG */

/* 1 if librrd's last error says another process holds the file's lock. */
static int
rrd_locked(void)
{
	const char	*e = rrd_get_error();

	return e != NULL && strstr(e, "could not lock") != NULL;
}

/* All of buf to fd, without SIGPIPE.  0, or -1. */
static int
send_all(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Exactly len bytes from fd.  0, 1 at a clean end of file, or -1. */
static int
read_all(int fd, void *buf, size_t len)
{
	char	*p = buf;
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		if ((n = read(fd, p + got, len - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EPIPE;
			return got == 0 ? 1 : -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/*
 * In the renderer: draw argv with rrd_graph_v, retried a few times while
 * a writer in another process holds the file's lock, and send the reply:
 * a kind ('I' image, 'E' error), a 32-bit length and that many bytes.
 * 0, or -1 when the reply cannot be sent.
 */
static int
draw(int argc, char **argv, int fd)
{
	rrd_info_t	*info = NULL, *i;
	const char	*err, *data;
	uint32_t	 n;
	char		 kind;
	int		 try, rc;

	for (try = 0; try < LOCK_TRIES; try++) {
		if (try > 0)
			usleep(20000U << try);
		rrd_clear_error();
		if ((info = rrd_graph_v(argc, argv)) != NULL ||
		    !rrd_locked())
			break;
	}
	for (i = info; i != NULL; i = i->next)
		if (i->type == RD_I_BLO && strcmp(i->key, "image") == 0)
			break;
	if (i != NULL && i->value.u_blo.size > 0 &&
	    i->value.u_blo.size < RENDER_BYTES_MAX) {
		kind = 'I';
		data = (const char *)i->value.u_blo.ptr;
		n = (uint32_t)i->value.u_blo.size;
	} else {
		err = info == NULL ? rrd_get_error() : "librrd drew no image";
		kind = 'E';
		data = err;
		n = (uint32_t)strlen(err);
	}
	rc = send_all(fd, &kind, 1) == 0 && send_all(fd, &n,
	    sizeof(n)) == 0 && send_all(fd, data, n) == 0 ? 0 : -1;
	rrd_info_free(info);
	return rc;
}

/*
 * The renderer's loop: a request is a 32-bit argument count and each
 * argument as a 32-bit length and its bytes, the first the axis labels'
 * decimal separator ("," or "."), the rest rrd_graph_v's; the reply is
 * draw()'s.  It ends at the end of its input, never returning.
 */
static __dead void
worker_main(int fd)
{
	char		*argv[RENDER_ARGS_MAX + 2];
	uint32_t	 argc, len, i;
	int		 r;

	for (;;) {
		if ((r = read_all(fd, &argc, sizeof(argc))) == 1)
			_exit(0);
		if (r == -1 || argc < 2 || argc > RENDER_ARGS_MAX + 1)
			_exit(1);
		for (i = 0; i < argc; i++) {
			if (read_all(fd, &len, sizeof(len)) != 0 ||
			    len > RENDER_ARG_LEN ||
			    (argv[i] = malloc((size_t)len + 1)) == NULL ||
			    read_all(fd, argv[i], len) != 0)
				_exit(1);
			argv[i][len] = '\0';
		}
		argv[argc] = NULL;
		render_numbers(strcmp(argv[0], ",") == 0);
		if (draw((int)argc - 1, argv + 1, fd) == -1)
			_exit(1);
		for (i = 0; i < argc; i++)
			free(argv[i]);
	}
}

/*
 * Start a renderer for many graphs (the fonts are loaded once).  New,
 * end it with render_stop(); or NULL (logged).
 */
struct renderer *
render_start(void)
{
	struct renderer	*w;
	struct timeval	 tmo = { RENDER_TIMEOUT, 0 };
	int		 sv[2];

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		log_warn("graph");
		return NULL;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("graph: socketpair");
		free(w);
		return NULL;
	}
	/* Tied: it shares the daemon's descriptors, the state lock too. */
	if ((w->pid = fork_tied()) == -1) {
		log_warn("graph: fork");
		close(sv[0]);
		close(sv[1]);
		free(w);
		return NULL;
	}
	if (w->pid == 0) {
		close(sv[0]);
		worker_main(sv[1]);
	}
	close(sv[1]);
	w->fd = sv[0];
	/* A renderer that hangs is given up on, not waited for forever. */
	if (setsockopt(w->fd, SOL_SOCKET, SO_RCVTIMEO, &tmo,
	    sizeof(tmo)) == -1)
		log_warn("graph: SO_RCVTIMEO");
	return w;
}

/* librrd's version, which the graphs' digests include (report.c). */
const char *
render_version(void)
{
	return rrd_strversion();
}

/* End the renderer and reap it.  NULL does nothing. */
void
render_stop(struct renderer *w)
{
	if (w == NULL)
		return;
	if (w->fd != -1)
		close(w->fd);
	while (w->pid > 0 && waitpid(w->pid, NULL, 0) == -1 && errno == EINTR)
		;
	free(w);
}

/*
 * A renderer that failed (errno tells how: EAGAIN when it took too long):
 * killed and reaped, never asked again.
 */
void
render_lost(struct renderer *w, const char *what)
{
	int	 status = 0, timedout;
	pid_t	 r;

	timedout = errno == EAGAIN || errno == EWOULDBLOCK;
	close(w->fd);
	w->fd = -1;
	kill(w->pid, SIGKILL);
	while ((r = waitpid(w->pid, &status, 0)) == -1 && errno == EINTR)
		;
	if (timedout)
		log_warnx("graph %s: librrd took more than %d s; stopped it",
		    what, RENDER_TIMEOUT);
	else if (r == w->pid && WIFSIGNALED(status) &&
	    WTERMSIG(status) != SIGKILL)
		log_warnx("graph %s: librrd died of signal %d", what,
		    WTERMSIG(status));
	else
		log_warnx("graph %s: the renderer process is gone", what);
	w->pid = -1;
}

/*
 * Ask the renderer w to draw the graph of argv, its axis labels with a
 * decimal comma if comma is set; render_recv() takes the reply.  0; -1
 * when w is lost (render_lost() done, the graph not asked for); -2 when
 * argv is not one to send (logged).
 */
int
render_send(struct renderer *w, int comma, int argc, char **argv,
    const char *what)
{
	uint32_t	 n;
	int		 i;

	if (argc < 1 || argc > RENDER_ARGS_MAX) {
		log_warnx("graph %s: %d arguments for librrd", what, argc);
		return -2;
	}
	for (i = 0; i < argc; i++)
		if (strlen(argv[i]) > RENDER_ARG_LEN) {
			log_warnx("graph %s: an argument for librrd is too "
			    "long", what);
			return -2;
		}
	n = (uint32_t)argc + 1;
	if (send_all(w->fd, &n, sizeof(n)) == -1)
		goto lost;
	n = 1;
	if (send_all(w->fd, &n, sizeof(n)) == -1 ||
	    send_all(w->fd, comma ? "," : ".", n) == -1)
		goto lost;
	for (i = 0; i < argc; i++) {
		n = (uint32_t)strlen(argv[i]);
		if (send_all(w->fd, &n, sizeof(n)) == -1 ||
		    send_all(w->fd, argv[i], n) == -1)
			goto lost;
	}
	return 0;
lost:
	render_lost(w, what);
	return -1;
}

/*
 * The reply of w to its last render_send(): on 0, *out is a new buffer
 * holding the image (caller frees) of *len bytes.  -1 when librrd could
 * not draw it (logged; w is still there), -2 when w is lost
 * (render_lost() done).
 */
int
render_recv(struct renderer *w, const char *what, unsigned char **out,
    size_t *len)
{
	unsigned char	*buf;
	uint32_t	 n;
	char		 kind;

	*out = NULL;
	*len = 0;
	if (read_all(w->fd, &kind, 1) != 0 ||
	    read_all(w->fd, &n, sizeof(n)) != 0 || n >= RENDER_BYTES_MAX)
		goto lost;
	if ((buf = malloc((size_t)n + 1)) == NULL) {
		log_warn("graph %s", what);
		goto lost;
	}
	if (read_all(w->fd, buf, n) != 0) {
		free(buf);
		goto lost;
	}
	if (kind != 'I' || n == 0) {
		buf[n] = '\0';
		log_warnx("graph %s: %s", what, (char *)buf);
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return 0;
lost:
	render_lost(w, what);
	return -2;
}

/*
 * Draw the graph of argv with the renderer w, or with a renderer started
 * for this one graph when w is NULL or lost, its axis labels with a
 * decimal comma if comma is set, and return the image in a new buffer
 * (caller frees).  0, or -1 (logged).
 */
int
render_draw(struct renderer *w, int comma, int argc, char **argv,
    const char *what, unsigned char **out, size_t *len)
{
	struct renderer		*own = NULL;
	int			 rc;

	*out = NULL;
	*len = 0;
	/* A renderer lost to an earlier graph: one for this graph alone. */
	if (w != NULL && w->fd == -1)
		w = NULL;
	if (w == NULL && (w = own = render_start()) == NULL)
		return -1;
	if ((rc = render_send(w, comma, argc, argv, what)) == 0)
		rc = render_recv(w, what, out, len);
	render_stop(own);
	return rc == 0 ? 0 : -1;
}
