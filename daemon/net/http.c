/* SPDX-License-Identifier: ISC */
/*
 * http.c: GET a URL for a plugin, with the daemon's limits: http and https
 * through libcurl (TLS verified, timeouts, a low-speed limit, a size cap
 * checked against Content-Length too, retries with backoff that honour
 * Retry-After, redirects followed here one checked hop at a time rather
 * than by libcurl, so that a hop can be refused and the plugin's headers
 * stay with their origin), and file: URLs read straight from disk (see
 * http_file.c).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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

/* What the header callback keeps of the last response's headers. */
struct http_hdr {
	char		 retry_after[64];
	long long	 content_length;	/* -1: none */
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

/* A Content-Length header's value of n bytes at v, or -1. */
static long long
content_length(const char *v, size_t n)
{
	long long	 len = 0;
	size_t		 i = 0;

	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	if (i == n || v[i] < '0' || v[i] > '9')
		return -1;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++) {
		if (len > (LLONG_MAX - 9) / 10)
			return LLONG_MAX;
		len = len * 10 + (v[i] - '0');
	}
	return len;
}

/*
 * Keep Retry-After and Content-Length of the final response; a new
 * status line resets them.
 */
static size_t
header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_hdr	*h = arg;
	size_t		 n = size * nmemb, vlen;
	const char	*v;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		h->retry_after[0] = '\0';
		h->content_length = -1;
	} else if (n > 15 && strncasecmp(data, "Content-Length:", 15) == 0)
		h->content_length = content_length(data + 15, n - 15);
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

/* One transfer's handle and what the callbacks leave in it. */
struct xfer {
	const struct conf	*conf;
	CURL			*c;
	struct http_buf		 b;
	struct http_hdr		 h;
	CURLcode		 cc;
	long			 status;
	int			 attempt;	/* of the last URL fetched */
	int			 check_addr;	/* refuse bad addresses */
	char			 refused[128];	/* why open_cb refused */
	char			 detail[CURL_ERROR_SIZE];
};

/*
 * curl's socket, unless a redirect's host name resolved to an address
 * that http_redirect_check() would refuse as a literal.
 */
static curl_socket_t
open_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer		*x = arg;
	struct sockaddr_in	 in;
	struct sockaddr_in6	 in6;
	const void		*addr = NULL;
	const char		*bad;
	char			 ip[INET6_ADDRSTRLEN];

	(void)purpose;
	/* Copied out: curl hands a struct sockaddr of either family. */
	if (a->family == AF_INET && a->addrlen >= sizeof(in)) {
		memcpy(&in, &a->addr, sizeof(in));
		addr = &in.sin_addr;
	} else if (a->family == AF_INET6 && a->addrlen >= sizeof(in6)) {
		memcpy(&in6, &a->addr, sizeof(in6));
		addr = &in6.sin6_addr;
	}
	if (x->check_addr && addr != NULL &&
	    (bad = http_addr_refused(a->family, addr)) != NULL) {
		if (inet_ntop(a->family, addr, ip, sizeof(ip)) == NULL)
			strlcpy(ip, "?", sizeof(ip));
		snprintf(x->refused, sizeof(x->refused), "its host resolves "
		    "to %s, %s address", ip, bad);
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/*
 * GET url with x's handle, retrying as conf says.  0 when the server
 * answered 2xx or with a redirect (x->status), or -1 with reason set.
 */
static int
fetch(struct xfer *x, const char *url, char *reason, size_t len)
{
	const struct conf	*conf = x->conf;
	char			 capstr[32], lenstr[32];
	long long		 clen;
	long			 wait;
	int			 attempts;

	curl_api.easy_setopt(x->c, CURLOPT_URL, url);
	attempts = 1 + (conf->http_retries > 0 ? conf->http_retries : 0);
	for (x->attempt = 1;; x->attempt++) {
		x->b.len = 0;
		x->b.over = x->b.oom = 0;
		x->h.retry_after[0] = '\0';
		x->h.content_length = -1;
		x->detail[0] = x->refused[0] = '\0';
		x->status = 0;
		x->cc = curl_api.easy_perform(x->c);
		curl_api.easy_getinfo(x->c, CURLINFO_RESPONSE_CODE,
		    &x->status);
		if (x->cc == CURLE_OK && ((x->status >= 200 &&
		    x->status <= 299) || http_redirect_status(x->status)))
			return 0;
		if (x->refused[0] != '\0') {
			snprintf(reason, len, "refused: %s", x->refused);
			break;
		}
		if ((x->cc == CURLE_WRITE_ERROR && x->b.over) ||
		    x->cc == CURLE_FILESIZE_EXCEEDED) {
			/* A cap is a property of the answer: no retry. */
			http_size_format(x->b.max, capstr, sizeof(capstr));
			clen = x->h.content_length;
			if (x->cc == CURLE_FILESIZE_EXCEEDED && clen > 0) {
				http_size_format((uintmax_t)clen < SIZE_MAX ?
				    (size_t)clen : SIZE_MAX, lenstr,
				    sizeof(lenstr));
				snprintf(reason, len, "response larger than "
				    "%s cap (Content-Length %s, refused "
				    "unread)", capstr, lenstr);
			} else
				snprintf(reason, len, "response larger than "
				    "%s cap", capstr);
			x->b.len = 0;
			break;
		}
		if (x->cc == CURLE_WRITE_ERROR && x->b.oom) {
			snprintf(reason, len, "out of memory");
			x->b.len = 0;
			break;
		}
		if (x->cc == CURLE_OK)
			snprintf(reason, len, "HTTP %ld", x->status);
		else if (x->cc == CURLE_OPERATION_TIMEDOUT &&
		    strncmp(x->detail, "Operation too slow", 18) == 0)
			snprintf(reason, len, "too slow (under %zu bytes/s "
			    "for %ld s)", conf->http_low_speed_limit,
			    conf->http_low_speed_time);
		else
			http_curl_reason(x->c, x->cc, x->detail,
			    conf->http_timeout, reason, len);
		if (x->attempt >= attempts || !(x->cc == CURLE_OK ?
		    http_retryable_status(x->status) :
		    http_retryable_curl(x->cc)))
			break;
		wait = http_retry_wait_ms(x->attempt, x->h.retry_after,
		    conf->http_timeout);
		log_debug("GET %s: %s, retrying in %ld ms (attempt %d of %d)",
		    url, reason, wait, x->attempt + 1, attempts);
		http_sleep_ms(wait);
	}
	return -1;
}

/* Set up x's handle for conf's limits; 0, or -1. */
static int
xfer_init(struct xfer *x, const struct conf *conf)
{
	char	 ua[64];

	x->conf = conf;
	if ((x->c = curl_api.easy_init()) == NULL)
		return -1;
	snprintf(ua, sizeof(ua), "regiomon/%s", REGIOMON_VERSION);
	/*
	 * file: never reaches curl (see http_file_get).  Redirects are
	 * followed by http_get_source(), one checked hop at a time.
	 */
	curl_api.easy_setopt(x->c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_api.easy_setopt(x->c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_api.easy_setopt(x->c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_api.easy_setopt(x->c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_api.easy_setopt(x->c, CURLOPT_NOSIGNAL, 1L);
	if (conf->http_connect_timeout > 0)
		curl_api.easy_setopt(x->c, CURLOPT_CONNECTTIMEOUT,
		    conf->http_connect_timeout);
	if (conf->http_timeout > 0)
		curl_api.easy_setopt(x->c, CURLOPT_TIMEOUT,
		    conf->http_timeout);
	/* A server that trickles fails the attempt, so a retry can run. */
	if (conf->http_low_speed_limit > 0 && conf->http_low_speed_time > 0) {
		curl_api.easy_setopt(x->c, CURLOPT_LOW_SPEED_LIMIT,
		    conf->http_low_speed_limit > LONG_MAX ? LONG_MAX :
		    (long)conf->http_low_speed_limit);
		curl_api.easy_setopt(x->c, CURLOPT_LOW_SPEED_TIME,
		    conf->http_low_speed_time);
	}
	/* A Content-Length over the cap is refused before the body. */
	curl_api.easy_setopt(x->c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)(x->b.max > INT64_MAX ? INT64_MAX : x->b.max));
	curl_api.easy_setopt(x->c, CURLOPT_USERAGENT, ua);
	/*
	 * curl decodes gzip and hands write_cb the decoded bytes, so the cap
	 * holds for the body as the plugin sees it: a gzip bomb stops there.
	 */
	curl_api.easy_setopt(x->c, CURLOPT_ACCEPT_ENCODING, "");
	curl_api.easy_setopt(x->c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_api.easy_setopt(x->c, CURLOPT_WRITEDATA, &x->b);
	curl_api.easy_setopt(x->c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_api.easy_setopt(x->c, CURLOPT_HEADERDATA, &x->h);
	curl_api.easy_setopt(x->c, CURLOPT_OPENSOCKETFUNCTION, open_cb);
	curl_api.easy_setopt(x->c, CURLOPT_OPENSOCKETDATA, x);
	curl_api.easy_setopt(x->c, CURLOPT_ERRORBUFFER, x->detail);
	return 0;
}

/* As http_get_source(), for no source in particular. */
int
http_get(const struct conf *conf, const char *confdir,
    const struct rm_request *req, struct rm_response *resp, char *err,
    size_t errlen)
{
	return http_get_source(conf, confdir, NULL, req, resp, err, errlen);
}

/*
 * GET req->url within conf's limits, for src (NULL: none).  file: URLs
 * are resolved against confdir.  RM_OK on a 2xx answer, with resp filled
 * in (body new and NUL-terminated, len without the NUL; free with
 * http_response_free()).  RM_ERR otherwise, with err set to one line
 * naming the URL (the last one, after redirects) and the reason (with
 * what the server said in its error body, see http_server_text()), and
 * resp->status and resp->body set when the server answered.  Redirects
 * are followed here, each hop checked by http_redirect_check(); req->headers
 * go to req->url's origin only.  Logs hops and retries at debug level
 * only; the caller logs err.
 */
int
http_get_source(const struct conf *conf, const char *confdir,
    const struct source *src, const struct rm_request *req,
    struct rm_response *resp, char *err, size_t errlen)
{
	struct xfer		 x;
	struct http_origin	 home, cur, to;
	struct curl_slist	*hdrs = NULL;
	char			*url = NULL, reason[512], why[256];
	const char		*loc;
	int			 hops = 0, home_too = 1, rc = RM_ERR;

	memset(resp, 0, sizeof(*resp));
	memset(&x, 0, sizeof(x));
	x.b.max = req->max_bytes > 0 ? req->max_bytes :
	    conf->http_max_bytes > 0 ? conf->http_max_bytes :
	    HTTP_MAX_DEFAULT;
	if (req->url == NULL || *req->url == '\0') {
		snprintf(err, errlen, "GET: no URL");
		return RM_ERR;
	}
	if (http_file_is_url(req->url)) {
		rc = http_file_get(req->url, confdir, &x.b, resp, err, errlen);
		free(x.b.p);
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
	if (http_url_has_userinfo(req->url)) {
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
	if (http_origin_parse(req->url, &home) == -1) {
		snprintf(err, errlen, "GET %s: not a valid http or https URL",
		    req->url);
		return RM_ERR;
	}
	if (request_headers(req, &hdrs, err, errlen) == -1)
		return RM_ERR;
	if (xfer_init(&x, conf) == -1) {
		snprintf(err, errlen, "GET %s: cannot set up libcurl",
		    req->url);
		goto done;
	}
	cur = home;
	url = xstrdup(req->url);
	for (;;) {
		curl_api.easy_setopt(x.c, CURLOPT_HTTPHEADER,
		    home_too ? hdrs : NULL);
		x.check_addr = hops > 0;
		if (fetch(&x, url, reason, sizeof(reason)) == -1)
			break;
		if (!http_redirect_status(x.status)) {
			if (http_buf_take(&x.b, resp) == -1) {
				snprintf(err, errlen, "GET %s: out of memory",
				    url);
				goto done;
			}
			resp->status = x.status;
			rc = RM_OK;
			goto done;
		}
		loc = NULL;
		curl_api.easy_getinfo(x.c, CURLINFO_REDIRECT_URL, &loc);
		if (loc == NULL || *loc == '\0') {
			snprintf(reason, sizeof(reason), "HTTP %ld without a "
			    "Location", x.status);
			break;
		}
		if (hops == HTTP_MAX_REDIRS) {
			snprintf(reason, sizeof(reason), "HTTP %ld to %.200s: "
			    "more than %d redirects", x.status, loc,
			    HTTP_MAX_REDIRS);
			break;
		}
		if (http_redirect_check(src, &home, &cur, loc, &to, &home_too,
		    why, sizeof(why)) == -1) {
			snprintf(reason, sizeof(reason), "HTTP %ld to %.200s "
			    "refused: %s", x.status, loc, why);
			break;
		}
		log_debug("GET %s: HTTP %ld, redirected to %s%s", url,
		    x.status, loc, home_too ? "" : " (without the request's "
		    "headers: another origin)");
		free(url);
		url = xstrdup(loc);
		cur = to;
		hops++;
	}
	if (hops > 0)
		snprintf(err, errlen, "GET %s (redirected from %s): %s", url,
		    req->url, reason);
	else
		snprintf(err, errlen, "GET %s: %s", url, reason);
	if (x.attempt > 1)
		snprintf(err + strlen(err), errlen - strlen(err), " after %d "
		    "attempts", x.attempt);
	if (x.cc == CURLE_OK && x.status > 0 && x.b.len > 0) {
		char	 said[HTTP_ERR_BODY + 8];

		if (http_server_text(x.b.p, x.b.len, said, sizeof(said)) > 0)
			snprintf(err + strlen(err), errlen - strlen(err),
			    "; the server said: %s", said);
	}
	/* The server answered: let the plugin read its error body. */
	if (x.cc == CURLE_OK && x.status > 0) {
		if (http_buf_take(&x.b, resp) == 0)
			resp->status = x.status;
	} else if (x.status > 0)
		resp->status = x.status;
done:
	if (x.c != NULL)
		curl_api.easy_cleanup(x.c);
	curl_api.slist_free_all(hdrs);
	free(x.b.p);
	free(url);
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
