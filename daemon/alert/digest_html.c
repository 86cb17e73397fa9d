/* SPDX-License-Identifier: ISC */
/*
 * digest_html.c: the HTML part of an alert digest.  Each row is coloured
 * by the state its series moved to, in the report's colours (mail
 * clients drop style sheets: the colour is inline), says that state in
 * words too, carries the series id that `regiomon silence add` takes,
 * and shows its graph right below it when the mail has one.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

/* The report's state colours (report_html.c), for a row's left edge. */
static const struct {
	const char	*state;
	const char	*colour;
} colours[] = {
	{ "critical", "#b3261e" }, { "warning", "#a15c00" },
	{ "improved", "#1a7f37" }, { "ok", "#4f5b66" },
	{ "stale", "#6f42c1" }, { "nodata", "#767f89" },
	{ "moved", "#1f6feb" }, { "moved-strongly", "#0a3d91" },
};

static const char *
colour(const char *state)
{
	size_t	 i;

	for (i = 0; i < nitems(colours); i++)
		if (strcmp(colours[i].state, state) == 0)
			return colours[i].colour;
	return "#767f89";
}

/* Row i of the shown rows, and its graph below it. */
static void
put_row(FILE *fp, const struct digest *d, size_t i)
{
	const struct item	*x = &d->shown.v[i];
	char			 cells[DIGEST_NCOLS][256];

	digest_cells(x, cells, d->lang);
	fprintf(fp, "<tr><td style=\"border-left: 6px solid %s; "
	    "padding: 4px 8px\"><b>", colour(x->to));
	report_html_puts(fp, cells[0]);
	fputs("</b>, ", fp);
	report_html_puts(fp, cells[1]);
	fputs(" <code>", fp);
	report_html_puts(fp, x->ind->id);
	fputc('/', fp);
	report_html_puts(fp, x->reg->id);
	fprintf(fp, "</code><br><span style=\"color: %s\"><b>",
	    colour(x->to));
	report_html_puts(fp, cells[2]);
	fputs("</b></span>: ", fp);
	report_html_puts(fp, cells[3]);
	fputs("; ", fp);
	report_html_puts(fp, cells[4]);
	if (d->graph != NULL && d->graph[i] != NULL) {
		fprintf(fp, "<br><img src=\"cid:%s\" width=\"%d\" "
		    "height=\"%d\" alt=\"", d->graph[i], GRAPH_MAIL_WIDTH,
		    GRAPH_MAIL_HEIGHT);
		report_html_puts(fp, cells[0]);
		fputs(" \xe2\x80\x94 ", fp);
		report_html_puts(fp, cells[1]);
		fputs("\">", fp);
	}
	fputs("</td></tr>\n", fp);
}

static void
put_heading(FILE *fp, const char *text)
{
	fputs("<h2 style=\"font-size: 1.1em\">", fp);
	report_html_puts(fp, text);
	fputs("</h2>\n<table style=\"border-collapse: collapse\">\n", fp);
}

void
digest_html(FILE *fp, const struct digest *d)
{
	char	 head[512], banner[2048];
	size_t	 i;
	int	 c, last = 0;

	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>", fp);
	report_html_puts(fp, d->subject);
	fputs("</title></head>\n<body style=\"font-family: sans-serif\">\n"
	    "<p>", fp);
	report_html_puts(fp, d->subject + strlen("regiomon: "));
	fputs("</p>\n", fp);
	if (status_banner(d->rm->conf, banner, sizeof(banner))) {
		fputs("<p><strong>", fp);
		report_html_puts(fp, banner);
		fputs("</strong></p>\n", fp);
	}
	if (d->summary) {
		fputs("<ul>\n", fp);
		for (i = 0; i < d->all->n; i++) {
			if ((c = d->all->v[i].ind->challenge) == last)
				continue;
			last = c;
			if (!digest_count_line(head, sizeof(head), d, c))
				continue;
			fputs("<li>", fp);
			report_html_puts(fp, head);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
		put_heading(fp, d->lang == LANG_EN ? "Most severe" :
		    "Ernstigst");
		last = 1;
	}
	for (i = 0; i < d->shown.n; i++) {
		if (!d->summary && d->shown.v[i].ind->challenge != last) {
			if (last != 0)
				fputs("</table>\n", fp);
			last = d->shown.v[i].ind->challenge;
			digest_heading(head, sizeof(head), d->rm, last,
			    d->lang);
			put_heading(fp, head);
		}
		put_row(fp, d, i);
	}
	if (last != 0)
		fputs("</table>\n", fp);
	fputs("<p>* ", fp);
	report_html_puts(fp, label(d->lang, L_MAIL_PROVISIONAL));
	fputs(". ", fp);
	report_html_puts(fp, label(d->lang, L_MAIL_SHIFT_NOTE));
	fputs("</p>\n", fp);
	if (d->url != NULL) {
		fputs("<p><a href=\"", fp);
		report_html_puts(fp, d->url);
		fputs("\">", fp);
		fputs(d->lang == LANG_EN ? "The report" : "Het rapport", fp);
		fputs("</a></p>\n", fp);
	}
	notices_html(fp, d->rm, d->lang);
	fputs("</body></html>\n", fp);
}
