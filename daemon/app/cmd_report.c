/* SPDX-License-Identifier: ISC */
/*
 * cmd_report.c: `regiomon report [-o DIR] [--lang nl|en] [--full]`, the
 * static HTML report written once, to DIR or where the config's
 * "report.dir" says (STATE/report by default); --full draws every graph
 * anew rather than reusing the unchanged ones of the report in place.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "app/app.h"
#include "app/cmd.h"

int
cmd_report(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	struct report_conf	 rc;
	const char		*dir = NULL, *lang = NULL;
	enum lang		 l;
	int			 i, r, full = 0;

	(void)o;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 ||
		    strcmp(argv[i], "--output") == 0) {
			if (i + 1 == argc)
				goto needs;
			dir = argv[++i];
		} else if (strcmp(argv[i], "--lang") == 0) {
			if (i + 1 == argc)
				goto needs;
			lang = argv[++i];
		} else if (strcmp(argv[i], "--full") == 0) {
			full = 1;
		} else {
			out_printf(stderr, "regiomon: report: unexpected "
			    "argument \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (report_conf_get(rm->conf, &rc) == -1)
		return 1;
	l = rc.lang;
	if (lang != NULL && label_lang(lang, &l) == -1) {
		out_printf(stderr, "regiomon: report: --lang %s: expected "
		    "nl or en\n", lang);
		report_conf_free(&rc);
		return EXIT_USAGE;
	}
	/* Where the daemon writes it: it must be able to replace it. */
	if (dir == NULL && state_dir_owner_check(rm->conf->state_dir) == -1) {
		report_conf_free(&rc);
		return 1;
	}
	if (dir == NULL)
		dir = rc.dir;
	r = report_write(rm, dir, l, full);
	if (r >= 0)
		out_printf(stdout, "%s/index.html\n", dir);
	report_conf_free(&rc);
	return r == 0 ? 0 : 1;
needs:
	/* main.c prints the usage line after this. */
	out_printf(stderr, "regiomon: report: %s needs a value\n", argv[i]);
	return EXIT_USAGE;
}
