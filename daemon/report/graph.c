/* SPDX-License-Identifier: ISC */
/*
 * graph.c: the graph of one series, drawn from its plan (graph_plan.c) by
 * its rrd_graph_v arguments (graph_args.c) through render.c: the entry
 * point of `regiomon graph`, the report and the graphs of alert mail.
 * Also the words of the legend, and of an SVG graph.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

/*
 * "Basislijn 2020: 4,4%", with "(eigen reeks)" when the baseline is the
 * series' own 2020 rather than the strategy's figure, "(definitie wijkt
 * af)" when the series' own value replaced a figure it disagrees with.
 */
void
graph_base_text(enum lang lang, const struct indicator *ind,
    const struct gplan *g, char *buf, size_t size)
{
	char	 num[64], per[PERIOD_MAX];

	label_value(lang, g->base.value, ind->unit, indicator_decimals(ind),
	    num, sizeof(num));
	if (period_format(&g->base.period, per, sizeof(per)) == -1)
		strlcpy(per, "?", sizeof(per));
	if (g->base.from_catalog)
		snprintf(buf, size, "%s %s: %s", label(lang, L_BASELINE), per,
		    num);
	else if (g->base.differs)
		snprintf(buf, size, "%s %s: %s (%s)", label(lang, L_BASELINE),
		    per, num, label(lang, L_DEF_DIFFERS));
	else
		snprintf(buf, size, "%s %s: %s (%s)", label(lang, L_BASELINE),
		    per, num, label(lang, L_FROM_SERIES));
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

	label_value(lang, latest->value, ind->unit, indicator_decimals(ind),
	    num, sizeof(num));
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
		graph_base_text(rq->lang, rq->ind, g, base, sizeof(base));
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

/* FNV-1a, 128 bits, over len bytes of p: the graph's digest. */
static void
digest_add(u128 *h, const void *p, size_t len)
{
	const unsigned char	*b = p;
	const u128		 prime = ((u128)1 << 88) + 0x13b;

	while (len-- > 0) {
		*h ^= *b++;
		*h *= prime;
	}
}

/* A string and its end, so that "ab","c" and "a","bc" differ. */
static void
digest_str(u128 *h, const char *s)
{
	digest_add(h, s, strlen(s) + 1);
}

/*
 * The digest of what the graph of d shows: the graph code's version,
 * librrd's, the arguments for rrd_graph_v (size, language, title,
 * axis, zones, baseline, provisional stretches, legend, the file) and
 * the points of the series (what rrd_graph_v reads from the file), as
 * 32 hex digits into d->digest.
 */
static void
digest_make(struct gdraw *d, const struct graph_req *rq,
    const struct point *pts, size_t n)
{
	u128	 h;
	char	 buf[PERIOD_MAX + 40];
	size_t	 i;
	int	 j;

	h = ((u128)0x6c62272e07bb0142ULL << 64) | 0x62b821756295c58dULL;
	digest_str(&h, GRAPH_CODE_VERSION);
	digest_str(&h, render_version());
	/* The axis' decimal separator too: the renderer's, not an argument. */
	snprintf(buf, sizeof(buf), "%d %d %d", (int)rq->fmt, d->a.comma,
	    d->a.n);
	digest_str(&h, buf);
	for (j = 0; j < d->a.n; j++)
		digest_str(&h, d->a.v[j]);
	for (i = 0; i < n; i++) {
		if (period_format(&pts[i].period, buf, PERIOD_MAX) == -1)
			strlcpy(buf, "?", sizeof(buf));
		digest_str(&h, buf);
		if (isnan(pts[i].value))
			strlcpy(buf, "nan", sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "%.17g", pts[i].value);
		digest_str(&h, buf);
	}
	snprintf(d->digest, sizeof(d->digest), "%016llx%016llx",
	    (unsigned long long)(h >> 64), (unsigned long long)h);
}

/*
 * The graph of rq->ind in rq->reg, ready to draw: its plan, its
 * arguments for rrd_graph_v and the digest of what it shows.  0 (end
 * with graph_done), 1 when nothing is stored for the series yet (not
 * logged), -1 on failure (logged).
 */
int
graph_prepare(struct regiomon *rm, const struct graph_req *rq,
    struct gdraw *d)
{
	struct point	*pts = NULL;
	json_t		*series;
	char		*rrd;
	size_t		 n = 0;

	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "%s/%s", rq->ind->id, rq->reg->id);
	if (store_read(rm->conf->state_dir, rq->ind->id, rq->reg->id,
	    rq->ind->freq, &pts, &n) == -1)
		return -1;
	series = json_object_get(json_object_get(rm->state, "series"),
	    d->key);
	if (n == 0 ||
	    graph_plan(&d->g, rq->ind, rq->reg->id, pts, n, series) == 1) {
		free(pts);
		return 1;
	}
	if ((rrd = store_path(rm->conf->state_dir, rq->ind->id,
	    rq->reg->id)) == NULL) {
		free(pts);
		return -1;
	}
	graph_args_build(&d->a, &d->g, rq, rrd, graph_title(rq->lang,
	    rq->ind), rq->reg->name);
	free(rrd);
	if (d->a.failed) {
		log_warnx("graph %s: out of memory", d->key);
		free(pts);
		graph_done(d);
		return -1;
	}
	digest_make(d, rq, pts, n);
	free(pts);
	return 0;
}

/*
 * Draw the graph d prepared.  On 0, *out is a new buffer holding the
 * PNG or SVG (caller frees) of *len bytes; -1 on failure (logged).
 */
int
graph_draw(const struct graph_req *rq, const struct gdraw *d,
    unsigned char **out, size_t *len)
{
	struct render_job	 j;

	/* One job, drawn at once: what render_jobs() does for many. */
	graph_job(d, &j);
	(void)render_draw(rq->renderer, j.comma, j.argc, j.argv, j.what,
	    &j.out, &j.len);
	*out = NULL;
	*len = 0;
	if (graph_job_done(rq, d, &j) == -1)
		return -1;
	*out = j.out;
	*len = j.len;
	return 0;
}

/* The job that draws the graph d prepared, for render_jobs(). */
void
graph_job(const struct gdraw *d, struct render_job *j)
{
	memset(j, 0, sizeof(*j));
	j->argv = (char **)d->a.v;
	j->argc = d->a.n;
	j->comma = d->a.comma;
	j->what = d->key;
}

/*
 * The image of a job of graph_job() as graph_draw() returns it (an SVG
 * gets its words, svg_text()).  0 with the image in j->out, or -1 with
 * j->out NULL: not drawn (logged).
 */
int
graph_job_done(const struct graph_req *rq, const struct gdraw *d,
    struct render_job *j)
{
	if (j->out == NULL)
		return -1;
	if (rq->fmt == GRAPH_SVG && svg_text(&j->out, &j->len, rq,
	    &d->g) == -1) {
		free(j->out);
		j->out = NULL;
		j->len = 0;
		return -1;
	}
	return 0;
}

/* The end of a graph_prepare that returned 0. */
void
graph_done(struct gdraw *d)
{
	graph_args_free(&d->a);
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
	struct gdraw	 d;
	int		 rc;

	*out = NULL;
	*len = 0;
	if ((rc = graph_prepare(rm, rq, &d)) != 0)
		return rc;
	rc = graph_draw(rq, &d, out, len);
	graph_done(&d);
	return rc;
}
