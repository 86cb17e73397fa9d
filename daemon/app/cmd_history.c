/* SPDX-License-Identifier: ISC */
/*
 * cmd_history.c: `regiomon history INDICATOR/REGION [--json]` (or
 * INDICATOR REGION), the stored series period by period, read back from
 * its RRD file, as text or as one JSON document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "app/app.h"
#include "app/cmd.h"

/*
 * The series the arguments name, INDICATOR/REGION or INDICATOR REGION,
 * into ind and reg, and --json.  0, or EXIT_USAGE after saying why.
 */
static int
history_args(const struct catalog *cat, int argc, char **argv, char *ind,
    char *reg, int *json)
{
	const char	*pos[2];
	char		 both[2 * ID_MAX + 1];
	int		 i, n = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (argv[i][0] == '-' || n == 2) {
			out_printf(stderr, "regiomon: history: unexpected "
			    "argument \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		} else
			pos[n++] = argv[i];
	}
	if (n == 0) {
		out_printf(stderr, "regiomon: history: INDICATOR/REGION is "
		    "required\n");
		return EXIT_USAGE;
	}
	/* INDICATOR REGION is INDICATOR/REGION, checked the one way. */
	if (n == 2) {
		if (strchr(pos[0], '/') != NULL ||
		    strchr(pos[1], '/') != NULL) {
			out_printf(stderr, "regiomon: history: expected "
			    "INDICATOR/REGION or INDICATOR REGION, got \"%s "
			    "%s\"\n", pos[0], pos[1]);
			return EXIT_USAGE;
		}
		snprintf(both, sizeof(both), "%s/%s", pos[0], pos[1]);
		pos[0] = both;
	}
	if (cmd_series(cat, "history", pos[0], 1, ind, reg) == -1)
		return EXIT_USAGE;
	return 0;
}

/* The points as {"period", "value" (null: unknown), "provisional"}. */
static int
print_json(const struct indicator *ind, const char *reg,
    const struct point *pts, size_t n, const json_t *series)
{
	json_t	*doc, *arr, *p;
	char	 per[PERIOD_MAX];
	size_t	 i;

	doc = json_pack("{s:s, s:s, s:s, s:s, s:[]}", "indicator", ind->id,
	    "region", reg, "title", ind->title, "unit", ind->unit, "points");
	if (doc == NULL)
		goto oom;
	arr = json_object_get(doc, "points");
	for (i = 0; i < n; i++) {
		period_format(&pts[i].period, per, sizeof(per));
		p = json_pack("{s:s, s:o, s:b}", "period", per, "value",
		    isnan(pts[i].value) ? json_null() :
		    json_real(pts[i].value), "provisional",
		    state_provisional(series, per));
		if (json_array_append_new(arr, p) == -1) {
			json_decref(doc);
			goto oom;
		}
	}
	if (cmd_print_json(doc) == -1)
		goto oom;
	return 0;
oom:
	log_errx("history: out of memory");
	return 1;
}

int
cmd_history(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	const struct indicator	*ind;
	struct point		*pts = NULL;
	json_t			*series;
	char			 per[PERIOD_MAX], val[32], key[2 * ID_MAX];
	char			 id[ID_MAX], reg[ID_MAX];
	size_t			 i, n = 0;
	int			 json = 0, rc;

	(void)o;
	if ((rc = history_args(rm->catalog, argc, argv, id, reg,
	    &json)) != 0)
		return rc;
	ind = catalog_indicator(rm->catalog, id);
	if (store_read(rm->conf->state_dir, id, reg, ind->freq, &pts,
	    &n) == -1)
		return 1;
	if (n == 0) {
		out_printf(stderr, "regiomon: history: nothing stored "
		    "for %s/%s yet\n", id, reg);
		free(pts);
		return 1;
	}
	snprintf(key, sizeof(key), "%s/%s", id, reg);
	series = json_object_get(json_object_get(rm->state, "series"), key);
	if (json) {
		rc = print_json(ind, reg, pts, n, series);
		free(pts);
		return rc != 0 ? rc : fflush(stdout) == EOF ? 1 : 0;
	}
	out_printf(stdout, "# %s (%s), %s\n", ind->title, ind->unit, reg);
	for (i = 0; i < n; i++) {
		period_format(&pts[i].period, per, sizeof(per));
		if (isnan(pts[i].value))
			strlcpy(val, "-", sizeof(val));
		else
			fmt_double(val, sizeof(val), pts[i].value);
		out_printf(stdout, "%-8s %16s%s\n", per, val,
		    state_provisional(series, per) ? "  provisional" : "");
	}
	free(pts);
	return 0;
}
