/* SPDX-License-Identifier: ISC */
/*
 * curl_api.h: the libcurl functions regiomon calls, through pointers that
 * curl_api_load() fills in on first use (see curl_api.c for why).
 */
#ifndef CURL_API_H
#define CURL_API_H

#include <time.h>

#include <curl/curl.h>

struct curl_api {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
	CURLU		*(*url)(void);
	void		 (*url_cleanup)(CURLU *);
	CURLUcode	 (*url_set)(CURLU *, CURLUPart, const char *,
			    unsigned int);
	CURLUcode	 (*url_get)(const CURLU *, CURLUPart, char **,
			    unsigned int);
	void		 (*free)(void *);
	time_t		 (*getdate)(const char *, const time_t *);
};

extern struct curl_api	curl_api;

int	curl_api_load(void);

#endif
