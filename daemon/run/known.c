/* SPDX-License-Identifier: ISC */
/*
 * known.c: what a series' state knows of its file, so that a source
 * without a modification stamp, which sends every series every run, does
 * not have each file read back to be compared.  The state keeps the
 * digest of the points last given (series_digest()) with the stamp of
 * the file (store_stamp()): the same points again and the same stamp are
 * no change, the file not opened; the same points and newer ones after
 * them, into a file that holds exactly those points, are appended
 * without reading the file first.  Anything else is compared with the
 * file, as before (store_write(), apply.c).  See doc/storage.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "run/run.h"
#include "run/run_private.h"

/*
 * What the state of s says of its points pts (s->n of them, whose digest
 * is s->digest) without opening its file.  The state keeps "DIGEST N
 * LAST exact|more STAMP": the digest of the points last given, how many
 * and the last one's period, whether the file holds exactly those
 * ("more": maybe others too), and the stamp of the file (its inode, size
 * and times) after the commit that stored them or the compare that found
 * them (known_stamp()).  KNOWN_SAME if pts are those points and the file
 * has the same stamp; KNOWN_NEWER if the first *k of pts are, the file
 * holds exactly them, and the rest are newer: appended without reading
 * the file.  Any doubt (no such state, another digest, a file changed,
 * replaced or gone since) is KNOWN_NOT: store_write() compares with the
 * file, as it always did.
 */
int
known_check(struct regiomon *rm, const struct series *s,
    const struct point *pts, size_t *k)
{
	struct period	 lp;
	const char	*had, *p, *q;
	char		 stamp[STORE_STAMP_MAX], last[PERIOD_MAX], *d;
	size_t		 len, i;
	int		 r = KNOWN_NOT;

	if (env_long("REGIOMON_NO_DIGEST", 0, 1, 0) == 1)
		return KNOWN_NOT;
	had = json_string_value(json_object_get(state_series_get(rm->state,
	    s->indicator, s->region), "stored"));
	/* The third word, LAST: the points up to it are the known ones. */
	if (had == NULL || (p = strchr(had, ' ')) == NULL ||
	    (p = strchr(p + 1, ' ')) == NULL || (q = strchr(p + 1, ' ')) ==
	    NULL || (size_t)(q - p - 1) >= sizeof(last))
		return KNOWN_NOT;
	memcpy(last, p + 1, (size_t)(q - p - 1));
	last[q - p - 1] = '\0';
	if (period_parse(last, &lp) == -1)
		return KNOWN_NOT;
	for (i = 0; i < s->n && period_cmp(&pts[i].period, &lp) <= 0; i++)
		;
	*k = i;
	d = i == s->n ? s->digest : series_digest(pts, i);
	len = strlen(d);
	if (i > 0 && strncmp(had, d, len) == 0 && had[len] == ' ') {
		q = had + len + 1;
		if ((i == s->n || strncmp(q, "exact ", 6) == 0) &&
		    (q = strchr(q, ' ')) != NULL &&
		    store_stamp(rm->conf->state_dir, s->indicator, s->region,
		    stamp, sizeof(stamp)) == 0 && strcmp(q + 1, stamp) == 0)
			r = i == s->n ? KNOWN_SAME : KNOWN_NEWER;
	}
	if (d != s->digest)
		free(d);
	return r;
}

/*
 * Append the points of s after the first k, which its file holds exactly
 * (KNOWN_NEWER), without reading the file.  0 with *changed, 1 if that
 * cannot be done (store_write() then), -1 or STORE_REFUSED (logged).
 */
int
known_append(struct regiomon *rm, const struct series *s,
    const struct indicator *ind, const struct point *pts, size_t k,
    int *changed)
{
	size_t	 i;

	/* The file's first period: that of its first value. */
	for (i = 0; i < k && isnan(pts[i].value); i++)
		;
	return store_append(rm->conf->state_dir, s->indicator, s->region,
	    ind->freq, &pts[i < k ? i : 0].period, &pts[k - 1].period,
	    pts + k, s->n - k, changed);
}

/*
 * The spool is stored (the batch committed, every file durable): keep in
 * each series' state the digest of the points it was given with the
 * stamp of its file as it is now, for known_check() in the next run.  A
 * series known unchanged keeps what it has.  A file rrdcached appended
 * to is not stamped, since rrdcached writes it later: the next run
 * compares, and stamps it then.
 */
void
known_stamp(struct regiomon *rm, const struct sindex *x)
{
	const struct series	*s;
	char			 stamp[STORE_STAMP_MAX], *v;
	size_t			 i;

	for (i = 0; i < x->n; i++) {
		s = &x->v[i];
		if (s->digest == NULL || s->known || (!s->applied &&
		    !s->ahead) || (s->changed && rm->conf->rrdcached != NULL))
			continue;
		if (store_stamp(rm->conf->state_dir, s->indicator, s->region,
		    stamp, sizeof(stamp)) != 0)
			continue;
		xasprintf(&v, "%s %s %s", s->digest, s->exact ? "exact" :
		    "more", stamp);
		json_object_set_new(state_series(rm->state, s->indicator,
		    s->region), "stored", json_string(v));
		free(v);
	}
}
