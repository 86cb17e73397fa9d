/* SPDX-License-Identifier: ISC */
/*
 * digest.c: the text of an alert digest: its subject, the table of what
 * moved in plain text and in HTML, one block per challenge, and the
 * graphs of the most severe series.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

/*
 * A figure as the mail's language writes it: "4,4" and "12.345" in
 * Dutch, fmt_human()'s "4.4" and "12345" in English, as before.
 */
static void
mail_num(enum lang lang, double v, char *buf, size_t size)
{
	if (lang == LANG_EN)
		fmt_human(buf, size, v, FMT_HUMAN_DEC);
	else
		label_num(lang, v, FMT_HUMAN_DEC, 0, buf, size);
}

/* The latest value and its period, "*" if provisional: "5.9 (2024*)". */
static void
fmt_latest(char *buf, size_t size, const json_t *ev, enum lang lang)
{
	const json_t	*l = json_object_get(ev, "latest");
	char		 val[64];

	if (l == NULL || json_is_null(l)) {
		snprintf(buf, size, "-");
		return;
	}
	mail_num(lang, json_number_value(json_object_get(l, "value")), val,
	    sizeof(val));
	snprintf(buf, size, "%s (%s%s)", val,
	    json_string_value(json_object_get(l, "period")),
	    json_is_true(json_object_get(l, "provisional")) ? "*" : "");
}

static void
fmt_base(char *buf, size_t size, const json_t *ev, enum lang lang)
{
	const json_t	*b = json_object_get(ev, "baseline");
	char		 val[64];

	if (b == NULL || json_is_null(b)) {
		snprintf(buf, size, "%s", label(lang, L_MAIL_NO_BASELINE));
		return;
	}
	mail_num(lang, json_number_value(json_object_get(b, "value")), val,
	    sizeof(val));
	snprintf(buf, size, "%s (%s)", val,
	    json_string_value(json_object_get(b, "period")));
}

/*
 * A state in the mail's words: its name in English ("warning"), the
 * report's badge in lower case in Dutch ("waarschuwing").  Into buf.
 */
static const char *
mail_state(enum lang lang, const char *state, char *buf, size_t size)
{
	size_t	 i;

	if (lang == LANG_EN)
		return state;
	strlcpy(buf, label_state(lang, state), size);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return buf;
}

/*
 * The state a series moved to, for a stale one with the judgement of its
 * last figure, as status shows it: a critical figure that stopped coming
 * is still critical news ("stale (critical)").
 */
static const char *
fmt_to(char *buf, size_t size, const struct item *x, enum lang lang)
{
	const char	*judged;
	char		 a[64], b[64];

	judged = json_string_value(json_object_get(x->ev, "judged"));
	if (strcmp(x->to, "stale") != 0 || judged == NULL ||
	    strcmp(judged, "stale") == 0 || strcmp(judged, "nodata") == 0)
		return mail_state(lang, x->to, buf, size);
	snprintf(buf, size, "%s (%s)", mail_state(lang, "stale", a,
	    sizeof(a)), mail_state(lang, judged, b, sizeof(b)));
	return buf;
}

/* "ok -> warning", "warning -> ok (resolved)", "new -> stale (critical)". */
static void
fmt_change(char *buf, size_t size, const struct item *x, enum lang lang)
{
	const char	*new = label(lang, L_MAIL_NEW);
	char		 from[64], to[160], ok[64];

	if (x->kind == K_REMINDER)
		snprintf(buf, size, "%s %s", label(lang, L_MAIL_STILL),
		    mail_state(lang, x->to, to, sizeof(to)));
	else if (x->kind == K_RESOLVED)
		snprintf(buf, size, "%s -> %s (%s)", x->from != NULL ?
		    mail_state(lang, x->from, from, sizeof(from)) : new,
		    mail_state(lang, "ok", ok, sizeof(ok)),
		    label(lang, L_MAIL_RESOLVED));
	else
		snprintf(buf, size, "%s -> %s", x->from != NULL ?
		    mail_state(lang, alert_mail_class(x->from), from,
		    sizeof(from)) : new, fmt_to(to, sizeof(to), x, lang));
}

/*
 * How much a reader needs to see x's graph: by the state it is in, a
 * stale series by its last figure's judgement.  Higher first.
 */
static int
item_severity(const struct item *x)
{
	const char	*st = x->to;
	enum estate	 s;

	if (strcmp(st, "stale") == 0 && json_is_string(json_object_get(x->ev,
	    "judged")))
		st = json_string_value(json_object_get(x->ev, "judged"));
	if (eval_state_parse(st, &s) == -1)
		return 0;
	return eval_state_rank(s);
}

/*
 * "uitdaging 1, 5" ("challenge 1, 5") for the challenges of the items, in
 * order.
 */
static void
fmt_challenges(char *buf, size_t size, const struct items *it,
    enum lang lang)
{
	char	 word[32];
	size_t	 i, o = 0;
	int	 n, last = 0;

	strlcpy(word, label(lang, L_CHALLENGE), sizeof(word));
	word[0] = (char)tolower((unsigned char)word[0]);
	buf[0] = '\0';
	for (i = 0; i < it->n; i++) {
		if (it->v[i].ind->challenge == last)
			continue;
		last = it->v[i].ind->challenge;
		if (o == 0)
			n = snprintf(buf, size, "%s %d", word, last);
		else
			n = snprintf(buf + o, size - o, ", %d", last);
		if (n < 0 || (size_t)n >= size - o)
			break;
		o += (size_t)n;
	}
}

/*
 * "regiomon: 3 indicators moved (uitdaging 1, 5)"; "back to ok" when
 * every move is a resolution; reminders counted after the moves.
 */
static char *
subject(const struct items *it, enum lang lang)
{
	char		 chal[256], moves[64] = "", rem[64] = "";
	size_t		 i, nmoved = 0, nres = 0, nrem = 0;
	char		*s;

	for (i = 0; i < it->n; i++) {
		if (it->v[i].kind == K_REMINDER)
			nrem++;
		else {
			nmoved++;
			if (it->v[i].kind == K_RESOLVED)
				nres++;
		}
	}
	fmt_challenges(chal, sizeof(chal), it, lang);
	if (nmoved > 0)
		snprintf(moves, sizeof(moves), "%zu %s %s", nmoved,
		    label(lang, nmoved == 1 ? L_MAIL_INDICATOR :
		    L_MAIL_INDICATORS), label(lang, nres == nmoved ?
		    L_MAIL_BACK_OK : L_MAIL_MOVED));
	if (nrem > 0)
		snprintf(rem, sizeof(rem), "%s%zu %s", nmoved > 0 ? ", " : "",
		    nrem, label(lang, nrem == 1 ? L_MAIL_REMINDER :
		    L_MAIL_REMINDERS));
	xasprintf(&s, "regiomon: %s%s (%s)", moves, rem, chal);
	return s;
}

/* The digest's table: a header and one row per item. */
#define NCOLS	5
static const enum lbl headings[NCOLS] = {
	L_MAIL_H_INDICATOR, L_KIND_REGION, L_MAIL_H_CHANGE, L_LATEST,
	L_MAIL_H_SHIFT
};

/* ev[a] or ev[a][b] as a number, NaN if it is not one. */
static double
jdbl(const json_t *ev, const char *a, const char *b)
{
	const json_t	*v = json_object_get(ev, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void
row_cells(const struct item *x, char cells[NCOLS][256], enum lang lang)
{
	char	 shift[96], base[96], *p;

	snprintf(cells[0], 256, "%s", lang == LANG_EN &&
	    x->ind->title_en != NULL ? x->ind->title_en : x->ind->title);
	snprintf(cells[1], 256, "%s", x->reg->name);
	fmt_change(cells[2], 256, x, lang);
	fmt_latest(cells[3], 256, x->ev, lang);
	status_fmt_shift(shift, sizeof(shift), jdbl(x->ev, "shift_abs", NULL),
	    jdbl(x->ev, "shift_pct", NULL), jdbl(x->ev, "latest", "value"),
	    jdbl(x->ev, "baseline", "value"), x->ind->unit);
	/* status's "+1.5 pp (+34.1%)" has no thousands: only decimals. */
	if (lang == LANG_NL) {
		for (p = shift; *p != '\0'; p++)
			if (*p == '.')
				*p = ',';
		if ((p = strstr(shift, "(n/a)")) != NULL)
			strlcpy(p, "(n.v.t.)", sizeof(shift) - (size_t)(p -
			    shift));
	}
	fmt_base(base, sizeof(base), x->ev, lang);
	snprintf(cells[4], 256, "%s %s %s", shift, label(lang, L_MAIL_VS),
	    base);
}

/* "Uitdaging 5: Robuuste arbeidsmarkt", in the mail's language. */
static void
fmt_heading(char *buf, size_t size, struct regiomon *rm, int number,
    enum lang lang)
{
	const struct challenge	*ch = catalog_challenge(rm->catalog, number);
	const char		*title = "";

	if (ch != NULL)
		title = lang == LANG_EN && ch->title_en != NULL ?
		    ch->title_en : ch->title;
	snprintf(buf, size, "%s %d: %s", label(lang, L_CHALLENGE), number,
	    title);
}

/*
 * The plain text body: one block per challenge, columns aligned over the
 * whole mail (widths in characters, not bytes: titles are Dutch UTF-8).
 */
static void
text_body(FILE *fp, struct regiomon *rm, const struct items *it,
    const char *subj, enum lang lang)
{
	char			 cells[NCOLS][256], head[512];
	size_t			 w[NCOLS], i, c, len;
	int			 last = 0, prov = 0;

	for (c = 0; c < NCOLS; c++)
		w[c] = status_width(label(lang, headings[c]));
	for (i = 0; i < it->n; i++) {
		row_cells(&it->v[i], cells, lang);
		for (c = 0; c < NCOLS; c++)
			if ((len = status_width(cells[c])) > w[c])
				w[c] = len;
		prov |= strchr(cells[3], '*') != NULL;
	}
	fprintf(fp, "%s\n", subj + strlen("regiomon: "));
	if (status_banner(rm->conf, head, sizeof(head))) {
		fputc('\n', fp);
		status_wrap(fp, head, 72, "");
	}
	for (i = 0; i < it->n; i++) {
		if (it->v[i].ind->challenge != last) {
			last = it->v[i].ind->challenge;
			fmt_heading(head, sizeof(head), rm, last, lang);
			fprintf(fp, "\n%s\n\n", head);
			fputs("  ", fp);
			for (c = 0; c < NCOLS; c++)
				status_pad(fp, label(lang, headings[c]),
				    c + 1 < NCOLS ? w[c] + 2 : 0);
			fputc('\n', fp);
		}
		row_cells(&it->v[i], cells, lang);
		fputs("  ", fp);
		for (c = 0; c < NCOLS; c++)
			status_pad(fp, cells[c], c + 1 < NCOLS ? w[c] + 2 : 0);
		fputc('\n', fp);
	}
	fputs("\n", fp);
	if (prov)
		fprintf(fp, "* %s\n", label(lang, L_MAIL_PROVISIONAL));
	fprintf(fp, "%s\n", label(lang, L_MAIL_SHIFT_NOTE));
	if (it->n > GRAPH_MAIL_MAX && lang == LANG_EN)
		fprintf(fp, "Graphs: the %d most severe of these %zu series "
		    "(the HTML part).\n", GRAPH_MAIL_MAX, it->n);
	else if (it->n > GRAPH_MAIL_MAX)
		fprintf(fp, "Grafieken: de %d ernstigste van deze %zu reeksen "
		    "(het HTML-deel).\n", GRAPH_MAIL_MAX, it->n);
	fprintf(fp, "%s\n", label(lang, L_MAIL_HOWTO));
}

static void
html_body(FILE *fp, struct regiomon *rm, const struct items *it,
    const char *subj, enum lang lang)
{
	char			 cells[NCOLS][256], head[512];
	size_t			 i, c;
	int			 last = 0;

	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	    "<title>", fp);
	report_html_puts(fp, subj);
	fputs("</title></head>\n<body style=\"font-family: sans-serif\">\n"
	    "<p>", fp);
	report_html_puts(fp, subj + strlen("regiomon: "));
	fputs("</p>\n", fp);
	if (status_banner(rm->conf, head, sizeof(head))) {
		fputs("<p><strong>", fp);
		report_html_puts(fp, head);
		fputs("</strong></p>\n", fp);
	}
	for (i = 0; i < it->n; i++) {
		if (it->v[i].ind->challenge != last) {
			if (last != 0)
				fputs("</table>\n", fp);
			last = it->v[i].ind->challenge;
			fmt_heading(head, sizeof(head), rm, last, lang);
			fputs("<h2>", fp);
			report_html_puts(fp, head);
			fputs("</h2>\n<table border=\"1\" cellpadding=\"4\" "
			    "style=\"border-collapse: collapse\">\n<tr>", fp);
			for (c = 0; c < NCOLS; c++) {
				fputs("<th>", fp);
				report_html_puts(fp, label(lang, headings[c]));
				fputs("</th>", fp);
			}
			fputs("</tr>\n", fp);
		}
		row_cells(&it->v[i], cells, lang);
		fputs("<tr>", fp);
		for (c = 0; c < NCOLS; c++) {
			fputs("<td>", fp);
			report_html_puts(fp, cells[c]);
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	if (last != 0)
		fputs("</table>\n", fp);
	fputs("<p>* ", fp);
	report_html_puts(fp, label(lang, L_MAIL_PROVISIONAL));
	fputs(". ", fp);
	report_html_puts(fp, label(lang, L_MAIL_SHIFT_NOTE));
	if (it->n > GRAPH_MAIL_MAX && lang == LANG_EN)
		fprintf(fp, " Graphs below: the %d most severe of these %zu "
		    "series.", GRAPH_MAIL_MAX, it->n);
	else if (it->n > GRAPH_MAIL_MAX)
		fprintf(fp, " Grafieken hieronder: de %d ernstigste van deze "
		    "%zu reeksen.", GRAPH_MAIL_MAX, it->n);
	fputs("</p>\n</body></html>\n", fp);
}

struct ranked {
	size_t	 i;
	int	 severity;
};

/* Most severe first; among equals, the digest's order. */
static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked	*x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The digest's items the graphs are drawn for, most severe first: a
 * first run's digest lists every series, and its few graphs belong to
 * the critical ones, not to the first ok ones of challenge 1.  New,
 * it->n entries.
 */
static struct ranked *
graph_order(const struct items *it)
{
	struct ranked	*o = xcalloc(it->n > 0 ? it->n : 1, sizeof(*o));
	size_t		 i;

	for (i = 0; i < it->n; i++) {
		o[i].i = i;
		o[i].severity = item_severity(&it->v[i]);
	}
	qsort(o, it->n, sizeof(*o), ranked_cmp);
	return o;
}

/*
 * Attach the graph (PNG) of the digest's series to msg, referenced from
 * the HTML part (mailgraph_attach in mailgraph.c), in the report's
 * language: at most GRAPH_MAIL_MAX, the most severe first.  A graph that
 * cannot be drawn is logged and left out: the alert goes without it.
 * Returns 0.
 */
static int
alert_attach_graphs(struct regiomon *rm, const struct items *it,
    struct mail_msg *msg)
{
	enum lang	 lang = report_conf_lang(rm->conf);
	struct ranked	*o = graph_order(it);
	size_t		 i;

	for (i = 0; i < it->n && msg->nimages < GRAPH_MAIL_MAX; i++)
		(void)mailgraph_attach(rm, it->v[o[i].i].ind,
		    it->v[o[i].i].reg, lang, msg);
	free(o);
	return 0;
}

/*
 * Build the digest of it, in the report's language, into msg: members
 * new, free with mail_msg_free() also on failure.  0, or -1 (logged).
 */
int
digest_build(struct regiomon *rm, const struct items *it, struct mail_msg *msg)
{
	enum lang	 lang = report_conf_lang(rm->conf);
	FILE		*fp;
	size_t		 len;

	memset(msg, 0, sizeof(*msg));
	msg->subject = subject(it, lang);
	if ((fp = open_memstream(&msg->text, &len)) == NULL)
		goto fail;
	text_body(fp, rm, it, msg->subject, lang);
	if (fclose(fp) == EOF)
		goto fail;
	if ((fp = open_memstream(&msg->html, &len)) == NULL)
		goto fail;
	html_body(fp, rm, it, msg->subject, lang);
	if (fclose(fp) == EOF)
		goto fail;
	return alert_attach_graphs(rm, it, msg);
fail:
	log_err("alert digest");
	return -1;
}
