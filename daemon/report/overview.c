/* SPDX-License-Identifier: ISC */
/*
 * overview.c: the top of a region's report page, so that a reader sees
 * in the first screen what moved and where: per challenge the counts of
 * its series by state, then one compact table of every series that got
 * worse (warning, critical) or, for an indicator without a direction,
 * moved, most severe first and then by the size of its shift, each row
 * linking to its card, with a sparkline of its last figures and its
 * baseline.  A stale series counts by its last figure's judgement, as
 * status shows it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

#define SPARK_POINTS	24	/* the last figures a sparkline shows */
#define SPARK_W		96
#define SPARK_H		24

/* The states in the counts table, most severe first. */
static const enum estate shown[] = {
	ES_CRITICAL, ES_WARNING, ES_MOVED_STRONGLY, ES_MOVED, ES_STALE,
	ES_NODATA, ES_OK, ES_IMPROVED
};

struct orow {
	const json_t		*e;
	const struct indicator	*ind;
	enum estate		 es;	/* judged, for a stale series */
	double			 size;	/* |shift| in % of the baseline */
	size_t			 order;	/* the page's order */
};

/* The state a row counts by: a stale series' last judgement. */
static enum estate
effective(const json_t *e)
{
	enum estate	 es, judged;

	if (eval_state_parse(json_string_value(json_object_get(e, "state")),
	    &es) == -1)
		return ES_NODATA;
	if (es == ES_STALE && eval_state_parse(json_string_value(
	    json_object_get(e, "judged")), &judged) == 0)
		return judged;
	return es;
}

static int
listed(enum estate es)
{
	return es == ES_CRITICAL || es == ES_WARNING ||
	    es == ES_MOVED_STRONGLY || es == ES_MOVED;
}

/* Most severe first, then the larger shift, then the page's order. */
static int
orow_cmp(const void *a, const void *b)
{
	const struct orow	*x = a, *y = b;
	int			 rx = eval_state_rank(x->es);
	int			 ry = eval_state_rank(y->es);

	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * An inline SVG of the series' last SPARK_POINTS figures, the baseline
 * as a dashed line when it is within their range; nothing when there
 * are fewer than two figures or the file cannot be read.
 */
static void
sparkline(FILE *fp, struct regiomon *rm, const struct indicator *ind,
    const struct region *reg, double base)
{
	struct point	*pts = NULL;
	double		 v[SPARK_POINTS], lo = INFINITY, hi = -INFINITY, y;
	size_t		 n = 0, i, k = 0;

	if (store_read(rm->conf->state_dir, ind->id, reg->id, ind->freq,
	    &pts, &n) != 0) {
		free(pts);
		return;
	}
	for (i = n; i > 0 && k < SPARK_POINTS; i--)
		if (!isnan(pts[i - 1].value))
			v[k++] = pts[i - 1].value;
	free(pts);
	if (k < 2)
		return;
	for (i = 0; i < k; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	if (hi == lo)
		hi = lo + 1;
	fprintf(fp, "<svg class=\"spark\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" aria-hidden=\"true\"><polyline "
	    "fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" "
	    "points=\"", SPARK_W, SPARK_H, SPARK_W, SPARK_H);
	/* v[] runs newest first; the line, left to right, oldest first. */
	for (i = 0; i < k; i++)
		fprintf(fp, "%s%.1f,%.1f", i > 0 ? " " : "",
		    (double)i * (SPARK_W - 4) / (double)(k - 1) + 2,
		    (hi - v[k - 1 - i]) / (hi - lo) * (SPARK_H - 4) + 2);
	fputs("\"/>", fp);
	if (isfinite(base) && base >= lo && base <= hi) {
		y = (hi - base) / (hi - lo) * (SPARK_H - 4) + 2;
		fprintf(fp, "<line x1=\"0\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#8c959f\" stroke-dasharray=\"3 2\"/>", SPARK_W,
		    y, y);
	}
	fputs("</svg>", fp);
}

/* The counts of each challenge's series by state. */
static void
counts(FILE *fp, const json_t *doc, enum lang lang)
{
	const json_t	*ch, *sum;
	json_int_t	 num;
	size_t		 i, s;

	fputs("<table class=\"counts\">\n<tr><th></th>", fp);
	for (s = 0; s < nitems(shown); s++) {
		fprintf(fp, "<th class=\"state-%s\">", eval_state_name(
		    shown[s]));
		report_html_puts(fp, label_state(lang, eval_state_name(
		    shown[s])));
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		num = json_integer_value(json_object_get(ch, "number"));
		sum = json_object_get(ch, "summary");
		fprintf(fp, "<tr><th><a href=\"#uitdaging-%"
		    JSON_INTEGER_FORMAT "\">%" JSON_INTEGER_FORMAT ". ", num,
		    num);
		report_html_puts(fp, report_jtitle(ch, lang));
		fputs("</a></th>", fp);
		for (s = 0; s < nitems(shown); s++)
			fprintf(fp, "<td>%" JSON_INTEGER_FORMAT "</td>",
			    json_integer_value(json_object_get(sum,
			    eval_state_name(shown[s]))));
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

/* One row of the table of what got worse or moved. */
static void
row(FILE *fp, struct regiomon *rm, const struct orow *r,
    const struct region *reg, enum lang lang)
{
	const json_t	*l = json_object_get(r->e, "latest");
	const json_t	*b = json_object_get(r->e, "baseline");
	const char	*name = eval_state_name(r->es);
	char		 text[256];
	double		 base = NAN;

	fprintf(fp, "<tr class=\"state-%s\"><td><a href=\"#%s\">", name,
	    r->ind->id);
	report_html_puts(fp, report_jtitle(r->e, lang));
	fputs("</a></td><td><span class=\"badge\">", fp);
	report_html_puts(fp, label_state(lang, name));
	fputs("</span></td><td>", fp);
	if (json_is_object(b))
		base = json_number_value(json_object_get(b, "value"));
	sparkline(fp, rm, r->ind, reg, base);
	fputs("</td><td>", fp);
	if (json_is_object(l)) {
		label_value(lang, json_number_value(json_object_get(l,
		    "value")), r->ind->unit, indicator_decimals(r->ind), text,
		    sizeof(text));
		report_html_puts(fp, text);
		fputs(" (", fp);
		report_html_puts(fp, json_string_value(json_object_get(l,
		    "period")));
		fputs(")", fp);
	}
	fputs("</td><td>", fp);
	if (json_is_object(b)) {
		label_value(lang, base, r->ind->unit,
		    indicator_decimals(r->ind), text, sizeof(text));
		report_html_puts(fp, text);
		fputs(" (", fp);
		report_html_puts(fp, json_string_value(json_object_get(b,
		    "period")));
		fputs(")", fp);
	}
	fputs("</td><td>", fp);
	if (report_shift_text(r->e, r->ind, lang, text, sizeof(text)) == 0)
		report_html_puts(fp, text);
	fputs("</td></tr>\n", fp);
}

/*
 * The overview of reg's page (doc: its status document): the counts,
 * then the rows that got worse or moved.
 */
void
report_overview(FILE *fp, struct regiomon *rm, const json_t *doc,
    const struct region *reg, enum lang lang)
{
	const json_t		*ch, *e;
	const struct indicator	*ind;
	struct orow		*rows = NULL;
	size_t			 i, j, n = 0, order = 0;

	fprintf(fp, "<section class=\"overview\" id=\"overzicht\">\n<h2>%s"
	    "</h2>\n", lang == LANG_EN ? "At a glance" : "In \xc3\xa9\xc3\xa9n "
	    "oogopslag");
	counts(fp, doc, lang);
	json_array_foreach(json_object_get(doc, "challenges"), i, ch)
		json_array_foreach(json_object_get(ch, "series"), j, e) {
			order++;
			if (!listed(effective(e)) || (ind = catalog_indicator(
			    rm->catalog, json_string_value(json_object_get(e,
			    "indicator")))) == NULL)
				continue;
			rows = xreallocarray(rows, n + 1, sizeof(*rows));
			rows[n].e = e;
			rows[n].ind = ind;
			rows[n].es = effective(e);
			rows[n].size = fabs(json_number_value(json_object_get(
			    json_object_get(e, "shift"), "pct")));
			rows[n++].order = order;
		}
	if (n == 0) {
		fprintf(fp, "<p class=\"nothing\">%s</p>\n", lang == LANG_EN ?
		    "No series got worse or moved." : "Geen reeks is slechter "
		    "geworden of verschoven.");
		fputs("</section>\n", fp);
		return;
	}
	qsort(rows, n, sizeof(*rows), orow_cmp);
	fprintf(fp, "<table class=\"moved-list\">\n<tr><th>%s</th><th>%s</th>"
	    "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
	    lang == LANG_EN ? "Series" : "Reeks", lang == LANG_EN ? "State" :
	    "Staat", "Trend", label(lang, L_LATEST), label(lang, L_BASELINE),
	    label(lang, L_SHIFT));
	for (i = 0; i < n; i++)
		row(fp, rm, &rows[i], reg, lang);
	fputs("</table>\n</section>\n", fp);
	free(rows);
}
