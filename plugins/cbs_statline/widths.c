/* SPDX-License-Identifier: ISC */
/*
 * widths.c: the codes of the dimensions a config filters on, as the
 * table lists them (v3: the entity DIM, v4: DIMCodes).  Every region and
 * filter code asked for must be there: one missing is an error of its
 * series, with the closest codes.  v3 also pads every key of a dimension
 * with spaces to one width ("PV20  " next to "GM0106"), and $filter must
 * compare the padded key; the width is read from the same list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/* One dimension's codes as the table lists them, and their width. */
struct cbs_dimscan {
	const char	*dim;
	const char	*field;		/* "Key" (v3) or "Identifier" (v4) */
	size_t		 width;
	char		**codes;	/* trimmed */
	size_t		 ncodes, cap;
};

static int
cbs_dim_rows(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	struct cbs_dimscan	*d = arg;
	const char		*key, *p;
	char			**v;
	size_t			 i, n, cap;
	json_t			*row;

	json_array_foreach(rows, i, row) {
		if ((key = json_string_value(json_object_get(row,
		    d->field))) == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "value[%zu].%s: expected a string", d->dim, page,
			    url, first + i, d->field);
			return -1;
		}
		if (strlen(key) > d->width)
			d->width = strlen(key);
		if (d->ncodes == d->cap) {
			cap = d->cap == 0 ? 64 : d->cap * 2;
			if ((v = reallocarray(d->codes, cap,
			    sizeof(*v))) == NULL)
				goto oom;
			d->codes = v;
			d->cap = cap;
		}
		cbs_trim(key, &p, &n);
		if ((d->codes[d->ncodes] = strndup(p, n)) == NULL)
			goto oom;
		d->ncodes++;
	}
	return 0;
oom:
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
	return -1;
}

/* Pad s to width into *padded (new).  0, or -1 logged. */
static int
cbs_set_padded(struct cbs_run *run, const char *code, size_t width,
    char **padded)
{
	char	 buf[CBS_CODE_MAX + 1];

	if (cbs_pad(code, width, buf, sizeof(buf)) == -1) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "code \"%s\" does not fit "
		    "the key width %zu", code, width);
		return -1;
	}
	free(*padded);
	if ((*padded = strdup(buf)) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * A code of series s that dimension d of the table lacks: a config error
 * of that series, named with the catalog region (region: its id; NULL
 * for a filter) and the CBS code, with the table's closest codes.
 * Logged; -1.
 */
static int
cbs_code_missing(struct cbs_run *run, const struct cbs_dimscan *d,
    const struct cbs_series *s, const char *region, const char *code)
{
	struct cbs_buf	 b;
	const char	*hint;

	memset(&b, 0, sizeof(b));
	cbs_closest(code, (const char *const *)d->codes, d->ncodes,
	    CBS_CLOSE_MAX, &b);
	hint = cbs_host->did_you_mean(code, (const char *const *)d->codes,
	    d->ncodes);
	if (region != NULL)
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] %s: region "
		    "\"%s\" (CBS code \"%s\") is not in table %s: its %s has "
		    "no code \"%s\"; closest codes: %s (take the region out "
		    "of \"regions\", or use a table that has it)", s->index,
		    s->indicator, region, code, run->conf->table, d->dim, code,
		    b.oom || b.p == NULL ? "none" : b.p);
	else
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu] %s: "
		    "filters.%s: table %s has no code \"%s\"%s%s%s; closest "
		    "codes: %s", s->index, s->indicator, d->dim,
		    run->conf->table, code, hint != NULL ? "; did you mean "
		    "\"" : "", hint != NULL ? hint : "", hint != NULL ?
		    "\"?" : "", b.oom || b.p == NULL ? "none" : b.p);
	cbs_buf_free(&b);
	return -1;
}

static int
cbs_dim_has(const struct cbs_dimscan *d, const char *code)
{
	size_t	 i;

	for (i = 0; i < d->ncodes; i++)
		if (strcmp(d->codes[i], code) == 0)
			return 1;
	return 0;
}

/*
 * One dimension: read its codes (v3: the entity DIM, padded; v4:
 * DIMCodes), check every region and filter code the series ask for is
 * there, and (v3) learn the key width and pad the codes: v3 pads every
 * key of a dimension with spaces to one width ("PV20  " next to
 * "GM0106"), and $filter must compare the padded key.
 */
static int
cbs_width_one(struct cbs_run *run, const char *dim)
{
	struct cbs_conf		*c = run->conf;
	struct cbs_series	*s;
	struct cbs_dimscan	 d;
	struct cbs_buf		 b;
	char			*url = NULL, file[96], entity[96];
	size_t			 i, j;
	int			 rc = -1, v4 = c->api == CBS_V4, region;

	memset(&d, 0, sizeof(d));
	memset(&b, 0, sizeof(b));
	d.dim = dim;
	d.field = v4 ? "Identifier" : "Key";
	snprintf(file, sizeof(file), "codes-%s.json", dim);
	snprintf(entity, sizeof(entity), "%s%s", dim, v4 ? "Codes" : "");
	if ((url = cbs_url(c, entity, file)) == NULL)
		goto oom;
	if (!c->is_file) {
		cbs_buf_add(&b, url);
		cbs_url_param(&b, "$select", d.field);
		if (b.oom)
			goto oom;
		free(url);
		url = b.p;
		memset(&b, 0, sizeof(b));
	}
	if (cbs_pages(run, url, entity, NULL, cbs_dim_rows, NULL, &d) == -1)
		goto done;
	rc = 0;
	region = strcmp(dim, c->region_dim) == 0;
	for (i = 0; i < c->nseries; i++) {
		s = &c->series[i];
		for (j = 0; region && j < s->nregions; j++)
			if (!cbs_dim_has(&d, s->regions[j].code))
				rc = cbs_code_missing(run, &d, s,
				    s->regions[j].id, s->regions[j].code);
		for (j = 0; j < s->nfilters; j++)
			if (strcmp(s->filters[j].dim, dim) == 0 &&
			    !cbs_dim_has(&d, s->filters[j].code))
				rc = cbs_code_missing(run, &d, s, NULL,
				    s->filters[j].code);
	}
	for (i = 0; rc == 0 && !v4 && i < c->nseries; i++) {
		s = &c->series[i];
		for (j = 0; region && j < s->nregions; j++)
			if (cbs_set_padded(run, s->regions[j].code, d.width,
			    &s->regions[j].padded) == -1)
				rc = -1;
		for (j = 0; j < s->nfilters; j++)
			if (strcmp(s->filters[j].dim, dim) == 0 &&
			    cbs_set_padded(run, s->filters[j].code, d.width,
			    &s->filters[j].padded) == -1)
				rc = -1;
	}
	goto done;
oom:
	cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
done:
	cbs_buf_free(&b);
	free(url);
	for (i = 0; i < d.ncodes; i++)
		free(d.codes[i]);
	free(d.codes);
	return rc;
}

/*
 * The codes of every dimension a series filters on checked (and, v3,
 * their key width learnt).  A v4 source under a file: base is not
 * checked: a recording need not hold the code lists.  0 or -1.
 */
int
cbs_widths(struct cbs_run *run)
{
	const struct cbs_conf	*c = run->conf;
	const struct cbs_series	*s, *t;
	size_t			 i, j, k, l;
	int			 regions = 0, dup;

	if (c->api == CBS_V4 && c->is_file)
		return 0;
	for (i = 0; i < c->nseries; i++)
		regions |= c->series[i].nregions > 0;
	if (regions && cbs_width_one(run, c->region_dim) == -1)
		return -1;
	for (i = 0; i < c->nseries; i++) {
		s = &c->series[i];
		for (j = 0; j < s->nfilters; j++) {
			/* Each dimension once, at its first mention. */
			for (dup = 0, k = 0; k <= i && !dup; k++) {
				t = &c->series[k];
				for (l = 0; l < t->nfilters && !dup; l++) {
					if (k == i && l == j)
						break;
					dup = strcmp(t->filters[l].dim,
					    s->filters[j].dim) == 0;
				}
			}
			if (!dup && cbs_width_one(run, s->filters[j].dim) == -1)
				return -1;
		}
	}
	return 0;
}
