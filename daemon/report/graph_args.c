/* SPDX-License-Identifier: ISC */
/*
 * graph_args.c: the graph of one series (its plan, graph_plan.c) as
 * rrd_graph_v arguments: the series line, its baseline as a dashed rule,
 * the zones shaded, provisional periods marked, the x grid, the title
 * wrapped to fit and the legend; render.c draws it.
 */
#include <stdarg.h>
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

/* Colours: readable on white and apart for the colour-blind. */
#define C_LINE		"#1f5fa8"
#define C_PROV		"#e07000"
#define C_PROV_BG	"#0000001a"
#define C_BASE		"#b00020"
#define C_WARN		"#ffcf70a0"
#define C_CRIT		"#f28b82a0"
#define C_MOVED		"#a8c8f8a0"	/* a neutral indicator's zones */
#define C_MOVED_STRONG	"#6f9fe8a0"

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

/* Free the arguments in a, which may be reused empty. */
void
graph_args_free(struct gargs *a)
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

/*
 * Thousands on the y axis.  rrdtool's axis format has no grouping flag
 * ("%'.0lf" is refused), but with --units-exponent E it prints each label
 * divided by 10^E: with E = 3 and "%.3lf" a label of 585000 reads
 * "585.000", the decimal separator standing where the thousands
 * separator goes, and for E = 6, 9 literal groups follow ("%.3lf.000").
 * So a Dutch grouped axis is printed with a decimal point, an English one
 * with a decimal comma.  Only where that is exact: whole labels between
 * 10^E and 10^(E+3) in size, all of them, and a step that is a multiple of
 * 10^(E-3).  The E into *e and 0; -1 where the axis is not grouped.
 */
static int
ygrid_groups(const struct gplan *g, double step, int *e)
{
	double	 first = ceil(g->lo / step) * step;
	double	 last = floor(g->hi / step) * step;
	double	 small, big, p;

	if (first > last || (first < 0 && last > 0))
		return -1;
	small = fmin(fabs(first), fabs(last));
	big = fmax(fabs(first), fabs(last));
	for (*e = 3, p = 1e3; *e <= 9; *e += 3, p *= 1e3)
		if (small >= p && big < p * 1e3)
			return fmod(step, p / 1e3) == 0 ? 0 : -1;
	return -1;
}

/*
 * The y grid, chosen here and not by rrdtool: a step of 1, 2 or 5 times a
 * power of ten that gives three to nine lines over [lo, hi], every line
 * labelled with as many decimals as the step has.  rrdtool's own choice
 * labels a narrow range with whole numbers, so one label stood for
 * several lines ("18 18 18 17 17").  Labels one step apart and shown to
 * the step's decimals are never the same.  Numbers as lang writes them:
 * a->comma asks the renderer for a decimal comma (render_numbers.c),
 * thousands grouped where ygrid_groups() can.
 */
static void
args_ygrid(struct gargs *a, const struct gplan *g, enum lang lang)
{
	static const double	 nice[] = { 1, 2, 5 };
	double			 span = g->hi - g->lo, mag, step = 0;
	char			 fmt[32];
	size_t			 i;
	int			 dec, e, k, o;

	a->comma = lang == LANG_NL;
	if (!(span > 0) || !isfinite(span)) {
		args_add(a, "--units-exponent");
		args_add(a, "0");
		return;
	}
	mag = pow(10, floor(log10(span / 8)));
	for (i = 0; i < nitems(nice) && step == 0; i++)
		if (span / (nice[i] * mag) <= 8)
			step = nice[i] * mag;
	if (step == 0)
		step = 10 * mag;
	dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	args_add(a, "--y-grid");
	args_add(a, "%.*f:1", dec, step);
	if (dec > 0 || ygrid_groups(g, step, &e) == -1) {
		args_add(a, "--units-exponent");
		args_add(a, "0");
		args_add(a, "--left-axis-format");
		args_add(a, "%%.%dlf", dec);
		return;
	}
	a->comma = lang == LANG_EN;
	o = snprintf(fmt, sizeof(fmt), "%%.3lf");
	for (k = 6; k <= e; k += 3)
		o += snprintf(fmt + o, sizeof(fmt) - (size_t)o, "%c000",
		    lang == LANG_EN ? ',' : '.');
	args_add(a, "--units-exponent");
	args_add(a, "%d", e);
	args_add(a, "--left-axis-format");
	args_add(a, "%s", fmt);
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

/* A constant as an rrdtool RPN expression bound to the series v. */
static void
args_const(struct gargs *a, const char *name, double v)
{
	args_add(a, "CDEF:%s=%.17g,v,POP", name, v);
}

/*
 * The argv of rrd_graph_v for one series.  The drawing order is the
 * legend order, so zones are drawn first without a legend and get their
 * legend entries from empty areas after the line.  Into a, zeroed by the
 * caller; a->failed when out of memory or room.  Free with
 * graph_args_free().
 */
void
graph_args_build(struct gargs *a, const struct gplan *g,
    const struct graph_req *rq, const char *rrd, const char *title,
    const char *regname)
{
	const struct indicator	*ind = rq->ind;
	char			 esc[LEGEND_MAX * 2], text[LEGEND_MAX];
	char			 wrapped[LEGEND_MAX];
	int			 i, warn = 0, crit = 0, tsize;
	int			 neutral = ind->direction == DIR_NEUTRAL;

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
	args_add(a, "--x-grid");
	args_xgrid(a, g, ind, rq->width);
	args_ygrid(a, g, rq->lang);
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
		args_add(a, "AREA:%s%s::STACK", h, g->zone_crit[i] ?
		    (neutral ? C_MOVED_STRONG : C_CRIT) :
		    (neutral ? C_MOVED : C_WARN));
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
		graph_base_text(rq->lang, ind, g, text, sizeof(text));
		legend_escape(text, esc, sizeof(esc));
		args_add(a, "HRULE:%.17g%s:%s\\l:dashes=8,4", g->base.value,
		    C_BASE, esc);
	} else
		args_add(a, "COMMENT:\\l");
	/* A neutral indicator's zones are moves, not bad news. */
	if (warn) {
		legend_escape(label(rq->lang, neutral ? L_MOVED_ZONE :
		    L_WARNING_ZONE), esc, sizeof(esc));
		args_add(a, "AREA:nan%s:%s", neutral ? C_MOVED : C_WARN, esc);
	}
	if (crit) {
		legend_escape(label(rq->lang, neutral ? L_MOVED_STRONGLY_ZONE :
		    L_CRITICAL_ZONE), esc, sizeof(esc));
		args_add(a, "AREA:nan%s:%s", neutral ? C_MOVED_STRONG : C_CRIT,
		    esc);
	}
	if (warn || crit)
		args_add(a, "COMMENT:\\l");
	graph_latest_text(rq->lang, ind, &g->latest, g->latest_prov, text,
	    sizeof(text));
	legend_escape(text, esc, sizeof(esc));
	args_add(a, "COMMENT:%s\\l", esc);
}
