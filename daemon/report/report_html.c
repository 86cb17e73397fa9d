/* SPDX-License-Identifier: ISC */
/*
 * report_html.c: one page of the HTML report, for one region, from the
 * status document (status.c) with each series' graph file added by
 * report.c.  Plain HTML with its CSS inline: no script, no font, image or
 * style from anywhere else, so the page works from file:// and from any
 * web server.  Every text from the catalog or the state is escaped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

/* s escaped for HTML text and attribute values (double-quoted). */
void
report_html_puts(FILE *fp, const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/*
 * The file name of a region's page: index.html for the region as a
 * whole, region-ID.html for the others.  Region ids are [a-z0-9_-]
 * (id_valid), so the name needs no escaping in a path or a link.
 */
void
report_page_name(const struct region *reg, char *buf, size_t size)
{
	if (strcmp(reg->id, REPORT_MAIN_REGION) == 0)
		snprintf(buf, size, "index.html");
	else
		snprintf(buf, size, "region-%s.html", reg->id);
}

static const char *
jstring(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static double
jdouble(const json_t *o, const char *key)
{
	const json_t	*v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The title of an indicator or challenge object in lang. */
static const char *
jtitle(const json_t *o, enum lang lang, const char *key, const char *key_en)
{
	const char	*s = lang == LANG_EN ? jstring(o, key_en) : NULL;

	return s != NULL && *s != '\0' ? s : jstring(o, key);
}

/* The title of a series or challenge object of the status document. */
const char *
report_jtitle(const json_t *o, enum lang lang)
{
	return jtitle(o, lang, "title", "title_en");
}

/* The region navigation: one group of links per kind of region. */
static void
nav(FILE *fp, const struct catalog *cat, const struct region *cur,
    enum lang lang)
{
	static const struct {
		const char	*kind;
		enum lbl	 label;
	} kinds[] = {
		{ "region", L_KIND_REGION },
		{ "province", L_KIND_PROVINCE },
		{ "gemeente", L_KIND_GEMEENTE },
		{ "country", L_KIND_COUNTRY },
	};
	const struct region	*r;
	char			 page[ID_MAX + 16];
	size_t			 k, i;
	int			 open;

	fputs("<nav aria-label=\"", fp);
	report_html_puts(fp, label(lang, L_CHOOSE_REGION));
	fputs("\">\n", fp);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		open = 0;
		for (i = 0; i < cat->nregions; i++) {
			r = &cat->regions[i];
			if (r->kind == NULL || strcmp(r->kind,
			    kinds[k].kind) != 0)
				continue;
			if (!open) {
				fputs("<div class=\"group\"><span class="
				    "\"kind\">", fp);
				report_html_puts(fp, label(lang,
				    kinds[k].label));
				fputs("</span>\n", fp);
				open = 1;
			}
			report_page_name(r, page, sizeof(page));
			fprintf(fp, "<a href=\"%s\"%s>", page,
			    r == cur ? " aria-current=\"page\"" : "");
			report_html_puts(fp, r->name);
			fputs("</a>\n", fp);
		}
		if (open)
			fputs("</div>\n", fp);
	}
	fputs("</nav>\n", fp);
}

/*
 * "2 verbeterd  3 stabiel  1 slechter": the challenge's series in this
 * region by the evaluation's states; stale and nodata count as unknown,
 * shown only when there are any, and so do the moves of neutral
 * indicators ("2 verschoven"), which are neither better nor worse.
 */
static void
summary(FILE *fp, const json_t *ch, enum lang lang)
{
	const json_t	*s = json_object_get(ch, "summary");
	json_int_t	 imp, ok, worse, unknown, moved;

	imp = json_integer_value(json_object_get(s, "improved"));
	ok = json_integer_value(json_object_get(s, "ok"));
	moved = json_integer_value(json_object_get(s, "moved")) +
	    json_integer_value(json_object_get(s, "moved-strongly"));
	worse = json_integer_value(json_object_get(s, "warning")) +
	    json_integer_value(json_object_get(s, "critical"));
	unknown = json_integer_value(json_object_get(s, "stale")) +
	    json_integer_value(json_object_get(s, "nodata"));
	fprintf(fp, "<p class=\"summary\"><span class=\"improved\">%"
	    JSON_INTEGER_FORMAT " %s</span><span class=\"stable\">%"
	    JSON_INTEGER_FORMAT " %s</span><span class=\"worse\">%"
	    JSON_INTEGER_FORMAT " %s</span>", imp,
	    label(lang, L_SUM_IMPROVED), ok, label(lang, L_SUM_STABLE),
	    worse, label(lang, L_SUM_WORSE));
	if (moved > 0)
		fprintf(fp, "<span class=\"moved\">%" JSON_INTEGER_FORMAT
		    " %s</span>", moved, label(lang, L_SUM_MOVED));
	if (unknown > 0)
		fprintf(fp, "<span class=\"unknown\">%" JSON_INTEGER_FORMAT
		    " %s</span>", unknown, label(lang, L_SUM_UNKNOWN));
	fputs("</p>\n", fp);
}

static const char *
direction_text(const char *dir, enum lang lang)
{
	if (dir != NULL && strcmp(dir, "higher-is-better") == 0)
		return label(lang, L_DIR_HIGHER);
	if (dir != NULL && strcmp(dir, "lower-is-better") == 0)
		return label(lang, L_DIR_LOWER);
	return label(lang, L_DIR_NEUTRAL);
}

/* The baseline: value and period, and where the figure comes from. */
static void
card_baseline(FILE *fp, const json_t *e, const struct indicator *ind,
    const char *region, enum lang lang)
{
	const json_t		*b = json_object_get(e, "baseline");
	const struct baseline	*cb = indicator_baseline(ind, region);
	const char		*from = jstring(b, "from");
	char			 num[256];

	if (!json_is_object(b))
		return;
	label_value(lang, jdouble(b, "value"), ind->unit,
	    indicator_decimals(ind), num, sizeof(num));
	fputs("<dt>", fp);
	report_html_puts(fp, label(lang, L_BASELINE));
	fputs("</dt><dd>", fp);
	report_html_puts(fp, num);
	fputs(" (", fp);
	report_html_puts(fp, jstring(b, "period"));
	if (from != NULL && strcmp(from, "series") == 0 &&
	    !json_is_true(json_object_get(b, "definition_differs"))) {
		fputs(", ", fp);
		report_html_puts(fp, label(lang, L_FROM_SERIES));
	}
	fputs(")", fp);
	report_base_note(lang, b, num, sizeof(num));
	if (num[0] != '\0') {
		fputs("<br><span class=\"note\">", fp);
		report_html_puts(fp, num);
		fputs("</span>", fp);
	}
	if (cb != NULL) {
		if (cb->quote != NULL && *cb->quote != '\0') {
			fputs("<blockquote>\xe2\x80\x9c", fp);
			report_html_puts(fp, cb->quote);
			fputs("\xe2\x80\x9d</blockquote>", fp);
		}
		if (ind->citation != NULL && *ind->citation != '\0') {
			fputs("<cite>", fp);
			report_html_puts(fp, label(lang, L_SOURCE));
			fputs(": ", fp);
			report_html_puts(fp, ind->citation);
			fputs("</cite>", fp);
		}
	}
	fputs("</dd>\n", fp);
}

/*
 * The shift of series e against its baseline as lang writes numbers,
 * "+1,5 pp (+34,1%)", into buf; as many decimals as the figures compared
 * (26.9 - 28 is -1.1).  0, or -1 when e has no shift.
 */
int
report_shift_text(const json_t *e, const struct indicator *ind,
    enum lang lang, char *buf, size_t size)
{
	const json_t	*b = json_object_get(e, "baseline");
	const json_t	*s = json_object_get(e, "shift");
	const char	*unit;
	char		 num[64], pct[64];
	int		 d;

	if (!json_is_object(s) || !json_is_object(b))
		return -1;
	d = label_decimals(jdouble(json_object_get(e, "latest"), "value"),
	    indicator_decimals(ind));
	if (label_decimals(jdouble(b, "value"), indicator_decimals(ind)) > d)
		d = label_decimals(jdouble(b, "value"),
		    indicator_decimals(ind));
	label_num(lang, jdouble(s, "abs"), d, 1, num, sizeof(num));
	/* A shift of a percentage is in percentage points. */
	if (strcmp(ind->unit, "%") == 0)
		unit = label(lang, L_PCT_POINTS);
	else
		unit = ind->unit;
	if (isfinite(jdouble(s, "pct"))) {
		label_num(lang, jdouble(s, "pct"), 1, 1, pct, sizeof(pct));
		snprintf(buf, size, "%s %s (%s%%)", num, unit, pct);
	} else
		snprintf(buf, size, "%s %s", num, unit);
	return 0;
}

/* Latest value and shift, written the way lang writes numbers. */
static void
card_latest(FILE *fp, const json_t *e, const struct indicator *ind,
    enum lang lang)
{
	const json_t	*l = json_object_get(e, "latest");
	struct point	 p;
	char		 text[256];

	if (!json_is_object(l) ||
	    period_parse(jstring(l, "period"), &p.period) == -1)
		return;
	p.value = jdouble(l, "value");
	graph_latest_text(lang, ind, &p, json_is_true(json_object_get(l,
	    "provisional")), text, sizeof(text));
	/* graph_latest_text says "Laatste: ..."; the <dt> says it here. */
	fputs("<dt>", fp);
	report_html_puts(fp, label(lang, L_LATEST));
	fputs("</dt><dd>", fp);
	report_html_puts(fp, text + strlen(label(lang, L_LATEST)) + 2);
	fputs("</dd>\n", fp);
	if (report_shift_text(e, ind, lang, text, sizeof(text)) == -1)
		return;
	fputs("<dt>", fp);
	report_html_puts(fp, label(lang, L_SHIFT));
	fputs("</dt><dd>", fp);
	report_html_puts(fp, text);
	fputs("</dd>\n", fp);
}

/*
 * The target and the progress towards it: "800.000 ton (2040): achter op
 * koers (pad nu 168.000 ton)", with the strategy's words.
 */
static void
card_target(FILE *fp, const json_t *e, const struct indicator *ind,
    const char *region, enum lang lang)
{
	const json_t	*t = json_object_get(e, "target");
	char		 text[256];
	size_t		 i;

	if (!json_is_object(t))
		return;
	report_target_text(lang, t, ind, text, sizeof(text));
	fputs("<dt>", fp);
	report_html_puts(fp, label(lang, L_TARGET));
	fputs("</dt><dd>", fp);
	report_html_puts(fp, text);
	for (i = 0; i < ind->ntargets; i++) {
		char	 per[PERIOD_MAX];

		if (ind->targets[i].region == NULL || strcmp(
		    ind->targets[i].region, region) != 0 ||
		    period_format(&ind->targets[i].period, per,
		    sizeof(per)) == -1 || jstring(t, "period") == NULL ||
		    strcmp(per, jstring(t, "period")) != 0 ||
		    ind->targets[i].quote == NULL)
			continue;
		fputs("<blockquote>\xe2\x80\x9c", fp);
		report_html_puts(fp, ind->targets[i].quote);
		fputs("\xe2\x80\x9d</blockquote>", fp);
	}
	fputs("</dd>\n", fp);
}

/* One series: title, state badge, graph, baseline, latest and shift. */
static void
card(FILE *fp, struct regiomon *rm, const json_t *e,
    const struct region *reg, enum lang lang)
{
	const struct indicator	*ind;
	const char		*state, *img;
	const json_t		*sil;
	enum estate		 es, judged;

	if ((ind = catalog_indicator(rm->catalog,
	    jstring(e, "indicator"))) == NULL)
		return;
	/* Only the evaluation's own names reach the class attribute. */
	if (eval_state_parse(jstring(e, "state"), &es) == -1)
		es = ES_NODATA;
	state = eval_state_name(es);
	fprintf(fp, "<article class=\"card state-%s\" id=\"%s\">\n<h3>",
	    state, ind->id);
	report_html_puts(fp, jtitle(e, lang, "title", "title_en"));
	fprintf(fp, "</h3>\n<p><span class=\"badge\">");
	report_html_puts(fp, label_state(lang, state));
	/* A stale series: what its last figure said, as status shows it. */
	if (es == ES_STALE && eval_state_parse(jstring(e, "judged"),
	    &judged) == 0 && judged != ES_STALE && judged != ES_NODATA) {
		fputs(" (", fp);
		report_html_puts(fp, label_state(lang,
		    eval_state_name(judged)));
		fputc(')', fp);
	}
	fputs("</span><span class=\"direction\">", fp);
	report_html_puts(fp, direction_text(jstring(e, "direction"), lang));
	fputs("</span></p>\n", fp);
	if ((img = jstring(e, "image")) != NULL) {
		fputs("<img src=\"", fp);
		report_html_puts(fp, img);
		fprintf(fp, "\" width=\"%d\" height=\"%d\" alt=\"",
		    REPORT_GRAPH_WIDTH, REPORT_GRAPH_HEIGHT);
		report_html_puts(fp, label(lang, L_GRAPH_OF));
		fputc(' ', fp);
		report_html_puts(fp, graph_title(lang, ind));
		fputs(" \xe2\x80\x94 ", fp);
		report_html_puts(fp, reg->name);
		fputs("\">\n", fp);
	} else {
		fputs("<p class=\"nograph\">", fp);
		report_html_puts(fp, label(lang, json_is_true(json_object_get(e,
		    "image_failed")) ? L_GRAPH_FAILED : L_NO_GRAPH));
		fputs("</p>\n", fp);
	}
	fputs("<dl>\n", fp);
	card_baseline(fp, e, ind, reg->id, lang);
	card_latest(fp, e, ind, lang);
	card_target(fp, e, ind, reg->id, lang);
	fputs("</dl>\n", fp);
	sil = json_object_get(e, "silence");
	if (json_is_true(json_object_get(e, "silenced")) &&
	    json_is_object(sil)) {
		fputs("<p class=\"silenced\">", fp);
		report_html_puts(fp, label(lang, L_SILENCED));
		fputc(' ', fp);
		report_html_puts(fp, jstring(sil, "until"));
		fputs(": ", fp);
		report_html_puts(fp, jstring(sil, "comment"));
		fputs("</p>\n", fp);
	}
	fputs("</article>\n", fp);
}

/*
 * Where a card goes among its challenge's: the rank of its state (a
 * stale series by its last judgement), most severe first.
 */
static int
card_rank(const json_t *e)
{
	enum estate	 es, judged;

	if (eval_state_parse(jstring(e, "state"), &es) == -1)
		es = ES_NODATA;
	if (es == ES_STALE && eval_state_parse(jstring(e, "judged"),
	    &judged) == 0)
		es = judged;
	return eval_state_rank(es);
}

/*
 * One challenge: its question, the summary line and a card per series,
 * the most severe first (the catalog's order among equals).
 * The section's id is "uitdaging-N" in either language, so that links
 * into the report work in both.
 */
static void
section(FILE *fp, struct regiomon *rm, const json_t *ch,
    const struct region *reg, enum lang lang)
{
	const struct challenge	*c;
	const json_t		*series = json_object_get(ch, "series"), *e;
	json_int_t		 num;
	size_t			 i, r;

	num = json_integer_value(json_object_get(ch, "number"));
	c = catalog_challenge(rm->catalog, (int)num);
	fprintf(fp, "<section class=\"challenge\" id=\"uitdaging-%"
	    JSON_INTEGER_FORMAT "\">\n<h2>", num);
	report_html_puts(fp, label(lang, L_CHALLENGE));
	fprintf(fp, " %" JSON_INTEGER_FORMAT ": ", num);
	report_html_puts(fp, jtitle(ch, lang, "title", "title_en"));
	fputs("</h2>\n", fp);
	if (c != NULL) {
		fputs("<p class=\"question\">", fp);
		report_html_puts(fp, lang == LANG_EN && c->question_en != NULL ?
		    c->question_en : c->question);
		fputs("</p>\n", fp);
	}
	/* No "0 verbeterd 0 stabiel 0 slechter" over "geen indicatoren". */
	if (json_array_size(series) > 0)
		summary(fp, ch, lang);
	if (json_array_size(series) == 0) {
		fputs("<p class=\"nograph\">", fp);
		report_html_puts(fp, label(lang, L_SUM_NONE));
		fputs("</p>\n", fp);
	} else {
		fputs("<div class=\"cards\">\n", fp);
		for (r = ES_COUNT; r-- > 0; )
			json_array_foreach(series, i, e)
				if (card_rank(e) == (int)r)
					card(fp, rm, e, reg, lang);
		fputs("</div>\n", fp);
	}
	fputs("</section>\n", fp);
}

/*
 * Write the page of reg to fp: doc is the status document for reg, each
 * series entry carrying "image" (the graph's path relative to the page)
 * when it has one.  Errors show in ferror(fp).
 */
void
report_html_page(FILE *fp, struct regiomon *rm, const json_t *doc,
    const struct region *reg, enum lang lang, time_t now)
{
	const json_t	*ch;
	struct tm	 tm;
	char		 when[64], banner[2048];
	size_t		 i;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
		strlcpy(when, "?", sizeof(when));
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>",
	    label_lang_name(lang));
	report_html_puts(fp, reg->name);
	fputs(" \xe2\x80\x94 ", fp);
	report_html_puts(fp, label(lang, L_REPORT_TITLE));
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n"
	    "<header>\n<h1>", report_css);
	report_html_puts(fp, label(lang, L_REPORT_TITLE));
	fputs("</h1>\n<p class=\"region\">", fp);
	report_html_puts(fp, reg->name);
	fputs("</p>\n<p>", fp);
	report_html_puts(fp, label(lang, L_REPORT_INTRO));
	fputs("</p>\n<p class=\"updated\">", fp);
	report_html_puts(fp, label(lang, L_UPDATED));
	fputs(": ", fp);
	report_html_puts(fp, when);
	fputs("</p>\n", fp);
	/* The demo's data is not real: said before anything else. */
	if (status_banner(rm->conf, banner, sizeof(banner))) {
		fputs("<p class=\"illustrative\"><strong>", fp);
		report_html_puts(fp, banner);
		fputs("</strong></p>\n", fp);
	}
	nav(fp, rm->catalog, reg, lang);
	fputs("</header>\n<div class=\"toc\">", fp);
	report_html_puts(fp, label(lang, L_CONTENTS));
	fputs(": ", fp);
	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		json_int_t num = json_integer_value(json_object_get(ch,
		    "number"));

		fprintf(fp, "<a href=\"#uitdaging-%" JSON_INTEGER_FORMAT
		    "\">%" JSON_INTEGER_FORMAT ". ", num, num);
		report_html_puts(fp, jtitle(ch, lang, "title", "title_en"));
		fputs("</a>", fp);
	}
	fputs("</div>\n<main>\n", fp);
	report_overview(fp, rm, doc, reg, lang);
	json_array_foreach(json_object_get(doc, "challenges"), i, ch)
		section(fp, rm, ch, reg, lang);
	report_sources(fp, rm, lang);
	fputs("</main>\n<footer>", fp);
	report_html_puts(fp, label(lang, L_FOOTER));
	fputs(" " REGIOMON_VERSION ".</footer>\n</body>\n</html>\n", fp);
}
