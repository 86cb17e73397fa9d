/* SPDX-License-Identifier: ISC */
/*
 * status.c: the state of every series per challenge, as the JSON document
 * `regiomon status --json` prints and the text table is drawn from, plus
 * the small text helpers (widths in characters, shift notation) that the
 * status table and the alert digest share.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"

#define STATUS_VERSION	1

/* Display width of UTF-8 text: one column per character. */
size_t
status_width(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Print s, then spaces up to width columns (none if it is wider). */
void
status_pad(FILE *fp, const char *s, size_t width)
{
	size_t	 w = status_width(s);

	out_printf(fp, "%s", s);
	for (; w < width; w++)
		fputc(' ', fp);
}

/*
 * The banner of a config that shows illustrative data (its
 * "illustrative" section, the demo's): "Illustrative data, not the
 * region's real state: NOTE".  1 with it in buf, or 0 (buf "") for a
 * config of real data.  Status, the report and the alert mail show it
 * first, so that no screenshot of the demo passes for the real state.
 */
int
status_banner(const struct conf *conf, char *buf, size_t size)
{
	if (conf == NULL || conf->ill_note == NULL) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	snprintf(buf, size, "Illustrative data, not the region's real state: "
	    "%s", conf->ill_note);
	return 1;
}

/*
 * Print s on fp in lines of at most width characters (a longer word gets
 * a line of its own), each after prefix.
 */
void
status_wrap(FILE *fp, const char *s, size_t width, const char *prefix)
{
	size_t	 col, n, w;

	while (*s != '\0') {
		out_printf(fp, "%s", prefix);
		col = status_width(prefix);
		for (n = 0;; n++) {
			while (*s == ' ')
				s++;
			w = strcspn(s, " ");
			if (w == 0 || (n > 0 && col + 1 + w > width))
				break;
			out_printf(fp, "%s%.*s", n > 0 ? " " : "", (int)w, s);
			col += (n > 0) + w;
			s += w;
		}
		fputc('\n', fp);
	}
}

/*
 * 1 if the config marks the series of indicator ind in region as
 * invented: its "illustrative" section names "ind" or "ind/region".
 */
int
status_illustrative(const struct conf *conf, const char *ind,
    const char *region)
{
	const json_t	*e;
	const char	*s;
	size_t		 i, n = strlen(ind);

	json_array_foreach(conf->ill_series, i, e) {
		s = json_string_value(e);
		if (strncmp(s, ind, n) == 0 && (s[n] == '\0' ||
		    (s[n] == '/' && strcmp(s + n + 1, region) == 0)))
			return 1;
	}
	return 0;
}

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
jtime(json_t *epoch)
{
	struct tm	 tm;
	time_t		 t;
	char		 buf[32];

	if (!json_is_integer(epoch))
		return json_null();
	t = (time_t)json_integer_value(epoch);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(buf);
}

static const char *
direction_name(enum direction d)
{
	switch (d) {
	case DIR_HIGHER_IS_BETTER:
		return "higher-is-better";
	case DIR_LOWER_IS_BETTER:
		return "lower-is-better";
	default:
		return "neutral";
	}
}

/*
 * The eval of a series for display at now: the saved one if it is
 * current, else a fresh evaluation of the stored series, never saved.
 * New, or NULL (logged).
 */
static json_t *
series_eval(struct regiomon *rm, const struct indicator *ind,
    const char *region, json_t *ss, time_t now)
{
	json_t	*saved = state_eval_get(ss), *ev;

	if (ss != NULL && !json_is_true(json_object_get(ss, "fresh")) &&
	    record_current(saved, ind, region))
		ev = saved;
	else {
		ev = record_evaluate(rm, ind, region, ss);
		/* Keep what was mailed, for "notified". */
		if (ev != NULL && json_object_get(saved, "notified_state") !=
		    NULL)
			json_object_set(ev, "notified_state",
			    json_object_get(saved, "notified_state"));
		json_decref(saved);
	}
	if (ev == NULL)
		return NULL;
	record_stale(ev, ind, now);
	return ev;
}

/* One series' entry of the document (schema in README "status").  New. */
static json_t *
series_entry(const struct indicator *ind, const struct region *reg,
    json_t *ev, const struct silence *sil)
{
	json_t	*o, *t, *shift = json_null(), *pending = json_null();
	json_t	*latest, *base;

	base = json_object_get(ev, "baseline");
	latest = json_object_get(ev, "latest");
	if (json_is_number(json_object_get(ev, "shift_abs")))
		shift = json_pack("{s:O, s:O}", "abs",
		    json_object_get(ev, "shift_abs"), "pct",
		    json_object_get(ev, "shift_pct"));
	if (json_is_string(json_object_get(ev, "pending_state")))
		pending = json_pack("{s:O, s:O}", "state",
		    json_object_get(ev, "pending_state"), "count",
		    json_object_get(ev, "pending_count"));
	t = json_pack("{s:s, s:f, s:f, s:f, s:i}",
	    "kind", ind->relative ? "relative" : "absolute",
	    "warning", ind->warning, "critical", ind->critical,
	    "hysteresis", ind->hysteresis, "confirm", ind->confirm);
	o = json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:s}",
	    "indicator", ind->id, "title", ind->title,
	    "title_en", jstr(ind->title_en), "unit", ind->unit,
	    "direction", direction_name(ind->direction), "thresholds", t,
	    "region", reg->id, "region_name", reg->name);
	if (o == NULL || shift == NULL || pending == NULL) {
		json_decref(o);
		json_decref(shift);
		json_decref(pending);
		return NULL;
	}
	/* The decimals a figure is shown with (catalog "decimals"). */
	json_object_set_new(o, "decimals", ind->decimals >= 0 ?
	    json_integer(ind->decimals) : json_null());
	json_object_set(o, "baseline", base != NULL ? base : json_null());
	json_object_set(o, "latest", latest != NULL ? latest : json_null());
	json_object_set_new(o, "shift", shift);
	t = json_object_get(ev, "target");
	json_object_set(o, "target", t != NULL ? t : json_null());
	json_object_set(o, "state", json_object_get(ev, "state"));
	json_object_set(o, "judged", json_object_get(ev, "judged"));
	json_object_set(o, "since", json_object_get(ev, "since"));
	json_object_set_new(o, "pending", pending);
	json_object_set_new(o, "stale_after",
	    jtime(json_object_get(ev, "stale_after")));
	json_object_set(o, "reason", json_object_get(ev, "reason"));
	json_object_set_new(o, "silenced", json_boolean(sil != NULL));
	if (sil != NULL)
		json_object_set_new(o, "silence", json_pack("{s:I, s:s, s:s}",
		    "id", (json_int_t)sil->id, "until", sil->until,
		    "comment", sil->comment));
	else
		json_object_set_new(o, "silence", json_null());
	t = json_object_get(ev, "notified_state");
	json_object_set(o, "notified", t != NULL ? t : json_null());
	/*
	 * A hand-kept figure past its grace is due from the analyst, not
	 * lost by a source: "due", with who publishes it and where.
	 */
	if (ind->kept_publisher != NULL) {
		json_object_set_new(o, "kept_by_hand", json_pack("{s:s, s:o, "
		    "s:s, s:o}", "publisher", ind->kept_publisher, "url",
		    jstr(ind->kept_url), "cadence", ind->kept_cadence, "note",
		    jstr(ind->kept_note)));
		t = json_object_get(ev, "state");
		json_object_set_new(o, "due", json_boolean(json_is_string(t) &&
		    strcmp(json_string_value(t), "stale") == 0));
	} else {
		json_object_set_new(o, "kept_by_hand", json_null());
		json_object_set_new(o, "due", json_false());
	}
	return o;
}

/*
 * Count st into the challenge's summary and keep the worst state; of the
 * stale series, keep the worst judgement of their last figure too
 * ("worst_judged"): twelve stale series may hide a critical one.
 */
static void
summarise(json_t *ch, const char *st, const char *judged)
{
	json_t		*sum = json_object_get(ch, "summary");
	const char	*worst, *wj;
	enum estate	 s, w, j;

	if (eval_state_parse(st, &s) == -1)
		return;
	wj = json_string_value(json_object_get(ch, "worst_judged"));
	if (s == ES_STALE && eval_state_parse(judged, &j) == 0 &&
	    j != ES_STALE && j != ES_NODATA &&
	    (eval_state_parse(wj, &w) == -1 ||
	    eval_state_rank(j) > eval_state_rank(w)))
		json_object_set_new(ch, "worst_judged", json_string(judged));
	json_object_set_new(sum, st, json_integer(json_integer_value(
	    json_object_get(sum, st)) + 1));
	json_object_set_new(ch, "total", json_integer(json_integer_value(
	    json_object_get(ch, "total")) + 1));
	worst = json_string_value(json_object_get(ch, "worst"));
	if (worst == NULL || eval_state_parse(worst, &w) == -1 ||
	    eval_state_rank(s) > eval_state_rank(w))
		json_object_set_new(ch, "worst", json_string(st));
}

/* 1 if the catalog quotes a baseline or a target of ind for region. */
static int
quoted(const struct indicator *ind, const char *region)
{
	size_t	 i;

	if (indicator_baseline(ind, region) != NULL)
		return 1;
	for (i = 0; i < ind->ntargets; i++)
		if (ind->targets[i].region != NULL &&
		    strcmp(ind->targets[i].region, region) == 0)
			return 1;
	return 0;
}

static json_t *
challenge_new(const struct challenge *c)
{
	json_t	*ch, *sum;
	int	 i;

	if ((sum = json_object()) == NULL)
		return NULL;
	for (i = 0; i < ES_COUNT; i++)
		json_object_set_new(sum, eval_state_name((enum estate)i),
		    json_integer(0));
	ch = json_pack("{s:i, s:s, s:o, s:o, s:i, s:n, s:n, s:[]}",
	    "number", c->number, "title", c->title,
	    "title_en", jstr(c->title_en), "summary", sum, "total", 0,
	    "worst", "worst_judged", "series");
	return ch;
}

/*
 * The series of one challenge: every series with something in the state
 * (stored data) and every region the catalog quotes a baseline or a target
 * for, in the catalog's indicator order, then its region order; with
 * states other than 0 only those whose state is among them (bit 1 <<
 * ES_x).  0, or -1
 * (logged).
 */
static int
challenge_series(struct regiomon *rm, const struct challenge *c,
    const char *region, unsigned states, const struct silences *sil,
    time_t now, json_t *ch)
{
	const struct catalog	*cat = rm->catalog;
	const struct indicator	*ind;
	const struct region	*reg;
	json_t			*series, *ss, *ev, *e;
	char			 key[2 * ID_MAX];
	size_t			 i, r;
	enum estate		 st;

	series = json_object_get(rm->state, "series");
	for (i = 0; i < cat->nindicators; i++) {
		ind = &cat->indicators[i];
		if (ind->challenge != c->number)
			continue;
		for (r = 0; r < cat->nregions; r++) {
			reg = &cat->regions[r];
			if (region != NULL && strcmp(region, reg->id) != 0)
				continue;
			snprintf(key, sizeof(key), "%s/%s", ind->id, reg->id);
			ss = json_object_get(series, key);
			if (ss == NULL && !quoted(ind, reg->id))
				continue;
			if ((ev = series_eval(rm, ind, reg->id, ss,
			    now)) == NULL)
				return -1;
			e = series_entry(ind, reg, ev, silence_match(sil,
			    ind->id, reg->id, now));
			json_decref(ev);
			if (e == NULL) {
				log_errx("%s: out of memory", key);
				return -1;
			}
			if (states != 0 && (eval_state_parse(json_string_value(
			    json_object_get(e, "state")), &st) == -1 ||
			    (states & 1u << st) == 0)) {
				json_decref(e);
				continue;
			}
			if (rm->conf->ill_note != NULL)
				json_object_set_new(e, "illustrative",
				    json_boolean(status_illustrative(rm->conf,
				    ind->id, reg->id)));
			summarise(ch, json_string_value(json_object_get(e,
			    "state")), json_string_value(json_object_get(e,
			    "judged")));
			json_array_append_new(json_object_get(ch, "series"),
			    e);
		}
	}
	return 0;
}

static int
chal_cmp(const void *a, const void *b)
{
	const struct challenge *const *x = a, *const *y = b;

	return (*x)->number < (*y)->number ? -1 :
	    (*x)->number > (*y)->number;
}

/*
 * What the document says before the challenges: "illustrative" (the
 * config's note and invented series, or null for real data) and
 * "waiting" (the sources that wait for the admin, each with why; see
 * setup_sources()).  0, or -1 when out of memory.
 */
static int
status_head(const struct conf *conf, json_t *doc)
{
	json_t	*w, *ill = json_null();
	size_t	 i;

	if (conf->ill_note != NULL && conf->ill_series != NULL)
		ill = json_pack("{s:s, s:O}", "note", conf->ill_note, "series",
		    conf->ill_series);
	else if (conf->ill_note != NULL)
		ill = json_pack("{s:s, s:[]}", "note", conf->ill_note,
		    "series");
	if (ill == NULL || json_object_set_new(doc, "illustrative", ill) == -1)
		return -1;
	if ((w = json_array()) == NULL ||
	    json_object_set_new(doc, "waiting", w) == -1)
		return -1;
	for (i = 0; i < conf->nsources; i++)
		if (conf->sources[i].enabled &&
		    conf->sources[i].waiting != NULL &&
		    json_array_append_new(w, json_pack("{s:s, s:s}", "source",
		    conf->sources[i].name, "waiting",
		    conf->sources[i].waiting)) == -1)
			return -1;
	return 0;
}

/*
 * The status document at now for challenge (0: all) and region (NULL:
 * all), with silences sil applied.  Series without a saved evaluation are
 * evaluated here and nothing is saved.  New, or NULL (logged).
 */
json_t *
status_build(struct regiomon *rm, time_t now, int challenge,
    const char *region, const struct silences *sil)
{
	return status_build_states(rm, now, challenge, region, 0, sil);
}

/*
 * status_build() of only the series whose state is in states (bit
 * 1 << ES_x; 0: every state), as `status --state` shows them: the
 * summaries count what is shown.
 */
json_t *
status_build_states(struct regiomon *rm, time_t now, int challenge,
    const char *region, unsigned states, const struct silences *sil)
{
	const struct challenge	**order;
	json_t			*doc, *arr, *ch;
	json_t			*gen = json_integer((json_int_t)now);
	size_t			 i, n = rm->catalog->nchallenges;

	doc = json_pack("{s:i, s:o, s:[]}", "version", STATUS_VERSION,
	    "generated", jtime(gen), "challenges");
	json_decref(gen);
	if (doc == NULL) {
		log_errx("status: out of memory");
		return NULL;
	}
	if (status_head(rm->conf, doc) == -1) {
		log_errx("status: out of memory");
		json_decref(doc);
		return NULL;
	}
	arr = json_object_get(doc, "challenges");
	if ((order = calloc(n + 1, sizeof(*order))) == NULL) {
		log_err("status");
		json_decref(doc);
		return NULL;
	}
	for (i = 0; i < n; i++)
		order[i] = &rm->catalog->challenges[i];
	qsort(order, n, sizeof(*order), chal_cmp);
	for (i = 0; i < n; i++) {
		if (challenge != 0 && order[i]->number != challenge)
			continue;
		if ((ch = challenge_new(order[i])) == NULL ||
		    json_array_append_new(arr, ch) == -1) {
			log_errx("status: out of memory");
			goto fail;
		}
		if (challenge_series(rm, order[i], region, states, sil, now,
		    ch) == -1)
			goto fail;
	}
	free(order);
	return doc;
fail:
	free(order);
	json_decref(doc);
	return NULL;
}
