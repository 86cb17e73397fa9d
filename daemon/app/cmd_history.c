/* SPDX-License-Identifier: ISC */
/*
 * cmd_history.c: `regiomon history INDICATOR REGION`, the stored series
 * period by period, read back from its RRD file.
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

int
cmd_history(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	const struct indicator	*ind;
	struct point		*pts = NULL;
	json_t			*series;
	char			 per[PERIOD_MAX], val[32], key[2 * ID_MAX];
	size_t			 i, n = 0;

	(void)o;
	/* main.c counted the arguments: INDICATOR REGION. */
	(void)argc;
	if ((ind = catalog_indicator(rm->catalog, argv[1])) == NULL) {
		out_printf(stderr, "regiomon: history: unknown indicator "
		    "\"%s\"\n", argv[1]);
		return EXIT_USAGE;
	}
	if (catalog_region(rm->catalog, argv[2]) == NULL) {
		out_printf(stderr, "regiomon: history: unknown region \"%s\"\n",
		    argv[2]);
		return EXIT_USAGE;
	}
	if (store_read(rm->conf->state_dir, argv[1], argv[2], ind->freq,
	    &pts, &n) == -1)
		return 1;
	if (n == 0) {
		out_printf(stderr, "regiomon: history: nothing stored "
		    "for %s/%s yet\n", argv[1], argv[2]);
		free(pts);
		return 1;
	}
	snprintf(key, sizeof(key), "%s/%s", argv[1], argv[2]);
	series = json_object_get(json_object_get(rm->state, "series"), key);
	out_printf(stdout, "# %s (%s), %s\n", ind->title, ind->unit, argv[2]);
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
