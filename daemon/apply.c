/* SPDX-License-Identifier: ISC */
/*
 * apply.c: turning a successful run's spool into RRD files and state.
 * A spool is complete before it is applied, and applying is idempotent
 * (store_write compares before it writes), so a crash half-way through is
 * finished by applying the same spool again on the next start.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "regiomon.h"

struct entry {
	struct period	 period;
	double		 value;
	int		 provisional;
	size_t		 seq;		/* arrival order: the last one wins */
};

struct series {
	char		 indicator[ID_MAX];
	char		 region[ID_MAX];
	struct entry	*v;
	size_t		 n, cap;
};

struct batch {
	json_t		*index;		/* "ind/reg" -> position in v */
	struct series	*v;
	size_t		 n, cap;
	size_t		 seq;
};

static struct series *
batch_series(struct batch *b, const struct obs *ob)
{
	char		 key[2 * ID_MAX];
	json_t		*pos;
	struct series	*s;

	snprintf(key, sizeof(key), "%s/%s", ob->indicator, ob->region);
	if ((pos = json_object_get(b->index, key)) != NULL)
		return &b->v[json_integer_value(pos)];
	if (b->n == b->cap) {
		b->cap = b->cap == 0 ? 16 : b->cap * 2;
		if ((b->v = reallocarray(b->v, b->cap, sizeof(*b->v))) == NULL)
			fatal(NULL);
	}
	s = &b->v[b->n];
	memset(s, 0, sizeof(*s));
	strlcpy(s->indicator, ob->indicator, sizeof(s->indicator));
	strlcpy(s->region, ob->region, sizeof(s->region));
	json_object_set_new(b->index, key, json_integer((json_int_t)b->n));
	b->n++;
	return s;
}

static void
batch_add(struct batch *b, const struct obs *ob)
{
	struct series	*s = batch_series(b, ob);
	struct entry	*e;

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((s->v = reallocarray(s->v, s->cap, sizeof(*s->v))) == NULL)
			fatal(NULL);
	}
	e = &s->v[s->n++];
	e->period = ob->period;
	e->value = ob->missing ? NAN : ob->value;
	e->provisional = ob->provisional;
	e->seq = b->seq++;
}

static void
batch_free(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++)
		free(b->v[i].v);
	free(b->v);
	json_decref(b->index);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int		 c = period_cmp(&x->period, &y->period);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Read a spool into b.  0, or -1 (logged) naming the line. */
static int
batch_read(struct batch *b, const char *path)
{
	FILE		*fp;
	char		*line = NULL, err[256];
	size_t		 cap = 0, lineno = 0;
	json_error_t	 jerr;
	json_t		*o;
	struct obs	 ob;
	int		 rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	while (getline(&line, &cap, fp) != -1) {
		lineno++;
		o = json_loads(line, 0, &jerr);
		if (o == NULL || obs_from_json(o, &ob, err, sizeof(err)) == -1) {
			log_errx("%s:%zu: %s", path, lineno,
			    o == NULL ? jerr.text : err);
			json_decref(o);
			rc = -1;
			break;
		}
		json_decref(o);
		batch_add(b, &ob);
	}
	free(line);
	fclose(fp);
	return rc;
}

/* The periods of s marked provisional, merged into the series' state. */
static void
state_update_series(json_t *ss, const struct series *s,
    const char *source, int changed)
{
	json_t	*prov, *nprov, *v;
	char	 per[PERIOD_MAX];
	size_t	 i, k;
	int	 seen;

	prov = json_object_get(ss, "provisional");
	nprov = json_array();
	/* Keep old marks for periods this run did not mention. */
	json_array_foreach(prov, k, v) {
		struct period p;

		if (period_parse(json_string_value(v), &p) == -1)
			continue;
		for (seen = 0, i = 0; i < s->n && !seen; i++)
			seen = period_cmp(&p, &s->v[i].period) == 0;
		if (!seen)
			json_array_append(nprov, v);
	}
	for (i = 0; i < s->n; i++) {
		if (!s->v[i].provisional)
			continue;
		period_format(&s->v[i].period, per, sizeof(per));
		json_array_append_new(nprov, json_string(per));
	}
	json_object_set_new(ss, "provisional", nprov);
	json_object_set_new(ss, "source", json_string(source));
	if (changed) {
		json_object_set_new(ss, "updated",
		    json_integer((json_int_t)time(NULL)));
		json_object_set_new(ss, "fresh", json_true());
	}
}

/*
 * Sort, drop duplicate periods (the last one sent wins) and write one
 * series.  1 if the file changed, 0 if not, -1 on failure (logged).
 */
static int
apply_series(struct regiomon *rm, struct series *s, const char *source)
{
	const struct indicator	*ind;
	struct point		*pts;
	size_t			 i, n = 0;
	int			 changed = 0;

	ind = catalog_indicator(rm->catalog, s->indicator);
	if (ind == NULL) {
		log_errx("%s: indicator %s is no longer in the catalog",
		    source, s->indicator);
		return -1;
	}
	qsort(s->v, s->n, sizeof(*s->v), entry_cmp);
	for (i = 0; i < s->n; i++) {
		if (n > 0 && period_cmp(&s->v[n - 1].period,
		    &s->v[i].period) == 0)
			n--;
		s->v[n++] = s->v[i];
	}
	s->n = n;
	if ((pts = calloc(n, sizeof(*pts))) == NULL) {
		log_err("%s", source);
		return -1;
	}
	for (i = 0; i < n; i++) {
		pts[i].period = s->v[i].period;
		pts[i].value = s->v[i].value;
	}
	if (store_write(rm->conf->state_dir, s->indicator, s->region,
	    ind->freq, pts, n, &changed) == -1) {
		free(pts);
		return -1;
	}
	free(pts);
	state_update_series(state_series(rm->state, s->indicator, s->region),
	    s, source, changed);
	return changed;
}

/*
 * Apply the spool at path, written by a successful run of source.  Every
 * series is tried even when one fails.  Returns the number of series whose
 * file changed, or -1 if any failed (logged).
 */
int
apply_spool(struct regiomon *rm, const char *source, const char *path)
{
	struct batch	 b;
	size_t		 i;
	int		 r, nchanged = 0, failed = 0;

	memset(&b, 0, sizeof(b));
	b.index = json_object();
	if (batch_read(&b, path) == -1) {
		batch_free(&b);
		return -1;
	}
	for (i = 0; i < b.n; i++) {
		if ((r = apply_series(rm, &b.v[i], source)) == -1)
			failed = 1;
		else
			nchanged += r;
	}
	batch_free(&b);
	return failed ? -1 : nchanged;
}

/* The spool paths of source: the one being written, and the complete one. */
char *
spool_path(const struct conf *conf, const char *source, int complete)
{
	char	*p;

	xasprintf(&p, "%s/spool/%s.jsonl%s", conf->state_dir, source,
	    complete ? "" : ".part");
	return p;
}

/*
 * Finish what a crash interrupted: apply every complete spool left in
 * STATE/spool and remove it; remove partial ones (their run failed).
 * 0, or -1 if a spool could not be applied (it is kept for next time).
 */
int
apply_pending(struct regiomon *rm)
{
	char		*dir, *path;
	DIR		*d;
	struct dirent	*de;
	size_t		 len;
	int		 rc = 0;

	xasprintf(&dir, "%s/spool", rm->conf->state_dir);
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.')
			continue;
		path = path_join(dir, de->d_name);
		if (len > 5 && strcmp(de->d_name + len - 5, ".part") == 0) {
			unlink(path);
		} else if (len > 6 &&
		    strcmp(de->d_name + len - 6, ".jsonl") == 0) {
			de->d_name[len - 6] = '\0';
			log_notice("applying the spool of %s left by an "
			    "interrupted run", de->d_name);
			if (apply_spool(rm, de->d_name, path) == -1)
				rc = -1;
			else
				unlink(path);
		}
		free(path);
	}
	closedir(d);
	free(dir);
	return rc;
}
