/* SPDX-License-Identifier: ISC */
/*
 * sdnotify.c: telling systemd how the daemon is doing (Type=notify): one
 * datagram per message to the unix socket named by $NOTIFY_SOCKET, a path
 * or an abstract name ("@..."), as sd_notify(3) describes.  Written by hand
 * rather than linking libsystemd: the protocol is one sendto().
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "app/app.h"

struct sdnotify {
	int			 fd;		/* -1: nobody listens */
	struct sockaddr_un	 sa;
	socklen_t		 salen;
	long long		 watchdog_usec;	/* 0: no watchdog */
	int			 warned;	/* a send failed, said once */
};

/* Fill in n->sa from NOTIFY_SOCKET's value.  0, or -1 (logged). */
static int
notify_address(struct sdnotify *n, const char *name)
{
	size_t	 len = strlen(name);

	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len >= sizeof(n->sa.sun_path)) {
		log_warnx("NOTIFY_SOCKET \"%s\": expected an absolute path or "
		    "\"@abstract-name\" shorter than %zu bytes; not notifying "
		    "systemd", name, sizeof(n->sa.sun_path));
		return -1;
	}
	memset(&n->sa, 0, sizeof(n->sa));
	n->sa.sun_family = AF_UNIX;
	memcpy(n->sa.sun_path, name, len);
	n->salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	/* An abstract name starts with NUL and has none at the end. */
	if (name[0] == '@')
		n->sa.sun_path[0] = '\0';
	else
		n->salen++;
	return 0;
}

/* WATCHDOG_USEC, if it is meant for this process; else 0. */
static long long
watchdog_usec(void)
{
	const char	*s = getenv("WATCHDOG_USEC"), *pid;
	char		*end;
	long long	 v;

	if (s == NULL)
		return 0;
	if ((pid = getenv("WATCHDOG_PID")) != NULL &&
	    strtol(pid, &end, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0) {
		log_warnx("WATCHDOG_USEC \"%s\": not a number of microseconds; "
		    "no watchdog pings", s);
		return 0;
	}
	return v;
}

/*
 * Read $NOTIFY_SOCKET and $WATCHDOG_USEC and remove them (and
 * $WATCHDOG_PID) from the environment, so that a plugin's program cannot
 * speak for the daemon.  Returns a new handle, free with sdnotify_close();
 * without $NOTIFY_SOCKET every send does nothing.
 */
struct sdnotify *
sdnotify_open(void)
{
	struct sdnotify	*n;
	const char	*name;

	n = xcalloc(1, sizeof(*n));
	n->fd = -1;
	n->watchdog_usec = watchdog_usec();
	name = getenv("NOTIFY_SOCKET");
	if (name != NULL && notify_address(n, name) == 0) {
		n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (n->fd == -1)
			log_warn("notify socket");
	}
	if (n->fd == -1)
		n->watchdog_usec = 0;
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	return n;
}

void
sdnotify_close(struct sdnotify *n)
{
	if (n == NULL)
		return;
	if (n->fd != -1)
		close(n->fd);
	free(n);
}

/* 1 if systemd listens. */
int
sdnotify_active(const struct sdnotify *n)
{
	return n->fd != -1;
}

/* The watchdog timeout in microseconds, 0 if none was asked for. */
long long
sdnotify_watchdog_usec(const struct sdnotify *n)
{
	return n->watchdog_usec;
}

/*
 * Send one message ("READY=1\nSTATUS=..."), newline-separated
 * assignments.  0, or -1; a failure is logged the first time only, since
 * it will usually repeat (systemd gone away) and changes nothing for the
 * daemon's work.
 */
int
sdnotify_send(struct sdnotify *n, const char *fmt, ...)
{
	char	 buf[2048];
	va_list	 ap;
	int	 len;
	ssize_t	 r;

	if (n->fd == -1)
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	/* A STATUS= cut short is better than none. */
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	do {
		r = sendto(n->fd, buf, (size_t)len, MSG_NOSIGNAL,
		    (struct sockaddr *)&n->sa, n->salen);
	} while (r == -1 && errno == EINTR);
	if (r == -1) {
		if (!n->warned)
			log_warn("notifying systemd");
		n->warned = 1;
		return -1;
	}
	return 0;
}

/*
 * RELOADING=1 with the CLOCK_MONOTONIC time in microseconds, which
 * systemd 253 and later require to match a reload to its request.
 */
int
sdnotify_reloading(struct sdnotify *n)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return sdnotify_send(n, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
}
