/* SPDX-License-Identifier: ISC */
/*
 * odata.c: talking OData to CBS: one GET parsed as JSON, and the page
 * loop: one page in memory at a time, its rows parsed a chunk at a time,
 * nextLinks followed verbatim within the same origin, with a page limit
 * and loop detection.  The URLs it follows are built in url.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbs.h"

/* The length of "scheme://authority" at the start of url, or 0. */
static size_t
cbs_origin_len(const char *url)
{
	const char	*p;

	if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else
		return 0;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

/*
 * 1 if next may be followed from a source whose base is base: a file:
 * link from a file: base, or an http(s) link to the same host and port
 * (an upgrade from http to https is fine, a downgrade is not).  A server
 * cannot send the daemon to another host or onto the local disk.
 */
int
cbs_same_origin(const char *base, const char *next)
{
	size_t	 bl, nl, bs, ns;

	if (strncasecmp(base, "file:", 5) == 0)
		return strncasecmp(next, "file:", 5) == 0;
	if ((bl = cbs_origin_len(base)) == 0 ||
	    (nl = cbs_origin_len(next)) == 0)
		return 0;
	bs = strncasecmp(base, "https://", 8) == 0 ? 8 : 7;
	ns = strncasecmp(next, "https://", 8) == 0 ? 8 : 7;
	if (bs == 8 && ns == 7)
		return 0;
	return bl - bs == nl - ns &&
	    strncasecmp(base + bs, next + ns, bl - bs) == 0;
}

/*
 * GET url (of entity what) into *resp (free with response_free).  0, or
 * -1 logged, with the fix when the failure says it.
 */
static int
cbs_fetch(struct cbs_run *run, const char *url, const char *what,
    struct rm_response *resp)
{
	struct rm_request	 req;
	long			 status;

	memset(&req, 0, sizeof(req));
	req.url = url;
	run->requests++;
	if (cbs_host->http_get(run->ctx, &req, resp) != RM_OK) {
		status = resp->status;
		cbs_host->response_free(resp);
		cbs_hint(run, what, status);
		return -1;
	}
	return 0;
}

/*
 * Parse body as JSON into *out (new, json_decref()).  what and page (0:
 * not paged) name the request in messages.  0, or -1 logged.
 */
static int
cbs_parse(struct cbs_run *run, const char *body, size_t len, const char *url,
    const char *what, size_t page, json_t **out)
{
	char		 where[32];
	json_error_t	 jerr;

	/* Integers as reals: a count past 2^63 must not fail the page. */
	if ((*out = json_loadb(body, len, JSON_DECODE_INT_AS_REAL,
	    &jerr)) != NULL)
		return 0;
	where[0] = '\0';
	if (page > 0)
		snprintf(where, sizeof(where), " page %zu", page);
	cbs_host->log(run->ctx, RM_LOG_ERR, "%s%s (%s): invalid JSON at line "
	    "%d, column %d: %s", what, where, url, jerr.line, jerr.column,
	    jerr.text);
	return -1;
}

/*
 * GET url and parse the body as JSON into *out (new, json_decref()).
 * what and page (0: not paged) name the request in messages.  0, or -1
 * logged (HTTP failures are logged by the host).
 */
int
cbs_get(struct cbs_run *run, const char *url, const char *what, size_t page,
    json_t **out)
{
	struct rm_response	 resp;
	int			 rc;

	*out = NULL;
	if (cbs_fetch(run, url, what, &resp) == -1)
		return -1;
	rc = cbs_parse(run, resp.body, resp.len, url, what, page, out);
	cbs_host->response_free(&resp);
	return rc;
}

/* The server's error message in an OData error body, or NULL. */
static const char *
cbs_odata_error(const json_t *root)
{
	const json_t	*e, *m;

	if ((e = json_object_get(root, "odata.error")) == NULL &&
	    (e = json_object_get(root, "error")) == NULL)
		return NULL;
	m = json_object_get(e, "message");
	if (json_is_object(m))
		m = json_object_get(m, "value");
	return json_is_string(m) ? json_string_value(m) : "(no message)";
}

/* URLs seen in one page loop, as hashes, with the page each was on. */
struct cbs_seen {
	uint64_t	*h;
	size_t		 n, cap;
};

/* The page url was first seen on (1-based), or 0. */
static size_t
cbs_seen_find(const struct cbs_seen *s, const char *url)
{
	uint64_t	 h = cbs_hash(url, strlen(url), 0);
	size_t		 i;

	for (i = 0; i < s->n; i++)
		if (s->h[i] == h)
			return i + 1;
	return 0;
}

static int
cbs_seen_add(struct cbs_seen *s, const char *url)
{
	uint64_t	*p;
	size_t		 cap;

	if (s->n == s->cap) {
		cap = s->cap == 0 ? 16 : s->cap * 2;
		if ((p = reallocarray(s->h, cap, sizeof(*p))) == NULL)
			return -1;
		s->h = p;
		s->cap = cap;
	}
	s->h[s->n++] = cbs_hash(url, strlen(url), 0);
	return 0;
}

/*
 * The nextLink of a page, resolved: absolute links as they are (that is
 * what "verbatim" means: none of our own parameters are added again),
 * "/path" links against the origin of the page.  *next is NULL at the
 * end.  0, or -1 logged.
 */
static int
cbs_next_link(struct cbs_run *run, const json_t *root, const char *url,
    size_t page, const char *what, char **next)
{
	const json_t	*v;
	const char	*s;
	char		 shown[CBS_SHOWN + 8];
	struct cbs_buf	 b;
	size_t		 ol;

	*next = NULL;
	if ((v = json_object_get(root, "@odata.nextLink")) == NULL &&
	    (v = json_object_get(root, "odata.nextLink")) == NULL)
		return 0;
	if (json_is_null(v))
		return 0;
	if ((s = json_string_value(v)) == NULL || *s == '\0') {
		cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
		    "nextLink: expected a URL", what, page, url);
		return -1;
	}
	memset(&b, 0, sizeof(b));
	if (s[0] == '/' && s[1] != '/' && (ol = cbs_origin_len(url)) > 0) {
		cbs_buf_addn(&b, url, ol);
		cbs_buf_add(&b, s);
	} else if (strncasecmp(url, "https://", 8) == 0 &&
	    strncasecmp(s, "http://", 7) == 0) {
		/*
		 * A server behind a TLS proxy may write its own links as
		 * http: stay on https rather than downgrade (same-origin
		 * is still checked below).
		 */
		cbs_buf_add(&b, "https://");
		cbs_buf_add(&b, s + 7);
	} else
		cbs_buf_add(&b, s);
	if (b.oom) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		cbs_buf_free(&b);
		return -1;
	}
	if (!cbs_same_origin(run->conf->base, b.p)) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
		    "nextLink \"%s\" leaves %s; refused", what, page, url,
		    cbs_show(s, shown, sizeof(shown)), run->conf->base);
		cbs_buf_free(&b);
		return -1;
	}
	*next = b.p;
	return 0;
}

/* Past the JSON blanks from p on. */
const char *
cbs_skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/* Past the JSON string at p (its '"'), or NULL if it does not end. */
static const char *
cbs_skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/*
 * Past the JSON value at p: a string, a bracket with all it nests, or a
 * scalar up to the ',' or bracket after it.  NULL if it does not end.
 * Only finds the end: jansson checks the text.
 */
static const char *
cbs_skip_value(const char *p, const char *end)
{
	int	 depth = 0;

	while (p < end) {
		if (*p == '"') {
			if ((p = cbs_skip_string(p, end)) == NULL)
				return NULL;
			if (depth == 0)
				return p;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
		} else if (*p == ',' && depth == 0)
			return p;
		p++;
	}
	return NULL;
}

/*
 * Where the rows of a page are: body[*a] is the '[' and body[*b] the ']'
 * of its "value" array.  0, or -1 if the body is not an object with one
 * such member spelt plainly: it is then parsed whole.
 */
static int
cbs_rows_span(const char *body, size_t len, size_t *a, size_t *b)
{
	const char	*p, *end = body + len, *k, *kend, *v;
	int		 found = 0;

	p = cbs_skip_ws(body, end);
	if (p == end || *p != '{')
		return -1;
	for (p = cbs_skip_ws(p + 1, end); p < end && *p != '}';) {
		k = p;
		if (*p != '"' || (kend = cbs_skip_string(p, end)) == NULL)
			return -1;
		p = cbs_skip_ws(kend, end);
		if (p == end || *p != ':')
			return -1;
		v = cbs_skip_ws(p + 1, end);
		if ((p = cbs_skip_value(v, end)) == NULL)
			return -1;
		if (kend - k == 7 && memcmp(k, "\"value\"", 7) == 0) {
			if (found++ || *v != '[')
				return -1;
			*a = (size_t)(v - body);
			*b = (size_t)(p - 1 - body);
		}
		p = cbs_skip_ws(p, end);
		if (p < end && *p == ',')
			p = cbs_skip_ws(p + 1, end);
		else if (p == end || *p != '}')
			return -1;
	}
	return found && p < end ? 0 : -1;
}

/*
 * The page without its rows: body with the "value" array emptied.  New,
 * or NULL if that does not parse (the whole page then tells why).
 */
static json_t *
cbs_page_head(const char *body, size_t len, size_t a, size_t b)
{
	json_t	*root, *v;
	char	*head;
	size_t	 n = a + 1 + (len - b);

	if ((head = malloc(n)) == NULL)
		return NULL;
	memcpy(head, body, a + 1);
	memcpy(head + a + 1, body + b, len - b);
	root = json_loadb(head, n, JSON_DECODE_INT_AS_REAL, NULL);
	free(head);
	v = json_object_get(root, "value");
	if (!json_is_array(v) || json_array_size(v) != 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* 1 if rows x and y (x may be NULL) hold the same column cut. */
static int
cbs_same_key(const json_t *x, const json_t *y, const char *cut)
{
	const json_t	*u, *v;

	if (x == NULL || cut == NULL)
		return 0;
	u = json_object_get(x, cut);
	v = json_object_get(y, cut);
	return u == NULL ? v == NULL : json_equal(u, v);
}

/* Hand chunk to fn, then empty it.  0, or -1 when fn stops. */
static int
cbs_chunk_flush(struct cbs_run *run, json_t *chunk, const char *url,
    size_t page, cbs_rows_fn fn, void *arg, size_t *done)
{
	if (fn(run, chunk, url, page, *done, arg) == -1)
		return -1;
	*done += json_array_size(chunk);
	json_array_clear(chunk);
	return 0;
}

/*
 * Hand the rows in body[a..b] to fn, about CBS_CHUNK at a time, each row
 * parsed on its own: as a tree a page of wide rows is seven times its
 * text, and the tree of a whole page was the plugin's peak memory.  A
 * chunk ends only where column cut (unless NULL) changes: fn may serve
 * several series in turn, and the host stores a series early only if
 * its lines come in one block.  *done counts the rows handed over.  0,
 * -1 when fn stops, or 1 when a row does not parse on its own.
 */
static int
cbs_rows_stream(struct cbs_run *run, const char *body, size_t a, size_t b,
    const char *url, size_t page, const char *cut, cbs_rows_fn fn,
    void *arg, size_t *done)
{
	const char	*p, *end = body + b;
	json_error_t	 jerr;
	json_t		*chunk, *row, *prev = NULL;
	int		 rc = 0;

	*done = 0;
	if ((chunk = json_array()) == NULL)
		return 1;
	for (p = cbs_skip_ws(body + a + 1, end); p < end && rc == 0;) {
		if ((row = json_loadb(p, (size_t)(end - p),
		    JSON_DISABLE_EOF_CHECK | JSON_DECODE_INT_AS_REAL,
		    &jerr)) == NULL) {
			rc = 1;
			break;
		}
		p = cbs_skip_ws(p + jerr.position, end);
		if (p < end && (*p != ',' ||
		    (p = cbs_skip_ws(p + 1, end)) == end))
			rc = 1;
		else if (json_array_size(chunk) >= CBS_CHUNK &&
		    !cbs_same_key(prev, row, cut))
			rc = cbs_chunk_flush(run, chunk, url, page, fn, arg,
			    done);
		json_decref(prev);
		prev = row;
		if (rc == 0 && json_array_append(chunk, row) == -1)
			rc = 1;
	}
	/* The rest; a page without rows is still a page to fn. */
	if (rc == 0 && (json_array_size(chunk) > 0 || *done == 0))
		rc = cbs_chunk_flush(run, chunk, url, page, fn, arg, done);
	json_decref(prev);
	json_decref(chunk);
	return rc;
}

/* Hand the rows of a page from row first on to fn.  0, or -1. */
static int
cbs_rows_from(struct cbs_run *run, json_t *rows, size_t first,
    const char *url, size_t page, cbs_rows_fn fn, void *arg)
{
	json_t	*rest;
	size_t	 i;
	int	 rc;

	if (first == 0)
		return fn(run, rows, url, page, 0, arg);
	if ((rest = json_array()) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	for (i = first; i < json_array_size(rows); i++)
		json_array_append(rest, json_array_get(rows, i));
	rc = fn(run, rest, url, page, first, arg);
	json_decref(rest);
	return rc;
}

/* The checks of a page before its rows.  0, or -1 logged. */
static int
cbs_page_check(struct cbs_run *run, const json_t *root, const char *url,
    const char *what, size_t page)
{
	const char	*err;
	char		 shown[CBS_SHOWN + 8];

	if ((err = cbs_odata_error(root)) != NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
		    "the server answered with an error: %s", what, page, url,
		    cbs_show(err, shown, sizeof(shown)));
		return -1;
	}
	if (!json_is_array(json_object_get(root, "value"))) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
		    "value: expected the array of rows of an OData answer",
		    what, page, url);
		return -1;
	}
	return 0;
}

/*
 * One page, the body of the answer from url: check it, set *next to its
 * nextLink (see cbs_next_link) and hand its rows to fn.  The rows are
 * read in place by flat (flat.c) if it is not NULL, else parsed a chunk
 * at a time (see cbs_rows_stream for cut); a page where that does not
 * work out is parsed whole, from the first row not yet handed over, so
 * its messages are those of the whole text.  0, or -1 logged.
 */
static int
cbs_page(struct cbs_run *run, const char *body, size_t len, const char *url,
    const char *what, size_t page, const char *cut, cbs_rows_fn fn,
    cbs_flat_fn flat, void *arg, char **next)
{
	json_t	*root = NULL;
	size_t	 a = 0, b = 0, done = 0;
	int	 streamed, rc = -1;

	*next = NULL;
	streamed = cbs_rows_span(body, len, &a, &b) == 0 &&
	    (root = cbs_page_head(body, len, a, b)) != NULL;
	if (!streamed && cbs_parse(run, body, len, url, what, page,
	    &root) == -1)
		return -1;
	if (cbs_page_check(run, root, url, what, page) == -1 ||
	    cbs_next_link(run, root, url, page, what, next) == -1)
		goto done;
	if (streamed) {
		rc = flat != NULL ? cbs_flat_rows(run, body, a, b, url, page,
		    cut, flat, arg, &done) : cbs_rows_stream(run, body, a, b,
		    url, page, cut, fn, arg, &done);
		if (rc != 1)
			goto done;
		rc = -1;
		json_decref(root);
		if (cbs_parse(run, body, len, url, what, page, &root) == -1 ||
		    cbs_page_check(run, root, url, what, page) == -1)
			goto done;
	}
	rc = cbs_rows_from(run, json_object_get(root, "value"), done, url,
	    page, fn, arg);
done:
	json_decref(root);
	if (rc == -1) {
		free(*next);
		*next = NULL;
	}
	return rc;
}

/*
 * Fetch url and the pages its nextLinks lead to, one page in memory at a
 * time, handing the rows of each to fn, or to flat if it is not NULL
 * and the rows are flat (in chunks that end only where column cut
 * changes, unless cut is NULL).  Stops with an error at a page
 * past the config's page_limit or at a nextLink that leads back to a page
 * already read.  what names the endpoint in messages.  0, or -1 logged.
 */
int
cbs_pages(struct cbs_run *run, const char *url, const char *what,
    const char *cut, cbs_rows_fn fn, cbs_flat_fn flat, void *arg)
{
	struct cbs_seen		 seen;
	struct rm_response	 resp;
	char			*cur, *next = NULL;
	size_t			 page, prev;
	int			 rc = -1, prc;

	memset(&seen, 0, sizeof(seen));
	if ((cur = strdup(url)) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	for (page = 1;; page++) {
		if (cbs_seen_add(&seen, cur) == -1) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
			goto done;
		}
		if (cbs_fetch(run, cur, what, &resp) == -1)
			goto done;
		prc = cbs_page(run, resp.body, resp.len, cur, what, page, cut,
		    fn, flat, arg, &next);
		cbs_host->response_free(&resp);
		if (prc == -1)
			goto done;
		if (next == NULL)
			break;
		if ((prev = cbs_seen_find(&seen, next)) != 0) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "nextLink loops back to page %zu (%s); stopped",
			    what, page, cur, prev, next);
			goto done;
		}
		if ((long)page >= run->conf->page_limit) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s: more than %ld "
			    "pages (page_limit); stopped before %s", what,
			    run->conf->page_limit, next);
			goto done;
		}
		free(cur);
		cur = next;
		next = NULL;
	}
	rc = 0;
done:
	free(cur);
	free(next);
	free(seen.h);
	return rc;
}
