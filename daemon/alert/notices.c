/* SPDX-License-Identifier: ISC */
/*
 * notices.c: what the next alert digest tells besides the series that
 * moved: the state's "notices" (a series that changed source and whose
 * old points were set aside, see run/apply.c), in its text and HTML
 * parts, the text wrapped to the digest's 78 columns.  Dropped from the
 * state once a digest with them is queued.
 */
#include <stdio.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

static const char *
heading(enum lang lang)
{
	return lang == LANG_EN ? "Changes of source" : "Gewijzigde bronnen";
}

/* The notices as a text block ("" if none). */
void
notices_text(FILE *fp, struct regiomon *rm, enum lang lang)
{
	json_t	*a = state_notices(rm->state), *n;
	char	 vis[2048], line[2100];
	size_t	 i;

	if (json_array_size(a) == 0)
		return;
	fprintf(fp, "\n%s:\n", heading(lang));
	/* Escaped as out_printf() would, wrapped to the digest's width. */
	json_array_foreach(a, i, n) {
		text_vis(vis, sizeof(vis), json_string_value(json_object_get(n,
		    "text")));
		snprintf(line, sizeof(line), "- %s", vis);
		digest_wrap(fp, line, 0, 2);
	}
	fputc('\n', fp);
}

/* The notices as an HTML list, escaped ("" if none). */
void
notices_html(FILE *fp, struct regiomon *rm, enum lang lang)
{
	json_t	*a = state_notices(rm->state), *n;
	size_t	 i;

	if (json_array_size(a) == 0)
		return;
	fputs("<h2>", fp);
	report_html_puts(fp, heading(lang));
	fputs("</h2>\n<ul>\n", fp);
	json_array_foreach(a, i, n) {
		fputs("<li>", fp);
		report_html_puts(fp, json_string_value(json_object_get(n,
		    "text")));
		fputs("</li>\n", fp);
	}
	fputs("</ul>\n", fp);
}
