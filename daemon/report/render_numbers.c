/* SPDX-License-Identifier: ISC */
/*
 * render_numbers.c: the number form of a graph's axis labels, in the
 * renderer.  librrd writes them with printf's "%.1lf", which follows
 * LC_NUMERIC: in the C locale a Dutch graph read "12.5" on its axis
 * beside "12,5" in its legend.  A machine has no nl_NL locale unless its
 * admin generated one, so regiomon brings its own: share/locale/nl.numeric,
 * compiled by localedef at build time into LOCALEDIR/nl/LC_NUMERIC, and
 * loaded here as that one category.  (Thousands on an axis: see
 * ygrid_groups() in graph_args.c.)
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "report/report_private.h"

/*
 * The number form named name ("nl") from the locale directory dir, as a
 * locale of LC_NUMERIC only; (locale_t)0 if dir has none.  glibc finds a
 * locale outside its own directories only through LOCPATH, read when the
 * locale is loaded; the renderer is one thread, so setting it for the
 * call is safe.
 */
static locale_t
numbers_load(const char *dir, const char *name)
{
	char		*old = getenv("LOCPATH"), *keep = NULL;
	locale_t	 l;

	if (old != NULL && (keep = strdup(old)) == NULL)
		return (locale_t)0;
	if (setenv("LOCPATH", dir, 1) == -1) {
		free(keep);
		return (locale_t)0;
	}
	l = newlocale(LC_NUMERIC_MASK, name, (locale_t)0);
	if (keep != NULL)
		setenv("LOCPATH", keep, 1);
	else
		unsetenv("LOCPATH");
	free(keep);
	return l;
}

/*
 * The directory beside the running program's ("build/locale" for
 * build/regiomon), so a build runs with its own forms before it is
 * installed.  0, or -1.
 */
static int
numbers_beside(char *buf, size_t size)
{
	char		 exe[PATH_MAX];
	char		*slash;
	ssize_t		 n;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	return snprintf(buf, size, "%s/locale", exe) < (int)size ? 0 : -1;
}

/*
 * Switch this (the renderer's) thread to a decimal comma (the Dutch
 * form) if comma is set, else to the C locale's decimal point.  A Dutch
 * form that cannot be loaded is warned of once per renderer; the graphs
 * are still drawn, with a decimal point on their axes.
 */
void
render_numbers(int comma)
{
	static locale_t	 nl;
	static int	 tried;
	char		 beside[PATH_MAX];

	if (!comma) {
		uselocale(LC_GLOBAL_LOCALE);
		return;
	}
	if (!tried) {
		tried = 1;
		if (numbers_beside(beside, sizeof(beside)) == 0)
			nl = numbers_load(beside, "nl");
		if (nl == (locale_t)0)
			nl = numbers_load(REGIOMON_LOCALEDIR, "nl");
		if (nl == (locale_t)0)
			log_warnx("graph: no Dutch number form in %s/nl (%s); "
			    "axes show a decimal point until regiomon is "
			    "installed again (make install)",
			    REGIOMON_LOCALEDIR, strerror(errno));
	}
	uselocale(nl != (locale_t)0 ? nl : LC_GLOBAL_LOCALE);
}
