/* SPDX-License-Identifier: ISC */
/*
 * status.c: the status of every period of a table, from Perioden (v3) or
 * PeriodenCodes (v4): Voorlopig and NaderVoorlopig are provisional,
 * Definitief or no status final.  Kept sorted for a lookup per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

struct cbs_status_list {
	struct cbs_status	*v;
	size_t			 n, cap;
	size_t			 nstated;	/* rows with a Status */
};

/* Perioden (v3: Key) or PeriodenCodes (v4: Identifier) with Status. */
static int
cbs_status_rows(struct cbs_run *run, json_t *rows, const char *url,
    size_t page, size_t first, void *arg)
{
	struct cbs_status_list	*l = arg;
	struct cbs_status	*p;
	const json_t		*row, *st;
	const char		*code, *s;
	size_t			 i, cap;

	json_array_foreach(rows, i, row) {
		code = json_string_value(json_object_get(row,
		    run->conf->api == CBS_V4 ? "Identifier" : "Key"));
		if (code == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "%s page %zu (%s): "
			    "value[%zu].%s: expected a period code",
			    run->conf->period_dim, page, url, first + i,
			    run->conf->api == CBS_V4 ? "Identifier" : "Key");
			return -1;
		}
		if (l->n == l->cap) {
			cap = l->cap == 0 ? 128 : l->cap * 2;
			if ((p = reallocarray(l->v, cap, sizeof(*p))) == NULL) {
				cbs_host->log(run->ctx, RM_LOG_ERR,
				    "out of memory");
				return -1;
			}
			l->v = p;
			l->cap = cap;
		}
		p = &l->v[l->n];
		/* A code too long to be a period is kept out of the table. */
		if (cbs_trim_copy(code, p->code, sizeof(p->code)) == -1)
			continue;
		st = json_object_get(row, "Status");
		s = json_string_value(st);
		if (s != NULL && *s != '\0')
			l->nstated++;
		if (st == NULL || json_is_null(st) || (s != NULL &&
		    (*s == '\0' || strcmp(s, "Definitief") == 0)))
			p->provisional = 0;
		else if (s != NULL && (strcmp(s, "Voorlopig") == 0 ||
		    strcmp(s, "NaderVoorlopig") == 0))
			p->provisional = 1;
		else
			p->provisional = 2;	/* unknown: refused if used */
		l->n++;
	}
	return 0;
}

static int
cbs_status_cmp(const void *a, const void *b)
{
	const struct cbs_status	*x = a, *y = b;

	return strcmp(x->code, y->code);
}

/*
 * Read the status of every period: Definitief (or none) is final,
 * Voorlopig and NaderVoorlopig are provisional.  0, or -1 logged.
 */
int
cbs_statuses(struct cbs_run *run)
{
	const struct cbs_conf	*c = run->conf;
	struct cbs_status_list	 l;
	char			*url, entity[96], file[96];

	memset(&l, 0, sizeof(l));
	snprintf(entity, sizeof(entity), "%s%s", c->period_dim,
	    c->api == CBS_V4 ? "Codes" : "");
	snprintf(file, sizeof(file), "codes-%s.json", c->period_dim);
	if ((url = cbs_url(c, entity, file)) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	if (cbs_pages(run, url, entity, NULL, cbs_status_rows, NULL,
	    &l) == -1) {
		free(l.v);
		free(url);
		return -1;
	}
	free(url);
	/*
	 * A table whose periods carry no status at all (70072ned: Status
	 * null) says which years are provisional only in its prose: the
	 * figures go in as final, and the log says why rather than guess.
	 */
	if (l.n > 0 && l.nstated == 0)
		cbs_host->log(run->ctx, RM_LOG_NOTICE, "table %s gives no "
		    "period a status (%s: Status null): its figures are "
		    "stored as final, none marked provisional; the table "
		    "names provisional years only in its description",
		    c->table, entity);
	if (l.n > 0)
		qsort(l.v, l.n, sizeof(*l.v), cbs_status_cmp);
	free(run->status);
	run->status = l.v;
	run->nstatus = l.n;
	return 0;
}

/*
 * The status of period code (trimmed): 0 final (also for a period the
 * list does not name), 1 provisional, 2 a status we do not know.
 */
int
cbs_provisional(const struct cbs_run *run, const char *code)
{
	struct cbs_status	 key, *p;

	if (run->nstatus == 0 || cbs_trim_copy(code, key.code,
	    sizeof(key.code)) == -1)
		return 0;
	p = bsearch(&key, run->status, run->nstatus, sizeof(*run->status),
	    cbs_status_cmp);
	return p != NULL ? p->provisional : 0;
}
