/* SPDX-License-Identifier: ISC */
/*
 * http.c: GET a URL for a plugin, with the daemon's limits: http and https
 * through libcurl (TLS verified, timeouts, a size cap, retries with backoff
 * that honour Retry-After), and file: URLs read straight from disk (see
 * http_file.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "net/curl_api.h"
#include "net/http_private.h"

#define HTTP_MAX_DEFAULT	((size_t)64 * 1024 * 1024)
#define HTTP_MAX_REDIRS		5
#define HTTP_WAIT_MAX		60	/* seconds, for any one wait */
#define HTTP_BACKOFF_MS		1000	/* first wait; doubles per retry */

/* What the header callback keeps of the last response's headers. */
struct http_hdr {
	char	 retry_after[64];
};

/*
 * Write n bytes as "64 MiB", "1 KiB" or "1.5 MiB" (powers of 2, like the
 * config's size suffixes), "100 bytes" below 1 KiB.
 */
void
http_size_format(size_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double		 v = (double)n;
	size_t		 i, unit = 1024;

	if (n < 1024) {
		snprintf(buf, len, "%zu byte%s", n, n == 1 ? "" : "s");
		return;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++) {
		if (n / unit < 1024)
			break;
		unit *= 1024;
	}
	if (n % unit == 0)
		snprintf(buf, len, "%zu %s", n / unit, units[i]);
	else
		snprintf(buf, len, "%.1f %s", v / (double)unit, units[i]);
}

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

static void
sleep_ms(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Append n bytes, keeping room for the NUL.  -1 when that would pass
 * b->max (b->over set) or memory runs out (b->oom set).
 */
int
http_buf_append(struct http_buf *b, const void *data, size_t n)
{
	size_t	 want;
	char	*p;

	if (n > b->max - b->len) {
		b->over = 1;
		return -1;
	}
	if (b->len + n + 1 > b->size) {
		want = b->size > 0 ? b->size : 16384;
		while (want < b->len + n + 1)
			want = want > SIZE_MAX / 2 ? SIZE_MAX : want * 2;
		if (want > b->max + 1)
			want = b->max + 1;
		if ((p = realloc(b->p, want)) == NULL) {
			b->oom = 1;
			return -1;
		}
		b->p = p;
		b->size = want;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* Hand the buffer over to resp as a NUL-terminated body: 0, or -1. */
int
http_buf_take(struct http_buf *b, struct rm_response *resp)
{
	if (b->p == NULL && (b->p = calloc(1, 1)) == NULL)
		return -1;
	resp->body = b->p;
	resp->len = b->len;
	b->p = NULL;
	b->len = b->size = 0;
	return 0;
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_buf	*b = arg;

	/* Returning less than given makes curl abort with a write error. */
	if (http_buf_append(b, data, size * nmemb) == -1)
		return 0;
	return size * nmemb;
}

/* Keep Retry-After of the final response; a new status line resets it. */
static size_t
header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_hdr	*h = arg;
	size_t		 n = size * nmemb, vlen;
	const char	*v;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
		h->retry_after[0] = '\0';
	else if (n > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
		v = data + 12;
		vlen = n - 12;
		while (vlen > 0 && (v[vlen - 1] == '\n' || v[vlen - 1] == '\r'))
			vlen--;
		if (vlen < sizeof(h->retry_after)) {
			memcpy(h->retry_after, v, vlen);
			h->retry_after[vlen] = '\0';
		}
	}
	return n;
}

static int
retryable_status(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	    status == 503 || status == 504;
}

static int
retryable_curl(CURLcode cc)
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
static void
curl_reason(CURL *c, CURLcode cc, const char *detail, long timeout,
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
static long
retry_wait_ms(int n, const char *retry_after, long timeout)
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

/* 1 if url (http:// or https://) has a user or password before its host. */
static int
url_has_userinfo(const char *url)
{
	const char	*a = strstr(url, "://");

	if (a == NULL)
		return 0;
	a += 3;
	return a[strcspn(a, "/?#@")] == '@';
}

/* req->headers as a curl list in *out (NULL when none).  0, or -1. */
static int
request_headers(const struct rm_request *req, struct curl_slist **out,
    char *err, size_t errlen)
{
	struct curl_slist	*list = NULL, *l;
	const char *const	*h;

	for (h = req->headers; h != NULL && *h != NULL; h++) {
		/* Header text goes on the wire verbatim: no CR/LF smuggling. */
		if (strpbrk(*h, "\r\n") != NULL || strchr(*h, ':') == NULL) {
			snprintf(err, errlen, "GET %s: bad request header "
			    "(expected \"Name: value\" on one line)",
			    req->url);
			curl_api.slist_free_all(list);
			return -1;
		}
		if ((l = curl_api.slist_append(list, *h)) == NULL) {
			snprintf(err, errlen, "GET %s: out of memory",
			    req->url);
			curl_api.slist_free_all(list);
			return -1;
		}
		list = l;
	}
	*out = list;
	return 0;
}

/*
 * GET req->url within conf's limits.  file: URLs are resolved against
 * confdir.  RM_OK on a 2xx answer, with resp filled in (body new and
 * NUL-terminated, len without the NUL; free with http_response_free()).
 * RM_ERR otherwise, with err set to one line naming the URL and the reason,
 * and resp->status and resp->body set when the server answered.  Logs
 * retries at debug level only; the caller logs err.
 *
 * The retry loop makes this longer than most functions here; it reads top
 * to bottom as one attempt after another.
 */
int
http_get(const struct conf *conf, const char *confdir,
    const struct rm_request *req, struct rm_response *resp, char *err,
    size_t errlen)
{
	struct http_buf		 b;
	struct http_hdr		 h;
	struct curl_slist	*hdrs = NULL;
	CURL			*c = NULL;
	CURLcode		 cc = CURLE_OK;
	char			 detail[CURL_ERROR_SIZE], reason[256];
	char			 capstr[32], ua[64];
	long			 status = 0, wait;
	int			 attempt, attempts, rc = RM_ERR;

	memset(resp, 0, sizeof(*resp));
	memset(&b, 0, sizeof(b));
	b.max = req->max_bytes > 0 ? req->max_bytes :
	    conf->http_max_bytes > 0 ? conf->http_max_bytes :
	    HTTP_MAX_DEFAULT;
	if (req->url == NULL || *req->url == '\0') {
		snprintf(err, errlen, "GET: no URL");
		return RM_ERR;
	}
	if (http_file_is_url(req->url)) {
		rc = http_file_get(req->url, confdir, &b, resp, err, errlen);
		free(b.p);
		return rc;
	}
	if (strncasecmp(req->url, "http://", 7) != 0 &&
	    strncasecmp(req->url, "https://", 8) != 0) {
		snprintf(err, errlen, "GET %s: only http, https and file URLs "
		    "are allowed", req->url);
		return RM_ERR;
	}
	/*
	 * A user and password in a URL would go out as Basic auth, over
	 * plain http too, and the URL is logged: refused (a source that
	 * needs a credential reads it from a secret file).
	 */
	if (url_has_userinfo(req->url)) {
		char	 red[1024];

		text_redact(red, sizeof(red), req->url);
		snprintf(err, errlen, "GET %s: a user or password in a URL "
		    "is refused (it would be sent in clear and logged)", red);
		return RM_ERR;
	}
	if (http_global_init() == -1) {
		snprintf(err, errlen, "GET %s: cannot set up libcurl",
		    req->url);
		return RM_ERR;
	}
	if (request_headers(req, &hdrs, err, errlen) == -1)
		return RM_ERR;
	if ((c = curl_api.easy_init()) == NULL) {
		snprintf(err, errlen, "GET %s: cannot set up libcurl",
		    req->url);
		goto done;
	}
	snprintf(ua, sizeof(ua), "regiomon/%s", REGIOMON_VERSION);
	curl_api.easy_setopt(c, CURLOPT_URL, req->url);
	/*
	 * file: never reaches curl (see http_file_get), and a redirect must not
	 * turn a remote answer into a read of a local file.
	 */
	curl_api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_api.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_api.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_api.easy_setopt(c, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRS);
	curl_api.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_api.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (conf->http_connect_timeout > 0)
		curl_api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
		    conf->http_connect_timeout);
	if (conf->http_timeout > 0)
		curl_api.easy_setopt(c, CURLOPT_TIMEOUT, conf->http_timeout);
	curl_api.easy_setopt(c, CURLOPT_USERAGENT, ua);
	/*
	 * curl decodes gzip and hands write_cb the decoded bytes, so the cap
	 * holds for the body as the plugin sees it: a gzip bomb stops there.
	 */
	curl_api.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_api.easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_api.easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_api.easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_api.easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_api.easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_api.easy_setopt(c, CURLOPT_ERRORBUFFER, detail);

	attempts = 1 + (conf->http_retries > 0 ? conf->http_retries : 0);
	for (attempt = 1;; attempt++) {
		b.len = 0;
		b.over = b.oom = 0;
		h.retry_after[0] = '\0';
		detail[0] = '\0';
		status = 0;
		cc = curl_api.easy_perform(c);
		curl_api.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (cc == CURLE_OK && status >= 200 && status <= 299) {
			if (http_buf_take(&b, resp) == -1) {
				snprintf(err, errlen, "GET %s: out of memory",
				    req->url);
				goto done;
			}
			resp->status = status;
			rc = RM_OK;
			goto done;
		}
		if (cc == CURLE_WRITE_ERROR && b.over) {
			/* A cap is a property of the answer: no retry. */
			http_size_format(b.max, capstr, sizeof(capstr));
			snprintf(reason, sizeof(reason), "response larger "
			    "than %s cap", capstr);
			b.len = 0;
			break;
		}
		if (cc == CURLE_WRITE_ERROR && b.oom) {
			snprintf(reason, sizeof(reason), "out of memory");
			b.len = 0;
			break;
		}
		if (cc == CURLE_OK)
			snprintf(reason, sizeof(reason), "HTTP %ld", status);
		else
			curl_reason(c, cc, detail, conf->http_timeout,
			    reason, sizeof(reason));
		if (attempt >= attempts || !(cc == CURLE_OK ?
		    retryable_status(status) : retryable_curl(cc)))
			break;
		wait = retry_wait_ms(attempt, h.retry_after,
		    conf->http_timeout);
		log_debug("GET %s: %s, retrying in %ld ms (attempt %d of %d)",
		    req->url, reason, wait, attempt + 1, attempts);
		sleep_ms(wait);
	}
	if (attempt > 1)
		snprintf(err, errlen, "GET %s: %s after %d attempts",
		    req->url, reason, attempt);
	else
		snprintf(err, errlen, "GET %s: %s", req->url, reason);
	/* The server answered: let the plugin read its error body. */
	if (cc == CURLE_OK && status > 0) {
		if (http_buf_take(&b, resp) == 0)
			resp->status = status;
	} else if (status > 0)
		resp->status = status;
done:
	if (c != NULL)
		curl_api.easy_cleanup(c);
	curl_api.slist_free_all(hdrs);
	free(b.p);
	return rc;
}

/* Free resp's body and zero it; safe on a zeroed or freed response. */
void
http_response_free(struct rm_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

static int	curl_ready;

/*
 * Load and set up libcurl before its first transfer, not at start: its
 * 26 libraries and OpenSSL's setup take about 8 MB that a parent which
 * never fetches (the plugins' children do) would keep for nothing (see
 * curl_api.c).  Only the thread that transfers calls it: the main thread
 * or a plugin's child, never a writer thread.  0, or -1 logged.
 */
int
http_global_init(void)
{
	CURLcode	 cc;

	if (curl_ready)
		return 0;
	if (curl_api_load() == -1)
		return -1;
	if ((cc = curl_api.global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		log_warnx("curl_global_init: %s", curl_api.easy_strerror(cc));
		return -1;
	}
	curl_ready = 1;
	return 0;
}

/* Undo http_global_init(), if it was done, once no transfer is running. */
void
http_global_cleanup(void)
{
	if (!curl_ready)
		return;
	curl_api.global_cleanup();
	curl_ready = 0;
}
