/* SPDX-License-Identifier: ISC */
/*
 * curl_api.h: the libcurl functions regiomon calls, through pointers that
 * curl_api_load() fills in on first use (see curl_api.c for why).
 */
#ifndef CURL_API_H
#define CURL_API_H

#include <curl/curl.h>

/* Each member has the type of the libcurl function it stands for. */
struct curl_api {
	__typeof__(curl_global_init)		*global_init;
	__typeof__(curl_global_cleanup)		*global_cleanup;
	__typeof__(curl_easy_init)		*easy_init;
	__typeof__(curl_easy_setopt)		*easy_setopt;
	__typeof__(curl_easy_perform)		*easy_perform;
	__typeof__(curl_easy_getinfo)		*easy_getinfo;
	__typeof__(curl_easy_cleanup)		*easy_cleanup;
	__typeof__(curl_easy_strerror)		*easy_strerror;
	__typeof__(curl_slist_append)		*slist_append;
	__typeof__(curl_slist_free_all)		*slist_free_all;
	__typeof__(curl_url)			*url;
	__typeof__(curl_url_cleanup)		*url_cleanup;
	__typeof__(curl_url_set)		*url_set;
	__typeof__(curl_url_get)		*url_get;
	__typeof__(curl_free)			*free;
	__typeof__(curl_getdate)		*getdate;
};

extern struct curl_api	curl_api;

int	curl_api_load(void);

#endif
