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

/* The latest value with its unit and period, "*" if provisional. */
static void
fmt_latest(char *buf, size_t size, const struct item *x, enum lang lang)
{
	const json_t	*l = json_object_get(x->ev, "latest");
	char		 val[64];

	if (l == NULL || json_is_null(l)) {
		snprintf(buf, size, "-");
		return;
	}
	label_value(lang, json_number_value(json_object_get(l, "value")),
	    x->ind->unit, indicator_decimals(x->ind), val, sizeof(val));
	snprintf(buf, size, "%s (%s%s)", val,
	    json_string_value(json_object_get(l, "period")),
	    json_is_true(json_object_get(l, "provisional")) ? "*" : "");
}

static void
fmt_base(char *buf, size_t size, const struct item *x, enum lang lang)
{
	const json_t	*b = json_object_get(x->ev, "baseline");
	char		 val[64], note[160];

	if (b == NULL || json_is_null(b)) {
		snprintf(buf, size, "%s", label(lang, L_MAIL_NO_BASELINE));
		return;
	}
	label_value(lang, json_number_value(json_object_get(b, "value")),
	    x->ind->unit, indicator_decimals(x->ind), val, sizeof(val));
	report_base_note(lang, b, note, sizeof(note));
	snprintf(buf, size, "%s (%s)%s%s", val,
	    json_string_value(json_object_get(b, "period")),
	    note[0] != '\0' ? "; " : "", note);
}

/*
 * A state in the mail's words: its name in English ("warning", "moved
 * strongly"), the report's badge in lower case in Dutch ("waarschuwing",
 * "sterk verschoven").  Into buf.
 */
static const char *
mail_state(enum lang lang, const char *state, char *buf, size_t size)
{
	size_t	 i;

	if (lang == LANG_EN && strcmp(state, "moved-strongly") == 0)
		return "moved strongly";
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
int
digest_severity(const struct item *x)
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
 * "regiomon: 3 reeksen in beweging (uitdaging 1, 5)"; "back to ok" when
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

/* ev[a] or ev[a][b] as a number, NaN if it is not one. */
static double
jdbl(const json_t *ev, const char *a, const char *b)
{
	const json_t	*v = json_object_get(ev, a);

	if (b != NULL)
		v = json_object_get(v, b);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * The shift in the mail's language with its unit: "+1,5 pp (+34,1%)",
 * "-1.234 banen (-2,0%)"; a shift of a percentage is in points.  As
 * many decimals as the latest and the baseline figure show.
 */
static void
fmt_shift(char *buf, size_t size, const struct item *x, enum lang lang)
{
	double		 abs = jdbl(x->ev, "shift_abs", NULL);
	double		 pct = jdbl(x->ev, "shift_pct", NULL);
	const char	*unit = x->ind->unit;
	char		 a[40], p[44];
	int		 dl, db;

	if (isnan(abs)) {
		snprintf(buf, size, "-");
		return;
	}
	dl = label_decimals(jdbl(x->ev, "latest", "value"),
	    indicator_decimals(x->ind));
	db = label_decimals(jdbl(x->ev, "baseline", "value"),
	    indicator_decimals(x->ind));
	if (isnan(pct))
		strlcpy(p, lang == LANG_EN ? "n/a" : "n.v.t.", sizeof(p));
	else {
		label_num(lang, pct, 1, 1, a, sizeof(a));
		snprintf(p, sizeof(p), "%s%%", a);
	}
	label_num(lang, abs, dl > db ? dl : db, 1, a, sizeof(a));
	snprintf(buf, size, "%s%s%s (%s)", a, unit != NULL && *unit != '\0' ?
	    " " : "", unit == NULL ? "" : strcmp(unit, "%") == 0 ? "pp" : unit,
	    p);
}

/*
 * The cells of x's row: its title and region, the change, the latest
 * figure, the shift against the baseline (with the definition note and
 * the progress towards a target, where there are).
 */
void
digest_cells(const struct item *x, char cells[DIGEST_NCOLS][256],
    enum lang lang)
{
	char	 shift[128], base[256], target[192], tt[160], word[32];

	snprintf(cells[0], 256, "%s", lang == LANG_EN &&
	    x->ind->title_en != NULL ? x->ind->title_en : x->ind->title);
	snprintf(cells[1], 256, "%s", x->reg->name);
	fmt_change(cells[2], 256, x, lang);
	fmt_latest(cells[3], 256, x, lang);
	fmt_shift(shift, sizeof(shift), x, lang);
	fmt_base(base, sizeof(base), x, lang);
	target[0] = '\0';
	if (json_is_object(json_object_get(x->ev, "target"))) {
		report_target_text(lang, json_object_get(x->ev, "target"),
		    x->ind, tt, sizeof(tt));
		strlcpy(word, label(lang, L_TARGET), sizeof(word));
		word[0] = (char)tolower((unsigned char)word[0]);
		if (snprintf(target, sizeof(target), "; %s %s", word, tt) < 0)
			target[0] = '\0';
	}
	/* Cut, never overflowing, when a long note makes it too wide. */
	if (snprintf(cells[4], 256, "%s %s %s%s", shift, label(lang,
	    L_MAIL_VS), base, target) < 0)
		cells[4][0] = '\0';
}

/* "Uitdaging 5: Robuuste arbeidsmarkt", in the mail's language. */
void
digest_heading(char *buf, size_t size, struct regiomon *rm, int number,
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
 * The counts of challenge number's items by the state they moved to,
 * most severe first, into buf: "Uitdaging 5: kritiek 2, waarschuwing
 * 1".  0 when the digest has none of that challenge.
 */
int
digest_count_line(char *buf, size_t size, const struct digest *d,
    int number)
{
	const char	*names[16];
	size_t		 counts[16], ranks[16], i, j, n = 0, o;
	char		 head[512], st[64];
	int		 r;

	for (i = 0; i < d->all->n; i++) {
		if (d->all->v[i].ind->challenge != number)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(names[j], d->all->v[i].to) == 0)
				break;
		if (j == n && n < nitems(names)) {
			names[n] = d->all->v[i].to;
			counts[n] = 0;
			ranks[n++] = (size_t)digest_severity(&d->all->v[i]);
		}
		if (j < n)
			counts[j]++;
	}
	if (n == 0)
		return 0;
	digest_heading(head, sizeof(head), d->rm, number, d->lang);
	o = (size_t)snprintf(buf, size, "%s:", head);
	/* Most severe first. */
	for (r = 99; r >= 0 && o < size; r--)
		for (j = 0; j < n && o < size; j++)
			if (ranks[j] == (size_t)r)
				o += (size_t)snprintf(buf + o, size - o,
				    "%s %s %zu", o > strlen(head) + 1 ? "," :
				    "", mail_state(d->lang, names[j], st,
				    sizeof(st)), counts[j]);
	return 1;
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
		o[i].severity = digest_severity(&it->v[i]);
	}
	qsort(o, it->n, sizeof(*o), ranked_cmp);
	return o;
}

/*
 * Attach the graphs (PNG) of the rows d shows, referenced from their
 * rows in the HTML part (mailgraph_attach in mailgraph.c), in the
 * report's language: at most GRAPH_MAIL_MAX, the most severe first.  A
 * graph that cannot be drawn is logged and left out: the alert goes
 * without it.
 */
static void
attach_graphs(struct regiomon *rm, struct digest *d, struct mail_msg *msg)
{
	struct ranked	*o = graph_order(&d->shown);
	size_t		 i, k;

	d->graph = xcalloc(d->shown.n + 1, sizeof(*d->graph));
	for (i = 0; i < d->shown.n && msg->nimages < GRAPH_MAIL_MAX; i++) {
		k = msg->nimages;
		(void)mailgraph_attach(rm, d->shown.v[o[i].i].ind,
		    d->shown.v[o[i].i].reg, d->lang, msg);
		if (msg->nimages > k)
			d->graph[o[i].i] = msg->images[k].cid;
	}
	free(o);
}

/* 1 if no item of it was ever mailed before: a new state's first news. */
static int
all_new(const struct items *it)
{
	size_t	 i;

	for (i = 0; i < it->n; i++)
		if (it->v[i].from != NULL)
			return 0;
	return 1;
}

/*
 * What the digest shows: every item, by challenge; or, for a summary,
 * the DIGEST_WORST most severe, most severe first.  Borrowed items.
 */
static void
choose_rows(struct digest *d, const struct items *it)
{
	struct ranked	*o;
	size_t		 i, n;

	if (!d->summary) {
		d->shown.v = xcalloc(it->n + 1, sizeof(*d->shown.v));
		memcpy(d->shown.v, it->v, it->n * sizeof(*it->v));
		d->shown.n = it->n;
		return;
	}
	o = graph_order(it);
	n = it->n < DIGEST_WORST ? it->n : DIGEST_WORST;
	d->shown.v = xcalloc(n + 1, sizeof(*d->shown.v));
	for (i = 0; i < n; i++)
		d->shown.v[i] = it->v[o[i].i];
	d->shown.n = n;
	free(o);
}

/*
 * Build the digest of it, in the report's language, into msg: members
 * new, free with mail_msg_free() also on failure.  A digest of more
 * than ac->summary_rows rows, or the first news of a new state (no row
 * mailed before) of more than DIGEST_WORST rows, is a summary: the
 * counts per challenge and state, the DIGEST_WORST most severe rows
 * and the report's address; its size does not grow with the table's.
 * 0, or -1 (logged).
 */
int
digest_build(struct regiomon *rm, const struct alertconf *ac,
    const struct items *it, struct mail_msg *msg)
{
	struct digest	 d;
	FILE		*fp;
	size_t		 len;
	int		 rc = -1;

	memset(msg, 0, sizeof(*msg));
	memset(&d, 0, sizeof(d));
	d.rm = rm;
	d.all = it;
	d.lang = report_conf_lang(rm->conf);
	d.url = report_conf_url(rm->conf);
	d.summary = it->n > ac->summary_rows || (it->n > DIGEST_WORST &&
	    all_new(it));
	choose_rows(&d, it);
	msg->subject = subject(it, d.lang);
	d.subject = msg->subject;
	attach_graphs(rm, &d, msg);
	if ((fp = open_memstream(&msg->text, &len)) == NULL)
		goto out;
	digest_text(fp, &d);
	if (fclose(fp) == EOF)
		goto out;
	if ((fp = open_memstream(&msg->html, &len)) == NULL)
		goto out;
	digest_html(fp, &d);
	if (fclose(fp) == EOF)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		log_err("alert digest");
	free(d.shown.v);
	free(d.graph);
	return rc;
}
