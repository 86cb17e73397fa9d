/* SPDX-License-Identifier: ISC */
/*
 * http_redirect.c: where a redirect may lead.  regiomon follows redirects
 * itself (http.c), and every hop is checked here like a nextLink: http(s)
 * only, never from https to http, never to a link-local, multicast,
 * broadcast or unspecified address, within the request's origin unless
 * the source allows another host by name.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "net/curl_api.h"
#include "net/http_private.h"

/* 1 if url (http:// or https://) has a user or password before its host. */
int
http_url_has_userinfo(const char *url)
{
	const char	*a = strstr(url, "://");

	if (a == NULL)
		return 0;
	a += 3;
	return a[strcspn(a, "/?#@")] == '@';
}


/* Split url into o with curl's own parser.  0, or -1 if not http(s). */
int
http_origin_parse(const char *url, struct http_origin *o)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	char	*end;
	int	 rc = -1;

	memset(o, 0, sizeof(*o));
	if ((u = curl_api.url()) == NULL)
		return -1;
	if (curl_api.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_api.url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_api.url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_api.url_get(u, CURLUPART_PORT, &port,
	    CURLU_DEFAULT_PORT) != CURLUE_OK)
		goto done;
	if (strcasecmp(scheme, "https") == 0)
		o->https = 1;
	else if (strcasecmp(scheme, "http") != 0)
		goto done;
	o->port = strtol(port, &end, 10);
	if (*end != '\0' || strlen(host) >= sizeof(o->host))
		goto done;
	strlcpy(o->host, host, sizeof(o->host));
	o->has_user = curl_api.url_get(u, CURLUPART_USER, &user, 0) ==
	    CURLUE_OK;
	rc = 0;
done:
	curl_api.free(scheme);
	curl_api.free(host);
	curl_api.free(port);
	curl_api.free(user);
	curl_api.url_cleanup(u);
	return rc;
}

/*
 * 1 if to is the origin of home: the same host and port, or the same
 * host upgraded from http to https on the schemes' default ports.
 */
static int
origin_same(const struct http_origin *home, const struct http_origin *to)
{
	if (strcasecmp(home->host, to->host) != 0)
		return 0;
	if (home->port == to->port)
		return home->https <= to->https;
	return !home->https && to->https && home->port == 80 &&
	    to->port == 443;
}

/*
 * 1 if the source's allow_redirect_hosts names to: "host" for the
 * scheme's default port, "host:port" for another.
 */
static int
origin_allowed(const struct source *src, const struct http_origin *to)
{
	const json_t	*e;
	const char	*s, *colon;
	size_t		 i, hlen;
	long		 port;

	if (src == NULL || src->redirect_hosts == NULL)
		return 0;
	json_array_foreach(src->redirect_hosts, i, e) {
		if ((s = json_string_value(e)) == NULL)
			continue;
		colon = strrchr(s, ':');
		if (colon != NULL && s[0] == '[' && strchr(colon, ']') != NULL)
			colon = NULL;
		hlen = colon != NULL ? (size_t)(colon - s) : strlen(s);
		port = colon != NULL ? strtol(colon + 1, NULL, 10) :
		    to->https ? 443 : 80;
		if (hlen == strlen(to->host) &&
		    strncasecmp(s, to->host, hlen) == 0 && port == to->port)
			return 1;
	}
	return 0;
}

/*
 * What is wrong with sending a request to addr, an in_addr or an
 * in6_addr as family says: "a link-local", "a multicast", "an
 * unspecified" or "a broadcast" address (cloud metadata services live on
 * link-local ones), or NULL.
 */
const char *
http_addr_refused(int family, const void *addr)
{
	const struct in6_addr	*a6;
	const uint8_t		*b;
	uint32_t		 a;

	if (family == AF_INET6) {
		a6 = addr;
		b = a6->s6_addr;
		if (IN6_IS_ADDR_UNSPECIFIED(a6))
			return "an unspecified";
		if (IN6_IS_ADDR_LINKLOCAL(a6))
			return "a link-local";
		if (IN6_IS_ADDR_MULTICAST(a6))
			return "a multicast";
		if (IN6_IS_ADDR_LOOPBACK(a6))
			return NULL;
		/* A cloud's metadata service on IPv6 (AWS): not link-local. */
		if (memcmp(b, "\xfd\x00\x0e\xc2\0\0\0\0\0\0\0\0\0\0"
		    "\x02\x54", 16) == 0)
			return "a cloud metadata";
		/*
		 * An IPv4 address in IPv6 clothes is judged as IPv4: mapped
		 * (::ffff:a.b.c.d), compatible (::a.b.c.d), NAT64's well-known
		 * prefix (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
		 */
		if (IN6_IS_ADDR_V4MAPPED(a6) || IN6_IS_ADDR_V4COMPAT(a6) ||
		    memcmp(b, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0", 12) == 0)
			b += 12;
		else if (b[0] == 0x20 && b[1] == 0x02)
			b += 2;
		else
			return NULL;
	} else if (family == AF_INET)
		b = addr;
	else
		return NULL;
	a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	if ((a >> 24) == 0)
		return "an unspecified";
	if ((a >> 16) == 0xa9fe)		/* 169.254.0.0/16 */
		return "a link-local";
	if ((a >> 28) == 0xe)			/* 224.0.0.0/4 */
		return "a multicast";
	if (a == 0xffffffff)
		return "a broadcast";
	return NULL;
}

/* http_addr_refused() for a host given as an address in a URL, else NULL. */
static const char *
host_refused(const char *host)
{
	struct in_addr	 in;
	struct in6_addr	 in6;
	char		 buf[64];
	size_t		 len = strlen(host);

	if (inet_pton(AF_INET, host, &in) == 1)
		return http_addr_refused(AF_INET, &in);
	if (len < 2 || host[0] != '[' || len - 2 >= sizeof(buf))
		return NULL;
	memcpy(buf, host + 1, len - 2);
	buf[len - 2] = '\0';
	buf[strcspn(buf, "%")] = '\0';		/* a zone id */
	if (inet_pton(AF_INET6, buf, &in6) != 1)
		return NULL;
	return http_addr_refused(AF_INET6, &in6);
}

/*
 * Check a redirect from cur to next for a request whose own origin is
 * home, as the plugins check a nextLink: http or https only, never from
 * https to http, never to a link-local, multicast or unspecified
 * address, and to the same origin unless the source's
 * allow_redirect_hosts names the host.  0 with *to filled in and *home_too
 * set when it is home's origin (the request's headers, which may carry
 * an API key, go there only), or -1 with why set.
 */
int
http_redirect_check(const struct source *src, const struct http_origin *home,
    const struct http_origin *cur, const char *next, struct http_origin *to,
    int *home_too, char *why, size_t len)
{
	const char	*bad;

	*home_too = 0;
	if (http_origin_parse(next, to) == -1) {
		snprintf(why, len, "not an http or https URL");
		return -1;
	}
	if (cur->https && !to->https) {
		snprintf(why, len, "it goes from https to http");
		return -1;
	}
	if ((bad = host_refused(to->host)) != NULL) {
		snprintf(why, len, "%s is %s address", to->host, bad);
		return -1;
	}
	if (origin_same(home, to)) {
		*home_too = 1;
		return 0;
	}
	if (to->has_user) {
		snprintf(why, len, "it carries a user name or password");
		return -1;
	}
	if (origin_allowed(src, to))
		return 0;
	snprintf(why, len, "%s:%ld is another origin (the source's "
	    "allow_redirect_hosts can allow it)", to->host, to->port);
	return -1;
}

/* 1 if status is a redirect regiomon follows. */
int
http_redirect_status(long status)
{
	return status == 301 || status == 302 || status == 303 ||
	    status == 307 || status == 308;
}
