/* SPDX-License-Identifier: ISC */
/*
 * graph.c: what the graph of one series shows, as rrd_graph_v arguments:
 * the series over its whole history, its baseline as a dashed rule, the
 * warning and critical zones shaded, provisional periods marked and the
 * latest value in the legend; render.c draws it.  Also the graphs of
 * alert mail, and the words of an SVG graph.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "eval/eval.h"
#include "report/report.h"

#define GRAPH_ARGS_MAX	160		/* below RENDER_ARGS_MAX */
#define PROV_MAX	32		/* provisional stretches drawn */
#define LEGEND_MAX	256

/* Colours: readable on white and apart for the colour-blind. */
#define C_LINE		"#1f5fa8"
#define C_PROV		"#e07000"
#define C_PROV_BG	"#0000001a"
#define C_BASE		"#b00020"
#define C_WARN		"#ffcf70a0"
#define C_CRIT		"#f28b82a0"

/* The arguments for rrd_graph_v, built up with any allocation checked. */
struct gargs {
	char	*v[GRAPH_ARGS_MAX + 1];
	int	 n;
	int	 failed;
};

/* A time stretch [start, end) drawn as provisional. */
struct stretch {
	time_t	 start, end;
};

/* What the graph of one series shows, all figures computed here. */
struct gplan {
	time_t		 start, end;
	double		 lo, hi;		/* y axis */
	int		 has_base;
	struct evbase	 base;
	/* Zones on the bad side(s), clamped to [lo, hi]: bottom, top. */
	double		 zone[4][2];
	int		 zone_crit[4];
	int		 nzones;
	struct stretch	 prov[PROV_MAX];
	int		 nprov;
	int		 has_latest;
	struct point	 latest;
	int		 latest_prov;
};

static void
args_add(struct gargs *a, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

static void
args_add(struct gargs *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (a->failed)
		return;
	if (a->n >= GRAPH_ARGS_MAX) {
		a->failed = 1;
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1) {
		a->failed = 1;
		s = NULL;
	}
	va_end(ap);
	if (s != NULL)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void
args_free(struct gargs *a)
{
	int	 i;

	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

/*
 * s made safe for an rrdtool legend or DEF: ":" separates fields unless
 * escaped, and a backslash starts a format code ("\l"), so backslashes
 * become "/" and colons "\:".
 */
static void
legend_escape(const char *s, char *buf, size_t size)
{
	size_t	 o = 0;

	for (; *s != '\0' && o + 3 < size; s++) {
		if (*s == ':') {
			buf[o++] = '\\';
			buf[o++] = ':';
		} else if (*s == '\\')
			buf[o++] = '/';
		else
			buf[o++] = *s;
	}
	buf[o] = '\0';
}

/* The threshold t of ind as a distance from base in the unit. */
static double
threshold_dist(const struct indicator *ind, double base, double t)
{
	return ind->relative ? fabs(base) * t / 100.0 : t;
}

static void
zone_add(struct gplan *g, double bottom, double top, int crit)
{
	if (g->nzones >= 4 || !(top > bottom))
		return;
	g->zone[g->nzones][0] = bottom;
	g->zone[g->nzones][1] = top;
	g->zone_crit[g->nzones] = crit;
	g->nzones++;
}

/*
 * The y axis and the shaded zones.  The axis spans the values and the
 * baseline, and the warning threshold on the bad side(s) so that the
 * zone a reader should watch is always in view; the critical threshold
 * only when the values reach towards it.  A margin of 8% keeps the line
 * off the frame.  Values that cannot be negative (none is, nor the
 * baseline) get no negative axis.  Zones: from the warning threshold to
 * the critical one (light), and beyond the critical one (darker), on the
 * side that is bad news (both sides for a neutral indicator), clamped to
 * the axis.  A relative threshold of a baseline of 0 has no place on the
 * axis and draws no zone.
 */
static void
plan_axis(struct gplan *g, const struct indicator *ind, double vmin,
    double vmax)
{
	double	 lo = vmin, hi = vmax, span, pad, b, w, c;
	int	 up, down, zones;

	up = ind->direction != DIR_HIGHER_IS_BETTER;
	down = ind->direction != DIR_LOWER_IS_BETTER;
	b = g->base.value;
	zones = g->has_base && !(ind->relative && b == 0);
	w = zones ? threshold_dist(ind, b, ind->warning) : 0;
	c = zones ? threshold_dist(ind, b, ind->critical) : 0;
	if (g->has_base) {
		lo = fmin(lo, b);
		hi = fmax(hi, b);
	}
	if (zones && up)
		hi = fmax(hi, b + w);
	if (zones && down)
		lo = fmin(lo, b - w);
	span = hi - lo;
	if (span <= 0)
		span = fabs(hi) > 0 ? fabs(hi) * 0.2 : 1.0;
	pad = span * 0.08;
	hi += pad;
	lo -= pad;
	if (vmin >= 0 && (!g->has_base || b >= 0) && lo < 0)
		lo = 0;
	g->lo = lo;
	g->hi = hi;
	if (!zones)
		return;
	if (up) {
		zone_add(g, fmax(b + w, lo), fmin(b + c, hi), 0);
		zone_add(g, fmax(b + c, lo), hi, 1);
	}
	if (down) {
		zone_add(g, fmax(b - c, lo), fmin(b - w, hi), 0);
		zone_add(g, lo, fmin(b - c, hi), 1);
	}
}

/*
 * The provisional periods of the series (state.json) that fall inside
 * the graph, as time stretches with neighbours merged, so that a run of
 * provisional quarters is one mark.
 */
static int
stretch_cmp(const void *a, const void *b)
{
	const struct stretch	*x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void
plan_provisional(struct gplan *g, const json_t *series)
{
	struct period	 p;
	struct stretch	*s;
	json_t		*v;
	size_t		 i;
	int		 j, k;

	json_array_foreach(json_object_get(series, "provisional"), i, v) {
		if (g->nprov == PROV_MAX ||
		    period_parse(json_string_value(v), &p) == -1)
			continue;
		s = &g->prov[g->nprov];
		s->start = period_start(&p);
		s->end = period_end(&p);
		if (s->end > g->start && s->start < g->end)
			g->nprov++;
	}
	if (g->nprov == 0)
		return;
	qsort(g->prov, (size_t)g->nprov, sizeof(g->prov[0]), stretch_cmp);
	for (j = 0, k = 1; k < g->nprov; k++) {
		if (g->prov[k].start <= g->prov[j].end) {
			if (g->prov[k].end > g->prov[j].end)
				g->prov[j].end = g->prov[k].end;
		} else
			g->prov[++j] = g->prov[k];
	}
	g->nprov = j + 1;
}

/* 1 if period p is listed as provisional in the series' state. */
static int
is_provisional(const json_t *series, const struct period *p)
{
	char	 per[PERIOD_MAX];
	json_t	*v;
	size_t	 i;

	if (period_format(p, per, sizeof(per)) == -1)
		return 0;
	json_array_foreach(json_object_get(series, "provisional"), i, v)
		if (json_is_string(v) && strcmp(json_string_value(v),
		    per) == 0)
			return 1;
	return 0;
}

/*
 * Everything the graph shows, from the stored points and the series'
 * state.  The baseline is the evaluation's (eval_baseline: the catalog's
 * figure or the series' own 2020), computed here as a number: librrd's
 * own averaging over 2020 mixes the boundary days (notes/librrd.md).
 * Returns 0, or 1 when there is no value to draw.
 */
static int
plan(struct gplan *g, const struct indicator *ind, const char *region,
    const struct point *pts, size_t n, const json_t *series)
{
	double	 vmin = INFINITY, vmax = -INFINITY;
	size_t	 i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < n; i++) {
		if (isnan(pts[i].value))
			continue;
		vmin = fmin(vmin, pts[i].value);
		vmax = fmax(vmax, pts[i].value);
		g->latest = pts[i];
		g->has_latest = 1;
	}
	if (!g->has_latest)
		return 1;
	g->start = period_start(&pts[0].period);
	g->end = period_end(&pts[n - 1].period);
	g->has_base = eval_baseline(ind, region, pts, n, &g->base) == 0;
	g->latest_prov = is_provisional(series, &g->latest.period);
	plan_axis(g, ind, vmin, vmax);
	plan_provisional(g, series);
	return 0;
}

/*
 * The x grid: a line per year (per five beyond 40 years), quarters as
 * minor lines for quarterly and monthly series, and a label per year
 * centred on its year while they fit, else every 2nd or 5th year.  A
 * monthly series shorter than two years has too few years to label: its
 * months are, centred, as "2023-05", the periods' own notation.
 */
static void
args_xgrid(struct gargs *a, const struct gplan *g, const struct indicator *ind,
    int width)
{
	double	 years = (double)(g->end - g->start) / (365.25 * 86400);
	int	 step = 1, fits = width / 44, months;
	int	 major = years > 40 ? 5 : 1;

	if (years > fits)
		step = years / 2 <= fits ? 2 : years / 5 <= fits ? 5 : 10;
	if (step < major)
		step = major;
	if (ind->freq == FREQ_MONTH && years < 2) {
		months = years * 12 <= 8 ? 1 : 3;
		args_add(a, "MONTH:1:MONTH:%d:MONTH:%d:%ld:%%Y-%%m", months,
		    months, months * 30L * 86400);
	} else if (ind->freq != FREQ_YEAR && years <= 12)
		args_add(a, "MONTH:3:YEAR:%d:YEAR:%d:%ld:%%Y", major, step,
		    step == 1 ? 365L * 86400 : 0L);
	else
		args_add(a, "YEAR:%d:YEAR:%d:YEAR:%d:%ld:%%Y", major, major,
		    step, step == 1 ? 365L * 86400 : 0L);
}

/* Characters of UTF-8 text. */
static size_t
utf8_len(const char *s, size_t n)
{
	size_t	 i, c = 0;

	for (i = 0; i < n && s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Greedy word wrap of in at fit characters a line; the number of lines. */
static int
wrap(const char *in, size_t fit, char *out, size_t size)
{
	const char	*p, *word, *sp;
	size_t		 o = 0, line = 0, wl;
	int		 lines = 1;

	for (p = in; *p != '\0' && o + 2 < size; p = sp) {
		word = p;
		if ((sp = strchr(word, ' ')) == NULL)
			sp = word + strlen(word);
		wl = utf8_len(word, (size_t)(sp - word));
		if (line > 0 && line + 1 + wl > fit) {
			out[o++] = '\n';
			line = 0;
			lines++;
		} else if (line > 0) {
			out[o++] = ' ';
			line++;
		}
		for (; word < sp && o + 1 < size; word++)
			out[o++] = *word;
		line += wl;
		while (*sp == ' ')
			sp++;
	}
	out[o] = '\0';
	return lines;
}

/*
 * The graph's title, "TITLE \xe2\x80\x94 REGION (UNIT)", into out.  librrd
 * centres a title and cuts what does not fit, but breaks lines at "\n":
 * a title too long for one line goes on two, the region and unit on the
 * second if that fits, else wrapped at spaces, in 10 point or, when that
 * takes more than two lines, in 9.  A character of DejaVu Sans Bold is
 * taken as 0.82 of the point size in pixels, a little above the average
 * of Dutch text.  Returns the point size.
 */
static int
title_wrap(const char *title, const char *regname, const char *unit,
    int width, char *out, size_t size)
{
	char	 full[LEGEND_MAX], second[LEGEND_MAX];
	size_t	 fit;
	int	 pt, n;

	snprintf(full, sizeof(full), "%s \xe2\x80\x94 %s (%s)", title,
	    regname, unit);
	snprintf(second, sizeof(second), "%s (%s)", regname, unit);
	for (pt = 10; pt >= 9; pt--) {
		fit = (size_t)((width - 24) / (0.82 * pt));
		if (utf8_len(full, sizeof(full)) <= fit) {
			strlcpy(out, full, size);
			return pt;
		}
		if (utf8_len(title, LEGEND_MAX) <= fit &&
		    utf8_len(second, sizeof(second)) <= fit &&
		    (n = snprintf(out, size, "%s\n%s", title, second)) >= 0 &&
		    (size_t)n < size)
			return pt;
		if (wrap(full, fit, out, size) <= 2)
			return pt;
	}
	return 9;
}

/*
 * "Basislijn 2020: 4,4%", with "(eigen reeks)" when the baseline is the
 * series' own 2020 rather than the strategy's figure.
 */
static void
base_text(enum lang lang, const struct indicator *ind, const struct gplan *g,
    char *buf, size_t size)
{
	char	 num[64], per[PERIOD_MAX];

	label_value(lang, g->base.value, ind->unit, num, sizeof(num));
	if (period_format(&g->base.period, per, sizeof(per)) == -1)
		strlcpy(per, "?", sizeof(per));
	if (g->base.from_catalog)
		snprintf(buf, size, "%s %s: %s", label(lang, L_BASELINE), per,
		    num);
	else
		snprintf(buf, size, "%s %s: %s (%s)", label(lang, L_BASELINE),
		    per, num, label(lang, L_FROM_SERIES));
}

/* A constant as an rrdtool RPN expression bound to the series v. */
static void
args_const(struct gargs *a, const char *name, double v)
{
	args_add(a, "CDEF:%s=%.17g,v,POP", name, v);
}

/*
 * The argv of rrd_graph_v for one series.  The drawing order is the
 * legend order, so zones are drawn first without a legend and get their
 * legend entries from empty areas after the line.
 */
static void
args_build(struct gargs *a, const struct gplan *g, const struct graph_req *rq,
    const char *rrd, const char *title, const char *regname)
{
	const struct indicator	*ind = rq->ind;
	char			 esc[LEGEND_MAX * 2], text[LEGEND_MAX];
	char			 wrapped[LEGEND_MAX];
	int			 i, warn = 0, crit = 0, tsize;

	args_add(a, "graph");
	args_add(a, "-");
	args_add(a, "--imgformat");
	args_add(a, "%s", rq->fmt == GRAPH_SVG ? "SVG" : "PNG");
	args_add(a, "--width");
	args_add(a, "%d", rq->width);
	args_add(a, "--height");
	args_add(a, "%d", rq->height);
	args_add(a, "--full-size-mode");
	args_add(a, "--start");
	args_add(a, "%lld", (long long)g->start);
	args_add(a, "--end");
	args_add(a, "%lld", (long long)g->end);
	tsize = title_wrap(title, regname, ind->unit, rq->width, wrapped,
	    sizeof(wrapped));
	args_add(a, "--title");
	args_add(a, "%s", wrapped);
	args_add(a, "--vertical-label");
	args_add(a, "%s", ind->unit);
	args_add(a, "--lower-limit");
	args_add(a, "%.17g", g->lo);
	args_add(a, "--upper-limit");
	args_add(a, "%.17g", g->hi);
	args_add(a, "--rigid");
	args_add(a, "--units-exponent");
	args_add(a, "0");
	args_add(a, "--x-grid");
	args_xgrid(a, g, ind, rq->width);
	args_add(a, "--disable-rrdtool-tag");
	args_add(a, "--border");
	args_add(a, "0");
	args_add(a, "--font");
	args_add(a, "DEFAULT:9:DejaVu Sans");
	args_add(a, "--font");
	args_add(a, "TITLE:%d:DejaVu Sans Bold", tsize);
	args_add(a, "--font");
	args_add(a, "AXIS:8:DejaVu Sans");
	args_add(a, "--color");
	args_add(a, "BACK#ffffff");
	args_add(a, "--color");
	args_add(a, "CANVAS#ffffff");
	args_add(a, "--color");
	args_add(a, "SHADEA#ffffff");
	args_add(a, "--color");
	args_add(a, "SHADEB#ffffff");
	args_add(a, "--color");
	args_add(a, "GRID#00000018");
	args_add(a, "--color");
	args_add(a, "MGRID#00000040");
	args_add(a, "--color");
	args_add(a, "FONT#222222");
	args_add(a, "--color");
	args_add(a, "ARROW#666666");

	legend_escape(rrd, esc, sizeof(esc));
	args_add(a, "DEF:v=%s:v:AVERAGE", esc);
	args_add(a, "CDEF:nan=UNKN,v,POP");

	/* Provisional stretches: a flag series, a grey column behind. */
	if (g->nprov > 0) {
		char	 expr[PROV_MAX * 48];
		size_t	 o = 0;
		int	 len;

		for (i = 0; i < g->nprov; i++) {
			len = snprintf(expr + o, sizeof(expr) - o,
			    "%sTIME,%lld,GT,TIME,%lld,LE,*%s",
			    i == 0 ? "" : ",", (long long)g->prov[i].start,
			    (long long)g->prov[i].end, i == 0 ? "" : ",+");
			if (len < 0 || (size_t)len >= sizeof(expr) - o) {
				a->failed = 1;
				break;
			}
			o += (size_t)len;
		}
		args_add(a, "CDEF:pf=%s,v,POP", expr);
		args_add(a, "CDEF:pv=pf,v,UNKN,IF");
		args_add(a, "TICK:pf%s:1", C_PROV_BG);
	}
	for (i = 0; i < g->nzones; i++) {
		char	 b[16], h[16];

		snprintf(b, sizeof(b), "z%db", i);
		snprintf(h, sizeof(h), "z%dh", i);
		args_const(a, b, g->zone[i][0]);
		args_const(a, h, g->zone[i][1] - g->zone[i][0]);
		args_add(a, "AREA:%s", b);
		args_add(a, "AREA:%s%s::STACK", h,
		    g->zone_crit[i] ? C_CRIT : C_WARN);
		if (g->zone_crit[i])
			crit = 1;
		else
			warn = 1;
	}

	legend_escape(label(rq->lang, L_OBSERVED), esc, sizeof(esc));
	args_add(a, "LINE2:v%s:%s", C_LINE, esc);
	if (g->nprov > 0) {
		legend_escape(label(rq->lang, L_PROVISIONAL_LEGEND), esc,
		    sizeof(esc));
		args_add(a, "LINE3:pv%s:%s:dashes=6,3", C_PROV, esc);
	}
	if (g->has_base) {
		base_text(rq->lang, ind, g, text, sizeof(text));
		legend_escape(text, esc, sizeof(esc));
		args_add(a, "HRULE:%.17g%s:%s\\l:dashes=8,4", g->base.value,
		    C_BASE, esc);
	} else
		args_add(a, "COMMENT:\\l");
	if (warn) {
		legend_escape(label(rq->lang, L_WARNING_ZONE), esc,
		    sizeof(esc));
		args_add(a, "AREA:nan%s:%s", C_WARN, esc);
	}
	if (crit) {
		legend_escape(label(rq->lang, L_CRITICAL_ZONE), esc,
		    sizeof(esc));
		args_add(a, "AREA:nan%s:%s", C_CRIT, esc);
	}
	if (warn || crit)
		args_add(a, "COMMENT:\\l");
	graph_latest_text(rq->lang, ind, &g->latest, g->latest_prov, text,
	    sizeof(text));
	legend_escape(text, esc, sizeof(esc));
	args_add(a, "COMMENT:%s\\l", esc);
}

/*
 * "Laatste: 5,9% (2024, voorlopig)": the latest value as the legend and
 * the report show it.
 */
void
graph_latest_text(enum lang lang, const struct indicator *ind,
    const struct point *latest, int provisional, char *buf, size_t size)
{
	char	 num[64], per[PERIOD_MAX];

	label_value(lang, latest->value, ind->unit, num, sizeof(num));
	if (period_format(&latest->period, per, sizeof(per)) == -1)
		strlcpy(per, "?", sizeof(per));
	snprintf(buf, size, "%s: %s (%s%s%s)", label(lang, L_LATEST), num,
	    per, provisional ? ", " : "",
	    provisional ? label(lang, L_PROVISIONAL) : "");
}

/*
 * Cairo draws an SVG's text as glyph outlines, so the title and the
 * legend cannot be read (or searched, or spoken by a screen reader) from
 * the file.  Put them in as the <title> and <desc> of the drawing, right
 * after the opening <svg> tag.  On success *img is replaced.  0, or -1
 * (logged) with *img untouched.
 */
static int
svg_describe(unsigned char **img, size_t *len, const char *title,
    const char *desc)
{
	unsigned char	*p, *end = *img + *len;
	char		*buf = NULL;
	size_t		 head, blen;
	FILE		*fp;

	p = memmem(*img, *len, "<svg", 4);
	if (p == NULL || (p = memchr(p, '>', (size_t)(end - p))) == NULL) {
		log_warnx("graph: librrd's SVG has no <svg> element");
		return -1;
	}
	head = (size_t)(p + 1 - *img);
	if ((fp = open_memstream(&buf, &blen)) == NULL) {
		log_warn("graph");
		return -1;
	}
	fwrite(*img, 1, head, fp);
	fputs("\n<title>", fp);
	report_html_puts(fp, title);
	fputs("</title>\n<desc>", fp);
	report_html_puts(fp, desc);
	fputs("</desc>", fp);
	fwrite(*img + head, 1, *len - head, fp);
	if (ferror(fp) | (fclose(fp) == EOF)) {
		log_warn("graph");
		free(buf);
		return -1;
	}
	free(*img);
	*img = (unsigned char *)buf;
	*len = blen;
	return 0;
}

/* The title and the legend's words of an SVG graph, for svg_describe. */
static int
svg_text(unsigned char **img, size_t *len, const struct graph_req *rq,
    const struct gplan *g)
{
	char	 title[LEGEND_MAX], base[LEGEND_MAX], latest[LEGEND_MAX];
	char	 desc[3 * LEGEND_MAX];

	snprintf(title, sizeof(title), "%s \xe2\x80\x94 %s (%s)",
	    graph_title(rq->lang, rq->ind), rq->reg->name, rq->ind->unit);
	base[0] = '\0';
	if (g->has_base)
		base_text(rq->lang, rq->ind, g, base, sizeof(base));
	graph_latest_text(rq->lang, rq->ind, &g->latest, g->latest_prov,
	    latest, sizeof(latest));
	snprintf(desc, sizeof(desc), "%s%s%s.", base, g->has_base ? ". " : "",
	    latest);
	return svg_describe(img, len, title, desc);
}

/* The indicator's title in lang (the Dutch one when there is no other). */
const char *
graph_title(enum lang lang, const struct indicator *ind)
{
	if (lang == LANG_EN && ind->title_en != NULL && *ind->title_en != '\0')
		return ind->title_en;
	return ind->title;
}

/*
 * Draw the series of rq->ind in rq->reg.  On 0, *out is a new buffer
 * holding the PNG or SVG (caller frees) of *len bytes.  1 when nothing is
 * stored for the series yet (not logged: the caller says it its way), -1
 * on failure (logged).
 */
int
graph_series(struct regiomon *rm, const struct graph_req *rq,
    unsigned char **out, size_t *len)
{
	struct gplan	 g;
	struct gargs	 a;
	struct point	*pts = NULL;
	json_t		*series;
	char		*rrd, key[2 * ID_MAX + 1];
	size_t		 n = 0;
	int		 rc = -1;

	*out = NULL;
	*len = 0;
	snprintf(key, sizeof(key), "%s/%s", rq->ind->id, rq->reg->id);
	if (store_read(rm->conf->state_dir, rq->ind->id, rq->reg->id,
	    rq->ind->freq, &pts, &n) == -1)
		return -1;
	series = json_object_get(json_object_get(rm->state, "series"), key);
	if (n == 0 || plan(&g, rq->ind, rq->reg->id, pts, n, series) == 1) {
		free(pts);
		return 1;
	}
	free(pts);
	if ((rrd = store_path(rm->conf->state_dir, rq->ind->id,
	    rq->reg->id)) == NULL)
		return -1;
	memset(&a, 0, sizeof(a));
	args_build(&a, &g, rq, rrd, graph_title(rq->lang, rq->ind),
	    rq->reg->name);
	free(rrd);
	if (a.failed) {
		log_warnx("graph %s: out of memory", key);
		goto done;
	}
	if (render_draw(rq->renderer, a.n, a.v, key, out, len) == -1)
		goto done;
	rc = 0;
	if (rq->fmt == GRAPH_SVG && svg_text(out, len, rq, &g) == -1) {
		free(*out);
		*out = NULL;
		*len = 0;
		rc = -1;
	}
done:
	args_free(&a);
	return rc;
}
