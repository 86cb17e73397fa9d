/* SPDX-License-Identifier: ISC */
/*
 * smtp.c: hands prebuilt messages to an SMTP server through libcurl:
 * STARTTLS required unless the server is on loopback, or implicit TLS with
 * smtps://, certificates verified, AUTH with a password read from a file
 * nobody else may read.  One session (one libcurl handle, so one
 * connection) serves a whole flush of the outbox.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "mail/mail.h"
#include "net/curl_api.h"


/* The message being uploaded: libcurl reads it through smtp_read(). */
struct upload {
	const char	*p;
	size_t		 len;
	size_t		 off;
};

struct smtp {
	CURL			*curl;
	struct curl_slist	*rcpt;
	struct upload		 up;
	char			*url;		/* with the EHLO name */
	char			 errbuf[CURL_ERROR_SIZE];
};

/*
 * The IPv6 address of h[0..n) if it is one in brackets, as a URL writes
 * it: "[::1]", or with a zone, "[fe80::1%25eth0]".  1 or 0.
 */
static int
ipv6_literal(const char *h, size_t n, struct in6_addr *a6)
{
	char		 buf[INET6_ADDRSTRLEN];
	const char	*zone;
	size_t		 len, i;

	if (n < 2 || h[0] != '[' || h[n - 1] != ']')
		return 0;
	h++;
	n -= 2;
	zone = memmem(h, n, "%25", 3);
	len = zone != NULL ? (size_t)(zone - h) : n;
	if (len >= sizeof(buf))
		return 0;
	if (zone != NULL) {
		for (i = 3; i < n - len; i++)
			if (!isalnum((unsigned char)zone[i]) &&
			    strchr("-._~", zone[i]) == NULL)
				return 0;
		if (n - len == 3)
			return 0;
	}
	memcpy(buf, h, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, a6) == 1;
}

/*
 * 1 if host (as smtp_url_check() finds it, IPv6 in brackets) is the
 * loopback: localhost, 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104.  IPv4
 * in any form inet_aton() reads ("127.1", "2130706433"), as libcurl
 * reads it too.
 */
static int
host_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (strcasecmp(host, "localhost") == 0 ||
	    strcasecmp(host, "localhost.") == 0)
		return 1;
	if (inet_aton(host, &a4) != 0)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (!ipv6_literal(host, strlen(host), &a6))
		return 0;
	if (IN6_IS_ADDR_LOOPBACK(&a6))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
}

/*
 * The host of an SMTP URL: a name (letters, digits, "-", "." and "_"), an
 * IPv4 address, or an IPv6 address in brackets; h[0..n).  1 or 0.
 */
static int
host_ok(const char *h, size_t n)
{
	struct in6_addr	 a6;
	size_t		 i;

	if (n > 0 && h[0] == '[')
		return ipv6_literal(h, n, &a6);
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '.' && h[i] != '_')
			return 0;
	return n > 0;
}

/* The value of hex digit h (isxdigit). */
static int
hexval(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	return (h | 0x20) - 'a' + 10;
}

/*
 * Check an SMTP URL: smtp:// or smtps://, a host, an optional port, no
 * credentials, query or fragment, no control character (encoded or
 * not); a path names the EHLO domain.  Sets
 * *implicit (smtps) and *loopback.  0, or -1 with the reason in err (the
 * caller adds where it came from).  Parsed here, not by libcurl's URL
 * API, so that reading a config does not load libcurl (see curl_api.c);
 * libcurl parses the URL again when it sends.
 */
int
smtp_url_check(const char *url, int *implicit, int *loopback, char *err,
    size_t errlen)
{
	const char	*p, *host, *end, *colon;
	char		 name[256];
	size_t		 n;
	long		 port;
	unsigned	 c;

	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			snprintf(err, errlen, "no spaces or control "
			    "characters in a URL");
			return -1;
		}
	/*
	 * Nor encoded ones: "%0d%0a" in the EHLO path would end the command
	 * and start another (libcurl refuses it only when it sends, so the
	 * mail would never leave).
	 */
	for (p = url; *p != '\0'; p++) {
		if (*p != '%' || !isxdigit((unsigned char)p[1]) ||
		    !isxdigit((unsigned char)p[2]))
			continue;
		c = (unsigned)(hexval(p[1]) << 4 | hexval(p[2]));
		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen, "no percent-encoded control "
			    "characters in a URL (%%%c%c)", p[1], p[2]);
			return -1;
		}
	}
	if ((p = strstr(url, "://")) == NULL) {
		snprintf(err, errlen, "expected smtp://HOST[:PORT] or "
		    "smtps://HOST[:PORT]");
		return -1;
	}
	n = (size_t)(p - url);
	if ((n != 4 || strncasecmp(url, "smtp", 4) != 0) &&
	    (n != 5 || strncasecmp(url, "smtps", 5) != 0)) {
		snprintf(err, errlen, "expected smtp://HOST[:PORT] or "
		    "smtps://HOST[:PORT], not %.*s://", (int)(n < 32 ? n : 32),
		    url);
		return -1;
	}
	*implicit = n == 5;
	host = p + 3;
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)) != NULL) {
		snprintf(err, errlen, "no user or password in the URL: put "
		    "the user in \"username\" and the password in the file "
		    "named by \"password_file\"");
		return -1;
	}
	if (strpbrk(end, "?#") != NULL) {
		snprintf(err, errlen, "an SMTP URL has no \"?\" or \"#\" part");
		return -1;
	}
	/* The port's colon: the last one, outside an IPv6 address's []. */
	colon = NULL;
	for (p = host; p < end; p++)
		if (*p == ':')
			colon = p;
		else if (*p == ']')
			colon = NULL;
	n = (size_t)((colon != NULL ? colon : end) - host);
	if (n == 0) {
		snprintf(err, errlen, "no host");
		return -1;
	}
	if (n >= sizeof(name) || !host_ok(host, n)) {
		snprintf(err, errlen, "bad host \"%.*s\" (expected a name, an "
		    "IPv4 address or an IPv6 address in [])",
		    (int)(n < 64 ? n : 64), host);
		return -1;
	}
	if (colon != NULL) {
		port = 0;
		for (p = colon + 1; p < end && port <= 65535; p++)
			port = isdigit((unsigned char)*p) ?
			    port * 10 + (*p - '0') : 65536;
		if (port < 1 || port > 65535) {
			snprintf(err, errlen, "bad port \"%.*s\" (expected "
			    "1 to 65535)", (int)(end - colon - 1 < 16 ?
			    end - colon - 1 : 16), colon + 1);
			return -1;
		}
	}
	memcpy(name, host, n);
	name[n] = '\0';
	*loopback = host_is_loopback(name);
	return 0;
}

/*
 * The URL to use: the configured one, with this machine's name as the
 * EHLO domain (the URL's path) when it names none, since libcurl would
 * otherwise greet with "localhost", which some servers refuse.
 */
static char *
url_with_ehlo(const char *url)
{
	CURLU	*u;
	char	*path = NULL, *out = NULL, *copy = NULL, host[256];

	if ((u = curl_api.url()) == NULL)
		return NULL;
	if (curl_api.url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto done;
	if (curl_api.url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
	    strcmp(path, "/") == 0 || *path == '\0') {
		mail_hostname(host, sizeof(host));
		if (curl_api.url_set(u, CURLUPART_PATH, host, 0) != CURLUE_OK)
			goto done;
	}
	if (curl_api.url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		goto done;
	copy = strdup(out);
done:
	curl_api.free(path);
	curl_api.free(out);
	curl_api.url_cleanup(u);
	return copy;
}

/*
 * Read the SMTP password from path into buf: a secret file (secret_read:
 * not a symlink, a regular file of this user that only it may read or
 * write), one line (a final newline is dropped).  0, or -1 with the
 * reason in err.
 */
int
smtp_read_password(const char *path, char *buf, size_t size, char *err,
    size_t errlen)
{
	char	 why[1024];
	size_t	 len, i;

	if (secret_read(path, buf, size, &len, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "password file %s", why);
		return -1;
	}
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	for (i = 0; i < len; i++) {
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f) {
			snprintf(err, errlen, "password file %s: more than "
			    "one line, or control characters", path);
			goto fail;
		}
	}
	if (len == 0) {
		snprintf(err, errlen, "password file %s: empty", path);
		goto fail;
	}
	return 0;
fail:
	explicit_bzero(buf, size);
	return -1;
}

static size_t
smtp_read(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct upload	*up = arg;
	size_t		 n = size * nmemb;

	if (n > up->len - up->off)
		n = up->len - up->off;
	memcpy(dst, up->p + up->off, n);
	up->off += n;
	return n;
}

#define SET(opt, val) do {						\
	if ((cc = curl_api.easy_setopt(s->curl, opt, val)) != CURLE_OK)	\
		goto curlfail;						\
} while (0)

/*
 * Open a session for mc (transport SMTP): the handle, envelope and
 * credentials are set up; no connection is made until the first send.
 * New, close with smtp_close(); NULL with the reason in err.  Its length
 * is the list of libcurl options, each of which matters for safety.
 */
struct smtp *
smtp_open(const struct mail_conf *mc, char *err, size_t errlen)
{
	struct smtp	*s;
	char		 pw[SMTP_PASSWORD_MAX], *addr;
	CURLcode	 cc;
	int		 implicit, loopback;

	if (smtp_url_check(mc->url, &implicit, &loopback, err, errlen) == -1)
		return NULL;
	/* Checked with the config too; this keeps a path to cleartext shut. */
	if (!implicit && !loopback && !mc->starttls) {
		snprintf(err, errlen, "refusing to send without TLS to a "
		    "host that is not loopback");
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (http_global_init() == -1) {
		snprintf(err, errlen, "cannot set up libcurl");
		goto fail;
	}
	if ((s->url = url_with_ehlo(mc->url)) == NULL ||
	    (s->curl = curl_api.easy_init()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (smtp_recipients(s, mc->to, mc->nto, err, errlen) == -1)
		goto fail;
	if (asprintf(&addr, "<%s>", mc->from) == -1) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	cc = curl_api.easy_setopt(s->curl, CURLOPT_MAIL_FROM, addr);
	free(addr);
	if (cc != CURLE_OK)
		goto curlfail;
	SET(CURLOPT_URL, s->url);
	SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	SET(CURLOPT_UPLOAD, 1L);
	SET(CURLOPT_READFUNCTION, smtp_read);
	SET(CURLOPT_READDATA, &s->up);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, mc->timeout);
	SET(CURLOPT_TIMEOUT, mc->timeout);
	SET(CURLOPT_ERRORBUFFER, s->errbuf);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	/*
	 * CURLUSESSL_ALL: STARTTLS or nothing.  libcurl's "try" would fall
	 * back to cleartext whenever someone on the path strips the
	 * STARTTLS capability.
	 */
	SET(CURLOPT_USE_SSL, implicit || mc->starttls ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_NONE);
	if (mc->ca_file != NULL)
		SET(CURLOPT_CAINFO, mc->ca_file);
	if (mc->username != NULL) {
		SET(CURLOPT_USERNAME, mc->username);
		if (smtp_read_password(mc->password_file, pw, sizeof(pw), err,
		    errlen) == -1)
			goto fail;
		/* libcurl keeps its own copy; ours goes at once. */
		cc = curl_api.easy_setopt(s->curl, CURLOPT_PASSWORD, pw);
		explicit_bzero(pw, sizeof(pw));
		if (cc != CURLE_OK)
			goto curlfail;
	}
	return s;
curlfail:
	snprintf(err, errlen, "libcurl: %s", curl_api.easy_strerror(cc));
fail:
	smtp_close(s);
	return NULL;
}

/*
 * Errors after which the next message cannot fare better: the server
 * cannot be reached, TLS or the login failed.
 */
static int
session_error(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_USE_SSL_FAILED:
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return 1;
	default:
		return 0;
	}
}

/*
 * Send len bytes of a prebuilt message (CRLF line ends, no final
 * "."; libcurl dot-stuffs and ends the data itself).  Returns 0 once the
 * server accepted the message (its 250 after the data), else -1 with the
 * reason in err, *session set when the failure concerns the server or
 * the session rather than this message, and *kind set to a number that
 * stays the same while the failure does (libcurl's code and the server's
 * reply; err may vary, as in "after 30001 ms").  Logs nothing: the outbox
 * decides what is worth a log line.
 */
int
smtp_send(struct smtp *s, const char *data, size_t len, int *session,
    long *kind, char *err, size_t errlen)
{
	CURLcode	 cc;
	long		 code = 0;

	s->up.p = data;
	s->up.len = len;
	s->up.off = 0;
	s->errbuf[0] = '\0';
	*session = 0;
	*kind = 0;
	if ((cc = curl_api.easy_perform(s->curl)) == CURLE_OK)
		return 0;
	curl_api.easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	*session = session_error(cc);
	*kind = (long)cc * 1000 + code % 1000;
	if (code != 0)
		snprintf(err, errlen, "%s (server replied %ld)",
		    s->errbuf[0] != '\0' ? s->errbuf :
		    curl_api.easy_strerror(cc), code);
	else
		snprintf(err, errlen, "%s", s->errbuf[0] != '\0' ?
		    s->errbuf : curl_api.easy_strerror(cc));
	return -1;
}

/*
 * The recipients of the messages sent from now on in session s: the n
 * addresses of to (a digest's own, per route; see alert/route.c).  0, or
 * -1 with err set.
 */
int
smtp_recipients(struct smtp *s, char *const *to, size_t n, char *err,
    size_t errlen)
{
	struct curl_slist	*l = NULL, *nl;
	char			*addr;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (asprintf(&addr, "<%s>", to[i]) == -1)
			goto oom;
		nl = curl_api.slist_append(l, addr);
		free(addr);
		if (nl == NULL)
			goto oom;
		l = nl;
	}
	if (curl_api.easy_setopt(s->curl, CURLOPT_MAIL_RCPT, l) != CURLE_OK) {
		snprintf(err, errlen, "cannot set the recipients");
		curl_api.slist_free_all(l);
		return -1;
	}
	if (s->rcpt != NULL)
		curl_api.slist_free_all(s->rcpt);
	s->rcpt = l;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	if (l != NULL)
		curl_api.slist_free_all(l);
	return -1;
}

/* End the session (QUIT if connected).  NULL is fine. */
void
smtp_close(struct smtp *s)
{
	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_api.easy_cleanup(s->curl);
	if (s->rcpt != NULL)
		curl_api.slist_free_all(s->rcpt);
	free(s->url);
	free(s);
}
