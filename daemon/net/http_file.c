/* SPDX-License-Identifier: ISC */
/*
 * http_file.c: file: URLs for http_get(): "file:///abs" as a URL,
 * "file:/abs" as a path, "file:REL" relative to the config's directory,
 * read straight from disk within the same size cap as a download.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/core.h"
#include "net/net.h"
#include "net/http_private.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX escapes in place; -1 on a bad escape or an encoded NUL. */
static int
percent_decode(char *s)
{
	char	*w = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*w++ = *s;
			continue;
		}
		if ((hi = hexval(s[1])) == -1 || (lo = hexval(s[2])) == -1 ||
		    (hi == 0 && lo == 0))
			return -1;
		*w++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*w = '\0';
	return 0;
}

/* 1 if url is a file: URL (any case), which http_file_get() reads. */
int
http_file_is_url(const char *url)
{
	return strncasecmp(url, "file:", 5) == 0;
}

/*
 * The local path a file: URL names.  "file:///abs" and
 * "file://localhost/abs" are URLs and %XX-decoded; "file:/abs" is an
 * absolute path; "file:REL" is a path relative to confdir (the config's
 * directory, or the current one when NULL), taken as written, so a config
 * can say "file:../share/demo/x.csv".  New, or NULL with err set.
 */
static char *
file_url_path(const char *url, const char *confdir, char *err, size_t errlen)
{
	const char	*rest = url + 5;
	char		*path;
	int		 n;

	if (strncmp(rest, "//", 2) == 0) {
		rest += 2;
		if (strncasecmp(rest, "localhost/", 10) == 0)
			rest += 9;
		if (*rest != '/') {
			snprintf(err, errlen, "GET %s: file URLs must name a "
			    "local path (file:///path)", url);
			return NULL;
		}
		if ((path = strdup(rest)) == NULL)
			goto oom;
		if (percent_decode(path) == -1) {
			snprintf(err, errlen, "GET %s: bad %%-escape in the "
			    "path", url);
			free(path);
			return NULL;
		}
		return path;
	}
	if (*rest == '\0') {
		snprintf(err, errlen, "GET %s: no path after \"file:\"", url);
		return NULL;
	}
	if (*rest == '/' || confdir == NULL || *confdir == '\0')
		n = asprintf(&path, "%s", rest);
	else
		n = asprintf(&path, "%s/%s", confdir, rest);
	if (n == -1)
		goto oom;
	return path;
oom:
	snprintf(err, errlen, "GET %s: out of memory", url);
	return NULL;
}

/*
 * Read the file a file: URL names (see file_url_path) whole into b,
 * within its cap, and hand it to resp with status 200.  RM_OK, or RM_ERR
 * with err set.
 */
int
http_file_get(const char *url, const char *confdir, struct http_buf *b,
    struct rm_response *resp, char *err, size_t errlen)
{
	struct stat	 st;
	char		*path, chunk[65536], capstr[32];
	ssize_t		 n;
	int		 fd, rc = RM_ERR;

	if ((path = file_url_path(url, confdir, err, errlen)) == NULL)
		return RM_ERR;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errlen, "GET %s: cannot read %s: %s", url, path,
		    strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "GET %s: cannot read %s: not a regular "
		    "file", url, path);
		goto done;
	}
	for (;;) {
		if ((n = read(fd, chunk, sizeof(chunk))) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "GET %s: cannot read %s: %s",
			    url, path, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if (http_buf_append(b, chunk, (size_t)n) == -1)
			break;
	}
	if (b->over) {
		http_size_format(b->max, capstr, sizeof(capstr));
		snprintf(err, errlen, "GET %s: response larger than %s cap",
		    url, capstr);
		goto done;
	}
	if (b->oom || http_buf_take(b, resp) == -1) {
		snprintf(err, errlen, "GET %s: out of memory", url);
		goto done;
	}
	resp->status = 200;
	rc = RM_OK;
done:
	if (fd != -1)
		close(fd);
	free(path);
	return rc;
}
