/* SPDX-License-Identifier: ISC */
/*
 * url.c: the URLs the cbs_statline plugin asks CBS for: endpoint paths,
 * or the recorded file names under a file: base, with percent-encoding
 * and quoted literals for $filter, built in a growable buffer.
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
 * filters (unless drop is CBS_DROP_FILTERS) and period types, joined by
 * "and".  v3 compares padded keys (set by cbs_widths()), v4 trimmed
 * codes.
 */
void
cbs_filter_where(struct cbs_buf *f, const struct cbs_conf *c,
    const struct cbs_series *s, int drop)
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
	for (i = 0; drop != CBS_DROP_FILTERS && i < s->nfilters; i++) {
		cbs_and(f);
		cbs_buf_add(f, s->filters[i].dim);
		cbs_buf_add(f, " eq ");
		cbs_buf_literal(f, v3 && s->filters[i].padded != NULL ?
		    s->filters[i].padded : s->filters[i].code);
	}
	cbs_period_clause(f, c, s->periods);
}
