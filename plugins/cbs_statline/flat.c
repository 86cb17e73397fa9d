/* SPDX-License-Identifier: ISC */
/*
 * flat.c: the rows of a data page read in place.  A TypedDataSet row is
 * an object of scalars ({"ID": 0, "RegioS": "PV20  ", "Perioden":
 * "2020JJ00", "Kenmerk_1": 4.4}); building a jansson tree for each one
 * (a hash table, a key copy and a value object per column) was half of
 * the plugin's time on a large table.  Here a row becomes cells that
 * point into the page's text.  The scanner takes only what it can read
 * exactly as jansson would: ASCII strings without escapes, JSON numbers
 * (strtod, as jansson), null, true and false.  A row with anything else
 * (an escape, a byte over 0x7f, a nested value) is parsed by jansson on
 * its own, its cells pointing into its tree; a row jansson cannot read
 * either ends the rows, and the page is parsed whole from there, for
 * jansson's message about it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/* Room for one more cell and one more row start.  0, or -1. */
static int
cbs_flat_grow(struct cbs_flat *f)
{
	void	*p;
	size_t	 n;

	if (f->ncells == f->cellcap) {
		n = f->cellcap == 0 ? 64 : f->cellcap * 2;
		if ((p = realloc(f->cells, n * sizeof(*f->cells))) == NULL)
			return -1;
		f->cells = p;
		f->cellcap = n;
	}
	if (f->nrows + 2 > f->rowcap) {
		n = f->rowcap == 0 ? 64 : f->rowcap * 2;
		if ((p = realloc(f->start, n * sizeof(*f->start))) == NULL)
			return -1;
		f->start = p;
		f->start[0] = 0;
		if ((p = realloc(f->tree, n * sizeof(*f->tree))) == NULL)
			return -1;
		f->tree = p;
		f->rowcap = n;
	}
	return 0;
}

/* Drop the trees of rows from up to to. */
static void
cbs_flat_drop(struct cbs_flat *f, size_t from, size_t to)
{
	for (; from < to; from++)
		json_decref(f->tree[from]);
}

void
cbs_flat_free(struct cbs_flat *f)
{
	if (f->tree != NULL)
		cbs_flat_drop(f, 0, f->nrows);
	free(f->cells);
	free(f->start);
	free(f->tree);
	memset(f, 0, sizeof(*f));
}

/* No rows (and no trees: only cbs_flat_rows() owns any), memory kept. */
void
cbs_flat_clear(struct cbs_flat *f)
{
	f->ncells = 0;
	f->nrows = 0;
}

/*
 * Past the string whose '"' is at p, its characters in *s and *n; NULL
 * if it ends the scan (see above) or does not end.
 */
static const char *
cbs_flat_string(const char *p, const char *end, const char **s, size_t *n)
{
	const char	*q;

	for (q = ++p; q < end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e ||
		    *q == '\\')
			return NULL;
	if (q == end)
		return NULL;
	*s = p;
	*n = (size_t)(q - p);
	return q + 1;
}

static const char *
cbs_flat_digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/*
 * Past the JSON number at p, its value in *v; NULL if it is not one
 * (jansson's grammar: no leading zeros, no bare '.', an exponent with
 * digits) or overflows, which jansson refuses too.
 */
static const char *
cbs_flat_number(const char *p, const char *end, double *v)
{
	const char	*q = p, *d;
	char		*e;

	if (q < end && *q == '-')
		q++;
	if (q < end && *q == '0')
		q++;
	else if ((d = cbs_flat_digits(q, end)) == q)
		return NULL;
	else
		q = d;
	if (q < end && *q == '.') {
		if ((d = cbs_flat_digits(q + 1, end)) == q + 1)
			return NULL;
		q = d;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if ((d = cbs_flat_digits(q, end)) == q)
			return NULL;
		q = d;
	}
	/* strtod must stop where the grammar does: p is inside a page. */
	if (q == end)
		return NULL;
	errno = 0;
	*v = strtod(p, &e);
	if (e != q || (errno == ERANGE && isinf(*v)))
		return NULL;
	return q;
}

/* Past the literal word at p, if p starts with it; else NULL. */
static const char *
cbs_flat_word(const char *p, const char *end, const char *word)
{
	size_t	 n = strlen(word);

	if ((size_t)(end - p) < n || memcmp(p, word, n) != 0)
		return NULL;
	return p + n;
}

/* Past the value at p, read into c; NULL if it ends the scan. */
static const char *
cbs_flat_value(const char *p, const char *end, struct cbs_cell *c)
{
	c->text = NULL;
	c->len = 0;
	c->num = 0;
	switch (*p) {
	case '"':
		c->kind = CBS_CELL_STRING;
		return cbs_flat_string(p, end, &c->text, &c->len);
	case 'n':
		c->kind = CBS_CELL_NULL;
		return cbs_flat_word(p, end, "null");
	case 't':
		c->kind = CBS_CELL_TRUE;
		return cbs_flat_word(p, end, "true");
	case 'f':
		c->kind = CBS_CELL_FALSE;
		return cbs_flat_word(p, end, "false");
	default:
		c->kind = CBS_CELL_NUMBER;
		return cbs_flat_number(p, end, &c->num);
	}
}

/*
 * Read the row object at *p (before end) as one more row of f, *p then
 * past it.  1, 0 if the row is not one the scanner takes (f and *p as
 * they were), -1 out of memory.
 */
int
cbs_flat_scan(struct cbs_flat *f, const char **pp, const char *end)
{
	const char	*p = *pp;
	struct cbs_cell	*c;
	size_t		 first = f->ncells;

	if (cbs_flat_grow(f) == -1)
		return -1;
	if (p == end || *p != '{')
		return 0;
	p = cbs_skip_ws(p + 1, end);
	if (p < end && *p == '}')
		goto done;
	for (;;) {
		if (cbs_flat_grow(f) == -1) {
			f->ncells = first;
			return -1;
		}
		c = &f->cells[f->ncells];
		if (p == end || *p != '"' ||
		    (p = cbs_flat_string(p, end, &c->key, &c->klen)) == NULL)
			break;
		p = cbs_skip_ws(p, end);
		if (p == end || *p != ':')
			break;
		p = cbs_skip_ws(p + 1, end);
		if (p == end || (p = cbs_flat_value(p, end, c)) == NULL)
			break;
		f->ncells++;
		p = cbs_skip_ws(p, end);
		if (p < end && *p == ',')
			p = cbs_skip_ws(p + 1, end);
		else if (p < end && *p == '}')
			goto done;
		else
			break;
	}
	f->ncells = first;
	return 0;
done:
	f->tree[f->nrows] = NULL;
	f->start[++f->nrows] = f->ncells;
	*pp = p + 1;
	return 1;
}

/*
 * The row object o as one more row of f; its cells point into o.  Keys
 * and strings as jansson holds them (a string up to its first NUL, as
 * the C code reading it always saw it).  0, or -1 out of memory.
 */
int
cbs_flat_add_json(struct cbs_flat *f, const json_t *o)
{
	struct cbs_cell	*c;
	const json_t	*v;
	void		*it;

	if (cbs_flat_grow(f) == -1)
		return -1;
	for (it = json_object_iter((json_t *)o); it != NULL;
	    it = json_object_iter_next((json_t *)o, it)) {
		if (cbs_flat_grow(f) == -1)
			return -1;
		c = &f->cells[f->ncells];
		v = json_object_iter_value(it);
		c->key = json_object_iter_key(it);
		c->klen = json_object_iter_key_len(it);
		c->text = NULL;
		c->len = 0;
		c->num = 0;
		if (json_is_string(v)) {
			c->kind = CBS_CELL_STRING;
			c->text = json_string_value(v);
			c->len = strlen(c->text);
		} else if (json_is_number(v)) {
			c->kind = CBS_CELL_NUMBER;
			c->num = json_number_value(v);
		} else if (json_is_null(v))
			c->kind = CBS_CELL_NULL;
		else if (json_is_true(v))
			c->kind = CBS_CELL_TRUE;
		else if (json_is_false(v))
			c->kind = CBS_CELL_FALSE;
		else
			c->kind = CBS_CELL_OTHER;
		f->ncells++;
	}
	f->tree[f->nrows] = NULL;
	f->start[++f->nrows] = f->ncells;
	return 0;
}

/*
 * The row at *pp that the scanner does not take, parsed by jansson on
 * its own, as one more row of f that keeps its tree; *pp then past it.
 * 1, 0 if it is not a JSON object, -1 out of memory.
 */
static int
cbs_flat_parse(struct cbs_flat *f, const char **pp, const char *end)
{
	json_error_t	 jerr;
	json_t		*o;

	o = json_loadb(*pp, (size_t)(end - *pp), JSON_DISABLE_EOF_CHECK |
	    JSON_DECODE_INT_AS_REAL, &jerr);
	if (!json_is_object(o)) {
		json_decref(o);
		return 0;
	}
	if (cbs_flat_add_json(f, o) == -1) {
		json_decref(o);
		return -1;
	}
	f->tree[f->nrows - 1] = o;
	*pp += jerr.position;
	return 1;
}

/*
 * The cell of column col in row r, or NULL.  The last one if a key
 * comes twice: jansson keeps the last.
 */
const struct cbs_cell *
cbs_flat_get(const struct cbs_flat *f, size_t r, const char *col)
{
	const struct cbs_cell	*c;
	size_t			 n = strlen(col), i;

	for (i = f->start[r + 1]; i > f->start[r]; i--) {
		c = &f->cells[i - 1];
		if (c->klen == n && memcmp(c->key, col, n) == 0)
			return c;
	}
	return NULL;
}

/* 1 if rows x and y hold the same value in column cut (not NULL). */
static int
cbs_flat_same(const struct cbs_flat *f, size_t x, size_t y, const char *cut)
{
	const struct cbs_cell	*u, *v;

	u = cbs_flat_get(f, x, cut);
	v = cbs_flat_get(f, y, cut);
	if (u == NULL || v == NULL)
		return u == v;
	if (u->kind != v->kind)
		return 0;
	if (u->kind == CBS_CELL_NUMBER)
		return u->num == v->num;
	if (u->kind == CBS_CELL_STRING)
		return u->len == v->len && memcmp(u->text, v->text,
		    u->len) == 0;
	return u->kind != CBS_CELL_OTHER;
}

/* Hand all rows of f but the last n (0 or 1) to fn, and keep those. */
static int
cbs_flat_flush(struct cbs_run *run, struct cbs_flat *f, size_t keep,
    const char *url, size_t page, cbs_flat_fn fn, void *arg, size_t *done)
{
	size_t	 from, n;

	f->nrows -= keep;
	if (fn(run, f, url, page, *done, arg) == -1) {
		f->nrows += keep;
		return -1;
	}
	*done += f->nrows;
	cbs_flat_drop(f, 0, f->nrows);
	if (keep > 0)
		f->tree[0] = f->tree[f->nrows];
	from = f->start[f->nrows];
	n = f->ncells - from;
	memmove(f->cells, f->cells + from, n * sizeof(*f->cells));
	f->ncells = n;
	f->nrows = keep;
	f->start[keep] = n;
	return 0;
}

/*
 * Hand the rows in body[a..b] (the '[' and ']' of a page's "value") to
 * fn, CBS_CHUNK or a few more at a time: a chunk ends only where column
 * cut (unless NULL) changes, as in cbs_pages().  *done counts the rows
 * handed over.  0, -1 when fn stops, or 1 when a row is not a JSON
 * object: the caller parses the page from row *done on.
 */
int
cbs_flat_rows(struct cbs_run *run, const char *body, size_t a, size_t b,
    const char *url, size_t page, const char *cut, cbs_flat_fn fn,
    void *arg, size_t *done)
{
	struct cbs_flat	 f;
	const char	*p, *end = body + b;
	int		 rc = 0;

	memset(&f, 0, sizeof(f));
	*done = 0;
	if (cbs_flat_grow(&f) == -1) {
		cbs_flat_free(&f);
		return 1;
	}
	for (p = cbs_skip_ws(body + a + 1, end); p < end && rc == 0;) {
		if ((rc = cbs_flat_scan(&f, &p, end)) == 0)
			rc = cbs_flat_parse(&f, &p, end);
		if (rc != 1) {
			rc = 1;
			break;
		}
		rc = 0;
		p = cbs_skip_ws(p, end);
		if (p < end && (*p != ',' ||
		    (p = cbs_skip_ws(p + 1, end)) == end))
			rc = 1;
		else if (f.nrows > CBS_CHUNK && (cut == NULL ||
		    !cbs_flat_same(&f, f.nrows - 2, f.nrows - 1, cut)))
			rc = cbs_flat_flush(run, &f, 1, url, page, fn, arg,
			    done);
	}
	/* The rest; a page without rows is still a page to fn. */
	if (rc == 0 && (f.nrows > 0 || *done == 0))
		rc = cbs_flat_flush(run, &f, 0, url, page, fn, arg, done);
	cbs_flat_free(&f);
	return rc;
}
