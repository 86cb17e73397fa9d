/* SPDX-License-Identifier: ISC */
/*
 * http_retry.c: when to try a GET again and how long to wait: the
 * answers worth another attempt, Retry-After, the doubling backoff, and
 * a failed transfer's reason in words an analyst can act on, with what
 * the server said in its error body.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "net/curl_api.h"
#include "net/http_private.h"

#define HTTP_WAIT_MAX		60	/* seconds, for any one wait */
#define HTTP_BACKOFF_MS		1000	/* first wait; doubles per retry */

/*
 * Parse a Retry-After value: delta-seconds ("120") or an HTTP-date ("Fri,
 * 31 Dec 1999 23:59:59 GMT", also the obsolete RFC 850 and asctime forms,
 * which curl_getdate() reads).  now is the current time, for dates.  0 and
 * *secs set (0 for a date in the past), or -1 when it is neither.
 * Not static: tests/fuzz/fuzz_retry_after.c calls it.
 */
int
http_retry_after_parse(const char *s, time_t now, long *secs)
{
	const char	*p;
	char		*end;
	long		 n;
	time_t		 t;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s >= '0' && *s <= '9') {
		errno = 0;
		n = strtol(s, &end, 10);
		for (p = end; *p == ' ' || *p == '\t'; p++)
			;
		if (*p != '\0')
			return -1;
		if (errno == ERANGE)
			n = LONG_MAX;
		*secs = n;
		return 0;
	}
	if (curl_api_load() == -1 ||
	    (t = curl_api.getdate(s, NULL)) == -1)
		return -1;
	*secs = t > now ? (long)(t - now) : 0;
	return 0;
}

/* The backoff base in milliseconds; tests shrink it through the env. */
static long
backoff_base(void)
{
	return env_long("REGIOMON_HTTP_BACKOFF_MS", 0, 3600 * 1000,
	    HTTP_BACKOFF_MS);
}

/* Sleep ms milliseconds, through signals. */
void
http_sleep_ms(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* 1 if an answer with this status is worth another attempt. */
int
http_retryable_status(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	    status == 503 || status == 504;
}

/* 1 if a transfer that failed with cc is worth another attempt. */
int
http_retryable_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return 1;
	default:
		return 0;
	}
}

/* A short reason for a failed transfer, in words an analyst can act on. */
void
http_curl_reason(CURL *c, CURLcode cc, const char *detail, long timeout,
    char *buf, size_t len)
{
	long	 oserr = 0;

	curl_api.easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		snprintf(buf, len, "cannot connect: %.200s", oserr != 0 ?
		    strerror((int)oserr) : detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (timeout > 0)
			snprintf(buf, len, "timed out after %ld s", timeout);
		else
			snprintf(buf, len, "timed out");
		break;
	case CURLE_PARTIAL_FILE:
		snprintf(buf, len, "truncated body (connection closed "
		    "early)");
		break;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		if (oserr == ECONNRESET)
			snprintf(buf, len, "connection reset");
		else
			snprintf(buf, len, "%.200s", *detail != '\0' ? detail :
			    curl_api.easy_strerror(cc));
		break;
	case CURLE_GOT_NOTHING:
		snprintf(buf, len, "connection closed without a reply");
		break;
	default:
		snprintf(buf, len, "%.200s", *detail != '\0' ? detail :
		    curl_api.easy_strerror(cc));
		break;
	}
}

/* The wait before retry number n (1 for the first), in milliseconds. */
long
http_retry_wait_ms(int n, const char *retry_after, long timeout)
{
	long	 ms, cap, secs;
	int	 i;

	cap = HTTP_WAIT_MAX * 1000L;
	if (timeout > 0 && timeout * 1000L < cap)
		cap = timeout * 1000L;
	if (*retry_after != '\0' &&
	    http_retry_after_parse(retry_after, time(NULL), &secs) == 0)
		return secs > cap / 1000 ? cap : secs * 1000;
	ms = backoff_base();
	for (i = 1; i < n && ms < cap; i++)
		ms *= 2;
	return ms < cap ? ms : cap;
}

