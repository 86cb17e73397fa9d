/* SPDX-License-Identifier: ISC */
/*
 * net/http_private.h: what http.c and http_file.c share: the body buffer
 * with its cap, and the file: URL reader http_get() hands those URLs to.
 */
#ifndef REGIOMON_NET_HTTP_PRIVATE_H
#define REGIOMON_NET_HTTP_PRIVATE_H

#include <stddef.h>
#include <time.h>

#include "regiomon-plugin.h"
#include "core/core.h"
#include "model/model.h"
#include "net/curl_api.h"

/* The body as it arrives; never grows past max. */
struct http_buf {
	char	*p;
	size_t	 len;
	size_t	 size;
	size_t	 max;
	int	 over;		/* the server sent more than max */
	int	 oom;
};

/* http.c */
#define HTTP_SAID_MAX	300	/* a short quote of an error body */
void	http_size_format(size_t, char *, size_t);
int	http_buf_append(struct http_buf *, const void *, size_t);
int	http_buf_take(struct http_buf *, struct rm_response *);

/* The parts of an http(s) URL that the redirect checks compare. */
struct http_origin {
	int	 https;
	int	 has_user;	/* a user name or password in the URL */
	long	 port;		/* the scheme's default when not given */
	char	 host[256];	/* as curl gives it: an IPv6 one in [] */
};

/* http_retry.c */
int	http_retry_after_parse(const char *, time_t, long *);
void	http_sleep_ms(long);
int	http_retryable_status(long);
int	http_retryable_curl(CURLcode);
void	http_curl_reason(CURL *, CURLcode, const char *, long, char *,
	    size_t);
long	http_retry_wait_ms(int, const char *, long);

/* http_redirect.c */
int	http_url_has_userinfo(const char *);
int	http_origin_parse(const char *, struct http_origin *);
const char *http_addr_refused(int, const void *);
int	http_redirect_check(const struct source *, const struct http_origin *,
	    const struct http_origin *, const char *, struct http_origin *,
	    int *, char *, size_t);
int	http_redirect_status(long);

/* http_file.c */
int	http_file_is_url(const char *);
int	http_file_get(const char *, const char *, struct http_buf *,
	    struct rm_response *, char *, size_t);

/* http_said.c */
size_t	http_server_text(const char *, size_t, char *, size_t);

#endif /* REGIOMON_NET_HTTP_PRIVATE_H */
