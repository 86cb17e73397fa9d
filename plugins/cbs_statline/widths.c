/* SPDX-License-Identifier: ISC */
/*
 * widths.c: v3 dimension keys as the server writes them.  Every key of a
 * v3 dimension is padded with spaces to one width ("PV20  " next to
 * "GM0106"), and $filter must compare the padded key; the width is read
 * from the dimension's own list, which also shows whether a code exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/* One dimension's keys: the widest, and which wanted codes exist. */
struct cbs_dimscan {
	const char	*dim;
	size_t		 width;
	const char	**want;		/* trimmed codes */
	unsigned char	*found;
	size_t		 nwant;
};

static int
cbs_dim_rows(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	struct cbs_dimscan	*d = arg;
	const char		*key, *p;
	size_t			 i, k, n;
	json_t			*row;

	json_array_foreach(rows, i, row) {
		if ((key = json_string_value(json_object_get(row,
		    "Key"))) == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "value[%zu].Key: expected a string", d->dim, page,
			    url, first + i);
			return -1;
		}
		if (strlen(key) > d->width)
			d->width = strlen(key);
		cbs_trim(key, &p, &n);
		for (k = 0; k < d->nwant; k++)
			if (strlen(d->want[k]) == n &&
			    memcmp(d->want[k], p, n) == 0)
				d->found[k] = 1;
	}
	return 0;
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
 * One v3 dimension: read its keys, learn their width (v3 pads every key
 * of a dimension with spaces to the same width: "PV20  " next to
 * "GM0106"), check the codes the series ask for exist, and pad them.
 */
static int
cbs_width_one(struct cbs_run *run, const char *dim)
{
	struct cbs_conf		*c = run->conf;
	struct cbs_series	*s;
	struct cbs_dimscan	 d;
	struct cbs_buf		 b;
	char			*url = NULL, file[96];
	size_t			 i, j, k;
	int			 rc = -1;

	memset(&d, 0, sizeof(d));
	memset(&b, 0, sizeof(b));
	d.dim = dim;
	for (i = 0; i < c->nseries; i++)
		d.nwant += c->series[i].nregions + c->series[i].nfilters;
	d.want = calloc(d.nwant + 1, sizeof(*d.want));
	d.found = calloc(d.nwant + 1, 1);
	if (d.want == NULL || d.found == NULL)
		goto oom;
	d.nwant = 0;
	for (i = 0; i < c->nseries; i++) {
		s = &c->series[i];
		for (j = 0; strcmp(dim, c->region_dim) == 0 &&
		    j < s->nregions; j++)
			d.want[d.nwant++] = s->regions[j].code;
		for (j = 0; j < s->nfilters; j++)
			if (strcmp(s->filters[j].dim, dim) == 0)
				d.want[d.nwant++] = s->filters[j].code;
	}
	snprintf(file, sizeof(file), "codes-%s.json", dim);
	if ((url = cbs_url(c, dim, file)) == NULL)
		goto oom;
	if (!c->is_file) {
		cbs_buf_add(&b, url);
		cbs_url_param(&b, "$select", "Key");
		if (b.oom)
			goto oom;
		free(url);
		url = b.p;
		memset(&b, 0, sizeof(b));
	}
	if (cbs_pages(run, url, dim, NULL, cbs_dim_rows, NULL, &d) == -1)
		goto done;
	rc = 0;
	for (k = 0; k < d.nwant; k++) {
		if (d.found[k])
			continue;
		cbs_host->log(run->ctx, RM_LOG_ERR, "table %s: %s has no code "
		    "\"%s\" (a region or filter of the config)", c->table, dim,
		    d.want[k]);
		rc = -1;
	}
	for (i = 0; rc == 0 && i < c->nseries; i++) {
		s = &c->series[i];
		for (j = 0; strcmp(dim, c->region_dim) == 0 &&
		    j < s->nregions; j++)
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
	free(d.want);
	free(d.found);
	return rc;
}

/* v3: the key width of every dimension a series filters on.  0 or -1. */
int
cbs_widths(struct cbs_run *run)
{
	const struct cbs_conf	*c = run->conf;
	const struct cbs_series	*s, *t;
	size_t			 i, j, k, l;
	int			 regions = 0, dup;

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
