/* SPDX-License-Identifier: ISC */
/*
 * orphans.c: the series files that no configured source feeds any more,
 * so that `status` and `sources` can name them with the `forget` command
 * that removes them: a file whose indicator or region the catalog no
 * longer has (an indicator renamed), or whose last source is gone from
 * the config or disabled.  Set-aside files (.corrupt, .from-SOURCE) are
 * kept on purpose and are not orphans.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "app/app.h"
#include "app/cmd.h"

/* Why ind/reg is an orphan, into why; 0 if a configured source feeds it. */
static int
orphan_why(struct regiomon *rm, const char *ind, const char *reg,
    char *why, size_t size)
{
	const struct source	*src;
	const char		*last;

	if (catalog_indicator(rm->catalog, ind) == NULL) {
		snprintf(why, size, "indicator %s is not in the catalog "
		    "(renamed or removed)", ind);
		return 1;
	}
	if (catalog_region(rm->catalog, reg) == NULL) {
		snprintf(why, size, "region %s is not in the catalog", reg);
		return 1;
	}
	if ((last = state_series_source(rm->state, ind, reg)) == NULL)
		return 0;	/* stored before sources were noted */
	if ((src = conf_source(rm->conf, last)) == NULL) {
		snprintf(why, size, "its source %s is no longer in the "
		    "config", last);
		return 1;
	}
	if (!src->enabled) {
		snprintf(why, size, "its source %s is disabled", last);
		return 1;
	}
	return 0;
}

/* The orphans among the files of STATE/rrd/ind/, appended to a. */
static void
orphans_of(struct regiomon *rm, const char *dir, const char *ind, json_t *a)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 reg[ID_MAX], why[256], *key;
	size_t		 n;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n <= 4 || strcmp(de->d_name + n - 4, ".rrd") != 0 ||
		    n - 4 >= sizeof(reg))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(st.st_mode))
			continue;
		memcpy(reg, de->d_name, n - 4);
		reg[n - 4] = '\0';
		if (!id_valid(reg) || !orphan_why(rm, ind, reg, why,
		    sizeof(why)))
			continue;
		xasprintf(&key, "%s/%s", ind, reg);
		json_array_append_new(a, json_pack("{s:s, s:s}", "series",
		    key, "why", why));
		free(key);
	}
	closedir(d);
}

static int
by_series(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a,
	    "series")), json_string_value(json_object_get(*(json_t *const *)b,
	    "series")));
}

/*
 * The orphaned series files of rm's state directory, sorted: an array
 * of {series, why}.  New.
 */
json_t *
orphans_doc(struct regiomon *rm)
{
	struct dirent	*de;
	DIR		*d;
	json_t		*a, *sorted, **v;
	char		*top, *dir;
	size_t		 i, n;

	if ((a = json_array()) == NULL)
		fatal(NULL);
	xasprintf(&top, "%s/rrd", rm->conf->state_dir);
	if ((d = opendir(top)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!id_valid(de->d_name))
				continue;
			dir = path_join(top, de->d_name);
			orphans_of(rm, dir, de->d_name, a);
			free(dir);
		}
		closedir(d);
	}
	free(top);
	/* readdir's order is the filesystem's: sort for people and tests. */
	n = json_array_size(a);
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_array_get(a, i);
	qsort(v, n, sizeof(*v), by_series);
	if ((sorted = json_array()) == NULL)
		fatal(NULL);
	for (i = 0; i < n; i++)
		json_array_append(sorted, v[i]);
	free(v);
	json_decref(a);
	return sorted;
}

/* The orphans as text after a table, with the command that removes one. */
void
orphans_print(FILE *fp, const json_t *doc)
{
	const json_t	*o;
	size_t		 i;

	if (json_array_size(doc) == 0)
		return;
	out_printf(fp, "\n%zu series no configured source feeds (`regiomon "
	    "forget SERIES` removes one):\n", json_array_size(doc));
	json_array_foreach(doc, i, o)
		out_printf(fp, "  %s: %s\n", json_string_value(json_object_get(
		    o, "series")), json_string_value(json_object_get(o,
		    "why")));
}
