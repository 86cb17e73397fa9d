/* SPDX-License-Identifier: ISC */
/*
 * odata.c: talking OData to CBS.  URLs (endpoint paths, or the recorded
 * file names under a file: base), percent-encoding and quoted literals for
 * $filter, one GET parsed as JSON, and the page loop: one page in memory
 * at a time, nextLinks followed verbatim within the same origin, with a
 * page limit and loop detection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbs.h"

/* Append n bytes of s; on failure b->oom is set and b keeps its text. */
void
cbs_buf_addn(struct cbs_buf *b, const char *s, size_t n)
{
	size_t	 want;
	char	*p;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		want = b->cap > 0 ? b->cap : 128;
		while (want < b->len + n + 1)
			want *= 2;
		if ((p = realloc(b->p, want)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = want;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
cbs_buf_add(struct cbs_buf *b, const char *s)
{
	cbs_buf_addn(b, s, strlen(s));
}

/* Append s percent-encoded: everything but RFC 3986 unreserved bytes. */
void
cbs_buf_enc(struct cbs_buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 e[3];
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			cbs_buf_addn(b, s, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		cbs_buf_addn(b, e, 3);
	}
}

/* Append s as an OData string literal: quoted, with ' doubled. */
void
cbs_buf_literal(struct cbs_buf *b, const char *s)
{
	cbs_buf_addn(b, "'", 1);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			cbs_buf_addn(b, "''", 2);
		else
			cbs_buf_addn(b, s, 1);
	}
	cbs_buf_addn(b, "'", 1);
}

void
cbs_buf_free(struct cbs_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* Append "?name=value" or "&name=value", value percent-encoded. */
void
cbs_url_param(struct cbs_buf *b, const char *name, const char *value)
{
	cbs_buf_add(b, b->p != NULL && strchr(b->p, '?') != NULL ? "&" : "?");
	cbs_buf_add(b, name);
	cbs_buf_add(b, "=");
	cbs_buf_enc(b, value);
}

/*
 * The URL of one of the table's endpoints: BASE/TABLE/entity (v3 with
 * $format=json), or with a file: base BASE/TABLE/file, the name the
 * recorded response is kept under (queries make no sense for a file).
 * New, or NULL when out of memory.
 */
char *
cbs_url(const struct cbs_conf *c, const char *entity, const char *file)
{
	struct cbs_buf	 b;

	memset(&b, 0, sizeof(b));
	cbs_buf_add(&b, c->base);
	cbs_buf_add(&b, "/");
	cbs_buf_add(&b, c->table);
	cbs_buf_add(&b, "/");
	cbs_buf_add(&b, c->is_file ? file : entity);
	if (!c->is_file && c->api != CBS_V4)
		cbs_url_param(&b, "$format", "json");
	if (b.oom) {
		cbs_buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* Append " and " between the parts of a $filter. */
static void
cbs_and(struct cbs_buf *f)
{
	if (f->len > 0)
		cbs_buf_add(f, " and ");
}

/*
 * The $filter period-type clause: (contains(Perioden,'JJ') or ...), or
 * v3's substringof('JJ',Perioden).
 */
static void
cbs_period_clause(struct cbs_buf *f, const struct cbs_conf *c,
    unsigned periods)
{
	static const char *const tt[] = { "JJ", "KW", "MM" };
	size_t	 i, n = 0;

	cbs_and(f);
	cbs_buf_add(f, "(");
	for (i = 0; i < NELEM(tt); i++) {
		if (!(periods & (1u << i)))
			continue;
		cbs_buf_add(f, n++ > 0 ? " or " : "");
		if (c->api == CBS_V4) {
			cbs_buf_add(f, "contains(");
			cbs_buf_add(f, c->period_dim);
			cbs_buf_add(f, ",");
			cbs_buf_literal(f, tt[i]);
			cbs_buf_add(f, ")");
		} else {
			cbs_buf_add(f, "substringof(");
			cbs_buf_literal(f, tt[i]);
			cbs_buf_add(f, ",");
			cbs_buf_add(f, c->period_dim);
			cbs_buf_add(f, ")");
		}
	}
	cbs_buf_add(f, ")");
}

/*
 * Append the $filter of a series without its measure: regions, dimension
 * filters and period types, joined by "and".  v3 compares padded keys
 * (set by cbs_widths()), v4 trimmed codes.
 */
void
cbs_filter_where(struct cbs_buf *f, const struct cbs_conf *c,
    const struct cbs_series *s)
{
	size_t	 i;
	int	 v3 = c->api != CBS_V4;

	if (s->nregions > 0) {
		cbs_and(f);
		cbs_buf_add(f, "(");
		for (i = 0; i < s->nregions; i++) {
			cbs_buf_add(f, i > 0 ? " or " : "");
			cbs_buf_add(f, c->region_dim);
			cbs_buf_add(f, " eq ");
			cbs_buf_literal(f, v3 && s->regions[i].padded != NULL ?
			    s->regions[i].padded : s->regions[i].code);
		}
		cbs_buf_add(f, ")");
	}
	for (i = 0; i < s->nfilters; i++) {
		cbs_and(f);
		cbs_buf_add(f, s->filters[i].dim);
		cbs_buf_add(f, " eq ");
		cbs_buf_literal(f, v3 && s->filters[i].padded != NULL ?
		    s->filters[i].padded : s->filters[i].code);
	}
	cbs_period_clause(f, c, s->periods);
}

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
 * GET url and parse the body as JSON into *out (new, json_decref()).
 * what and page (0: not paged) name the request in messages.  0, or -1
 * logged (HTTP failures are logged by the host).
 */
int
cbs_get(struct cbs_run *run, const char *url, const char *what, size_t page,
    json_t **out)
{
	char			 where[32];

	struct rm_request	 req;
	struct rm_response	 resp;
	json_error_t		 jerr;

	*out = NULL;
	memset(&req, 0, sizeof(req));
	req.url = url;
	run->requests++;
	if (cbs_host->http_get(run->ctx, &req, &resp) != RM_OK) {
		cbs_host->response_free(&resp);
		return -1;
	}
	/* Integers as reals: a count past 2^63 must not fail the page. */
	*out = json_loadb(resp.body, resp.len, JSON_DECODE_INT_AS_REAL, &jerr);
	cbs_host->response_free(&resp);
	if (*out == NULL) {
		where[0] = '\0';
		if (page > 0)
			snprintf(where, sizeof(where), " page %zu", page);
		cbs_host->log(run->ctx, RM_LOG_ERR, "%s%s (%s): "
		    "invalid JSON at line %d, column %d: %s", what, where, url,
		    jerr.line, jerr.column, jerr.text);
		return -1;
	}
	return 0;
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

/*
 * Fetch url and the pages its nextLinks lead to, one page in memory at a
 * time, handing each page's "value" array to fn.  Stops with an error at
 * a page past the config's page_limit or at a nextLink that leads back to
 * a page already read.  what names the endpoint in messages.  0, or -1
 * logged.
 */
int
cbs_pages(struct cbs_run *run, const char *url, const char *what,
    cbs_rows_fn fn, void *arg)
{
	struct cbs_seen	 seen;
	json_t		*root = NULL, *rows;
	const char	*err;
	char		*cur, *next = NULL, shown[CBS_SHOWN + 8];
	size_t		 page, prev;
	int		 rc = -1;

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
		if (cbs_get(run, cur, what, page, &root) == -1)
			goto done;
		rows = json_object_get(root, "value");
		if ((err = cbs_odata_error(root)) != NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "the server answered with an error: %s", what,
			    page, cur, cbs_show(err, shown, sizeof(shown)));
			goto done;
		}
		if (!json_is_array(rows)) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "value: expected the array of rows of an OData "
			    "answer", what, page, cur);
			goto done;
		}
		if (cbs_next_link(run, root, cur, page, what, &next) == -1)
			goto done;
		if (fn(run, rows, cur, page, arg) == -1)
			goto done;
		json_decref(root);
		root = NULL;
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
	json_decref(root);
	free(cur);
	free(next);
	free(seen.h);
	return rc;
}
