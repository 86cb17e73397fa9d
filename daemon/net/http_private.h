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
void	http_size_format(size_t, char *, size_t);
int	http_retry_after_parse(const char *, time_t, long *);
int	http_buf_append(struct http_buf *, const void *, size_t);
int	http_buf_take(struct http_buf *, struct rm_response *);

/* http_file.c */
int	http_file_is_url(const char *);
int	http_file_get(const char *, const char *, struct http_buf *,
	    struct rm_response *, char *, size_t);

#endif /* REGIOMON_NET_HTTP_PRIVATE_H */
