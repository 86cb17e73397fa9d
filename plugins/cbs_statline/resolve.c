/* SPDX-License-Identifier: ISC */
/*
 * resolve.c: a configured measure (key or title) made the key of the
 * table's current design, or refused with what would fix it: the close
 * titles, the closest keys, the candidates of an ambiguous title with
 * what tells them apart, or the note that v3 and v4 key differently.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cbs.h"

/* Titles compare trimmed and ignoring ASCII case: CBS pads some. */
static int
cbs_title_eq(const char *a, const char *b)
{
	const char	*pa, *pb;
	size_t		 la, lb;

	cbs_trim(a, &pa, &la);
	cbs_trim(b, &pb, &lb);
	return la == lb && strncasecmp(pa, pb, la) == 0;
}

static void
cbs_lower(const char *s, char *out, size_t len)
{
	size_t	 i;

	cbs_trim_copy(s, out, len);
	for (i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/*
 * The table's titles closest to want, for a message: those within a few
 * edits or containing it (or contained in it), nearest first, as
 * "\"Title\" (KEY)"; else a few of the table's titles.
 */
static void
cbs_close_titles(const struct cbs_items *it, const char *want,
    struct cbs_buf *b)
{
	size_t	 best[CBS_CLOSE_MAX], bestd[CBS_CLOSE_MAX], n = 0, i, j, d;
	size_t	 limit;
	char	 lw[CBS_TITLE_MAX + 1], lt[CBS_TITLE_MAX + 1];

	cbs_lower(want, lw, sizeof(lw));
	limit = strlen(lw) / 3 > 3 ? strlen(lw) / 3 : 3;
	for (i = 0; i < it->n; i++) {
		cbs_lower(it->v[i].title, lt, sizeof(lt));
		d = cbs_host->edit_distance(lw, lt);
		if (d > limit && (*lw == '\0' || *lt == '\0' ||
		    (strstr(lt, lw) == NULL && strstr(lw, lt) == NULL)))
			continue;
		for (j = n; j > 0 && bestd[j - 1] > d; j--) {
			if (j < CBS_CLOSE_MAX) {
				best[j] = best[j - 1];
				bestd[j] = bestd[j - 1];
			}
		}
		if (j < CBS_CLOSE_MAX) {
			best[j] = i;
			bestd[j] = d;
			if (n < CBS_CLOSE_MAX)
				n++;
		}
	}
	cbs_buf_add(b, n > 0 ? "close titles: " : "no title is close; the "
	    "table's measures include ");
	if (n == 0)
		for (i = 0; i < it->n && i < CBS_CLOSE_MAX; i++)
			best[n++] = i;
	for (i = 0; i < n; i++) {
		cbs_buf_add(b, i > 0 ? ", \"" : "\"");
		cbs_buf_add(b, it->v[best[i]].title);
		cbs_buf_add(b, "\" (");
		cbs_buf_add(b, it->v[best[i]].key);
		cbs_buf_add(b, ")");
	}
	if (n == 0)
		cbs_buf_add(b, "nothing (the table lists no measures)");
}

/*
 * The title of group id (a v3 TopicGroup, a v4 MeasureGroup), or the id
 * itself when the table's groups could not be read.
 */
static const char *
cbs_group_name(const struct cbs_items *it, const char *id)
{
	const char	*p, *q;
	size_t		 i, n, m;

	/* Trimmed: CBS pads some ids ("T001143 "). */
	cbs_trim(id, &p, &n);
	for (i = 0; i < it->ngroups; i++) {
		cbs_trim(it->groups[i].key, &q, &m);
		if (n == m && memcmp(p, q, n) == 0)
			return it->groups[i].title;
	}
	return id;
}

/*
 * Measure v as a candidate of an ambiguous title: its key with what tells
 * it apart, KEY (unit %, group "Werkloosheid").
 */
static void
cbs_candidate(const struct cbs_items *it, const struct cbs_item *v,
    struct cbs_buf *b)
{
	cbs_buf_add(b, v->key);
	cbs_buf_add(b, " (unit ");
	cbs_buf_add(b, v->unit != NULL ? v->unit : "none");
	cbs_buf_add(b, ", group ");
	if (v->group != NULL) {
		cbs_buf_add(b, "\"");
		cbs_buf_add(b, cbs_group_name(it, v->group));
		cbs_buf_add(b, "\"");
	} else
		cbs_buf_add(b, "none");
	cbs_buf_add(b, ")");
}

/*
 * 1 if key is written the way the other API form writes its keys: v4
 * keys are a code ("M001534", "D002308", "3000790_2"), v3 keys words
 * ("Werkloosheidspercentage_13"), so a key with a lower-case letter in a
 * v4 config, or one without in a v3 config, was likely copied across.
 */
static int
cbs_other_form(enum cbs_api api, const char *key)
{
	int	 lower = 0;

	for (; *key != '\0'; key++)
		lower |= *key >= 'a' && *key <= 'z';
	return api == CBS_V4 ? lower : !lower;
}

/* Resolve one configured measure.  0, or -1 logged. */
int
cbs_resolve(struct cbs_run *run, struct cbs_items *it,
    const struct cbs_series *s, const char *field, struct cbs_measure *m)
{
	const char	**keys, *hint;
	struct cbs_buf	 b;
	size_t		 i, found = 0, first = 0;

	memset(&b, 0, sizeof(b));
	/* An ambiguous title: its candidates are told apart by group. */
	if (m->key == NULL) {
		for (i = 0; i < it->n; i++)
			found += cbs_title_eq(it->v[i].title, m->title);
		if (found > 1)
			cbs_group_titles(run, it);
		found = 0;
	}
	if ((keys = calloc(it->n + 1, sizeof(*keys))) == NULL) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	for (i = 0; i < it->n; i++) {
		keys[i] = it->v[i].key;
		if (m->key != NULL ? strcmp(it->v[i].key, m->key) != 0 :
		    !cbs_title_eq(it->v[i].title, m->title))
			continue;
		if (found++ == 0) {
			first = i;
			continue;
		}
		if (found == 2)
			cbs_candidate(it, &it->v[first], &b);
		cbs_buf_add(&b, ", ");
		cbs_candidate(it, &it->v[i], &b);
	}
	if (found == 1) {
		free(keys);
		free(m->resolved);
		if ((m->resolved = strdup(it->v[first].key)) == NULL) {
			cbs_host->log(run->ctx, RM_LOG_ERR, "out of memory");
			return -1;
		}
		return 0;
	}
	if (found > 1) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu].%s: title "
		    "\"%s\" matches %zu measures of table %s: %s; give "
		    "\"measure\" with one of those keys instead", s->index,
		    field, m->title, found, run->conf->table,
		    b.oom ? "..." : b.p);
		cbs_buf_free(&b);
		free(keys);
		return -1;
	}
	if (m->key != NULL) {
		hint = cbs_host->did_you_mean(m->key, keys, it->n);
		cbs_closest(m->key, keys, it->n, CBS_CLOSE_MAX, &b);
		cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu].%s: measure "
		    "\"%s\" is not in table %s%s%s%s; closest keys: %s",
		    s->index, field, m->key, run->conf->table,
		    hint != NULL ? "; did you mean \"" : "",
		    hint != NULL ? hint : "", hint != NULL ? "\"?" : "",
		    b.oom || b.p == NULL ? "none (the table lists no "
		    "measures)" : b.p);
		if (cbs_other_form(run->conf->api, m->key))
			cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu].%s: "
			    "\"%s\" looks like a %s key, but \"api\" is "
			    "\"%s\": v3 and v4 key the same measure "
			    "differently; give \"measure_title\" instead, or "
			    "find the %s key with `regiomon describe "
			    "cbs_statline %s --api %s --other-base-url ...`",
			    s->index, field, m->key, run->conf->api == CBS_V4 ?
			    "v3" : "v4", cbs_api_name(run->conf->api),
			    run->conf->api == CBS_V4 ? "v4" : "v3",
			    run->conf->table, cbs_api_name(run->conf->api));
		cbs_buf_free(&b);
		free(keys);
		return -1;
	}
	free(keys);
	cbs_close_titles(it, m->title, &b);
	cbs_host->log(run->ctx, RM_LOG_ERR, "series[%zu].%s: no measure of "
	    "table %s is titled \"%s\" (was the table redesigned?); %s",
	    s->index, field, run->conf->table, m->title, b.oom ? "" : b.p);
	cbs_buf_free(&b);
	return -1;
}
