/* SPDX-License-Identifier: ISC */
/*
 * store_path.c: where a series lives, STATE/rrd/INDICATOR/REGION.rrd:
 * the path made from checked ids, and whether the file is there.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"

/*
 * The path of a series' RRD file, or NULL (logged) if an id is not a
 * valid id; ids are never put into a path unchecked.  New, caller frees.
 */
char *
store_path(const char *state_dir, const char *indicator, const char *region)
{
	char	*p;

	if (!id_valid(indicator)) {
		log_errx("store: invalid indicator id");
		return NULL;
	}
	if (!id_valid(region)) {
		log_errx("store: invalid region id (indicator %s)", indicator);
		return NULL;
	}
	xasprintf(&p, "%s/rrd/%s/%s.rrd", state_dir, indicator, region);
	return p;
}

/*
 * 1 unless the series' file is certainly not there (ENOENT): an invalid
 * id or an odd error counts as there, so that a caller only takes the
 * shortcuts of a new file for one.
 */
int
store_exists(const char *state_dir, const char *indicator,
    const char *region)
{
	struct stat	 st;
	char		*path;
	int		 rc;

	if ((path = store_path(state_dir, indicator, region)) == NULL)
		return 1;
	rc = stat(path, &st) == 0 || errno != ENOENT;
	free(path);
	return rc;
}
