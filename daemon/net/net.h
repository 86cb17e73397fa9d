/* SPDX-License-Identifier: ISC */
/*
 * net/net.h: the network: libcurl loaded on demand, and HTTP GET with
 * retries and caps for the plugins.
 */
#ifndef REGIOMON_NET_H
#define REGIOMON_NET_H

#include "core/core.h"
#include "model/model.h"

/* http.c */
/*
 * Of a server's error body, this much goes into the error (escaped, see
 * text_visn()); an error fits in HTTP_ERR_MAX with its URL.
 */
#define HTTP_ERR_BODY	4096
#define HTTP_ERR_MAX	(4 * HTTP_ERR_BODY + 4096)
int	http_global_init(void);
void	http_global_cleanup(void);
int	http_get(const struct conf *, const char *, const struct rm_request *,
	    struct rm_response *, char *, size_t);
int	http_get_source(const struct conf *, const char *,
	    const struct source *, const struct rm_request *,
	    struct rm_response *, char *, size_t);
void	http_response_free(struct rm_response *);

#endif /* REGIOMON_NET_H */
