/* SPDX-License-Identifier: ISC */
/*
 * log.c: the one logging API after start-up.  Lines go to stderr, with an
 * sd-daemon "<N>" priority prefix when systemd reads them (JOURNAL_STREAM
 * set, or asked for), plain otherwise.  Logging preserves errno.  Every
 * message is made visible (text.c): one message is one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

/* The log destination is the one piece of file-scope state (B6 rule 26). */
static int	 log_prefix;
static int	 log_verbose;
static int	 log_in_child;	/* fatal() leaves by _exit() */
static char	 log_tag[80];

/*
 * Set up logging.  prefix: 1 forces "<N>" prefixes, 0 leaves them off,
 * -1 decides from JOURNAL_STREAM.  verbose: 1 shows debug lines.
 */
void
log_init(int prefix, int verbose)
{
	if (prefix < 0)
		prefix = getenv("JOURNAL_STREAM") != NULL;
	log_prefix = prefix;
	log_verbose = verbose;
}

/* 1 if lines go to journald ("<N>" prefixes), 0 if to a terminal or file. */
int
log_journal(void)
{
	return log_prefix;
}

/*
 * In a forked child (a plugin's run): fatal() leaves by _exit(), like
 * the child itself, not through the parent's atexit handlers, which also
 * tell a plugin's exit() apart from the host's own end.
 */
void
log_forked(void)
{
	log_in_child = 1;
}

/* Prefix every line with tag (a source name in a child), or none. */
void
log_set_tag(const char *tag)
{
	char	 safe[sizeof(log_tag) - 2];

	if (tag == NULL)
		log_tag[0] = '\0';
	else {
		text_vis(safe, sizeof(safe), tag);
		snprintf(log_tag, sizeof(log_tag), "%s: ", safe);
	}
}

void
log_vprio(int prio, const char *fmt, va_list ap)
{
	char	 raw[2048], buf[2048], safe[4 * sizeof(buf) + 1];
	int	 saved = errno;

	if (prio >= RM_LOG_DEBUG && !log_verbose) {
		errno = saved;
		return;
	}
	/*
	 * Messages carry outside text (a plugin's period, a server's URL, a
	 * child's line): every control character and every byte that is
	 * not UTF-8 is shown as an escape, so a message is one line and
	 * cannot forge a "<N>" priority or rewrite a terminal.  A URL's
	 * user and password never reach the log.
	 */
	if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
		raw[0] = '\0';
	text_redact(buf, sizeof(buf), raw);
	text_vis(safe, sizeof(safe), buf);
	if (log_prefix)
		fprintf(stderr, "<%d>%s%s\n", prio, log_tag, safe);
	else
		fprintf(stderr, "regiomon: %s%s\n", log_tag, safe);
	fflush(stderr);
	errno = saved;
}

void
log_prio(int prio, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(prio, fmt, ap);
	va_end(ap);
}

/* Log fmt at prio with ": strerror(errno)" appended. */
static void
log_vwith_errno(int prio, const char *fmt, va_list ap)
{
	char	 buf[1536];
	int	 saved = errno;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_prio(prio, "%s: %s", buf, strerror(saved));
	errno = saved;
}

void
log_err(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwith_errno(RM_LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_errx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(RM_LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwith_errno(RM_LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(RM_LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(RM_LOG_NOTICE, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(RM_LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(RM_LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* Broken invariant or start-up failure: log with errno and exit 1. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	if (fmt == NULL)
		log_err("fatal");
	else {
		va_start(ap, fmt);
		log_vwith_errno(RM_LOG_ERR, fmt, ap);
		va_end(ap);
	}
	if (log_in_child)
		_exit(1);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprio(RM_LOG_ERR, fmt, ap);
	va_end(ap);
	if (log_in_child)
		_exit(1);
	exit(1);
}
