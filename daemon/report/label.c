/* SPDX-License-Identifier: ISC */
/*
 * label.c: the words of the graphs and the HTML report in Dutch (the
 * default: the analysts are Dutch) and English, and numbers written the
 * way each language writes them ("4,4%" and "1.234" in Dutch, "4.4%" and
 * "1,234" in English).  One table, so a missing translation is a build
 * error rather than an empty label.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"

struct label {
	enum lbl	 id;
	const char	*nl;
	const char	*en;
};

/* In enum lbl order; label_check() in the unit test keeps it so. */
static const struct label labels[] = {
	{ L_REPORT_TITLE, "Regiomonitor Groningen-Assen",
	    "Regional monitor Groningen-Assen" },
	{ L_REPORT_INTRO,
	    "De indicatoren van de regionale strategie \xe2\x80\x98Het "
	    "verhaal van de regio\xe2\x80\x99, vergeleken met hun basislijn: "
	    "het cijfer van de strategie voor 2020, of het jaar daarvoor "
	    "dat zij noemt.",
	    "The indicators of the regional strategy \xe2\x80\x98Het "
	    "verhaal van de regio\xe2\x80\x99, compared with their "
	    "baseline: the strategy's figure for 2020, or the nearest earlier "
	    "year it gives." },
	{ L_UPDATED, "Bijgewerkt", "Updated" },
	{ L_CHOOSE_REGION, "Kies een regio", "Choose a region" },
	{ L_KIND_REGION, "Regio", "Region" },
	{ L_KIND_PROVINCE, "Provincies", "Provinces" },
	{ L_KIND_GEMEENTE, "Gemeenten", "Municipalities" },
	{ L_KIND_COUNTRY, "Land", "Country" },
	{ L_CHALLENGE, "Uitdaging", "Challenge" },
	{ L_CONTENTS, "Inhoud", "Contents" },
	{ L_SUM_IMPROVED, "verbeterd", "improved" },
	{ L_SUM_STABLE, "stabiel", "stable" },
	{ L_SUM_WORSE, "slechter", "worse" },
	{ L_SUM_UNKNOWN, "onbekend", "unknown" },
	{ L_SUM_NONE, "Voor deze regio volgt regiomon bij deze uitdaging "
	    "geen indicatoren.",
	    "regiomon follows no indicators of this challenge for this "
	    "region." },
	{ L_ST_OK, "Stabiel", "Stable" },
	{ L_ST_IMPROVED, "Verbeterd", "Improved" },
	{ L_ST_WARNING, "Waarschuwing", "Warning" },
	{ L_ST_CRITICAL, "Kritiek", "Critical" },
	{ L_ST_STALE, "Verouderd", "Stale" },
	{ L_ST_NODATA, "Geen gegevens", "No data" },
	{ L_BASELINE, "Basislijn", "Baseline" },
	{ L_LATEST, "Laatste", "Latest" },
	{ L_SHIFT, "Verschil met basislijn", "Shift from baseline" },
	{ L_PROVISIONAL, "voorlopig", "provisional" },
	{ L_SOURCE, "Bron", "Source" },
	{ L_SILENCED, "Meldingen gedempt tot", "Alerts silenced until" },
	{ L_NO_GRAPH, "Nog geen gegevens opgeslagen.",
	    "No data stored yet." },
	{ L_FROM_SERIES, "eigen reeks", "own series" },
	{ L_DIR_HIGHER, "hoger is beter", "higher is better" },
	{ L_DIR_LOWER, "lager is beter", "lower is better" },
	{ L_DIR_NEUTRAL, "geen richting", "no direction" },
	{ L_WARNING_ZONE, "Waarschuwingszone", "Warning zone" },
	{ L_CRITICAL_ZONE, "Kritieke zone", "Critical zone" },
	{ L_OBSERVED, "Waarneming", "Observed" },
	{ L_GRAPH_OF, "Grafiek van", "Graph of" },
	{ L_GRAPHS, "Grafieken", "Graphs" },
	{ L_FOOTER, "Gemaakt door regiomon", "Made by regiomon" },
	{ L_PCT_POINTS, "procentpunt", "percentage points" },
	{ L_PROVISIONAL_LEGEND, "Voorlopig", "Provisional" },
	{ L_GRAPH_FAILED, "De grafiek kon niet worden getekend (zie het "
	    "log).", "The graph could not be drawn (see the log)." },
	/* A neutral indicator's moves, targets, comparable baselines. */
	{ L_SUM_MOVED, "verschoven", "moved" },
	{ L_ST_MOVED, "Verschoven", "Moved" },
	{ L_ST_MOVED_STRONGLY, "Sterk verschoven", "Moved strongly" },
	{ L_MOVED_ZONE, "Verschuiving", "Move" },
	{ L_MOVED_STRONGLY_ZONE, "Sterke verschuiving", "Strong move" },
	{ L_TARGET, "Doel", "Target" },
	{ L_ON_TRACK, "op koers", "on track" },
	{ L_BEHIND, "achter op koers", "behind track" },
	{ L_PATH_NOW, "pad nu", "path now" },
	{ L_DEF_DIFFERS, "definitie wijkt af", "definition differs" },
	{ L_STRATEGY, "strategie", "strategy" },
	{ L_FROM_SOURCE, "bron", "source" },
	{ L_STRATEGY_ONLY, "cijfer van de strategie, niet in de bron",
	    "the strategy's figure, not in the source" },
	/* The alert digest (digest.c): states stay their names in English. */
	{ L_MAIL_H_INDICATOR, "Indicator", "Indicator" },
	/* The subject counts series (indicator x region), not indicators. */
	{ L_MAIL_INDICATOR, "reeks", "series" },
	{ L_MAIL_INDICATORS, "reeksen", "series" },
	{ L_MAIL_MOVED, "in beweging", "moved" },
	{ L_MAIL_BACK_OK, "weer stabiel", "back to ok" },
	{ L_MAIL_REMINDER, "herinnering", "reminder" },
	{ L_MAIL_REMINDERS, "herinneringen", "reminders" },
	{ L_MAIL_H_CHANGE, "Verandering", "Change" },
	{ L_MAIL_H_SHIFT, "Verschil met basislijn", "Shift vs baseline" },
	{ L_MAIL_NEW, "nieuw", "new" },
	{ L_MAIL_STILL, "nog steeds", "still" },
	{ L_MAIL_RESOLVED, "opgelost", "resolved" },
	{ L_MAIL_VS, "t.o.v.", "vs" },
	{ L_MAIL_NO_BASELINE, "geen basislijn", "no baseline" },
	{ L_MAIL_PROVISIONAL, "voorlopig cijfer", "provisional figure" },
	{ L_MAIL_SHIFT_NOTE, "Verschil: laatste min basislijn (pp: "
	    "procentpunten), en in % van de basislijn.", "Shift: latest "
	    "minus baseline (pp: percentage points), and in % of the "
	    "baseline." },
	{ L_MAIL_HOWTO, "`regiomon status` toont elke reeks; `regiomon "
	    "silence add` dempt er een.", "`regiomon status` lists every "
	    "series; `regiomon silence add` mutes one." },
};

/* The text of id in lang.  Static, never NULL. */
const char *
label(enum lang lang, enum lbl id)
{
	const struct label	*l;

	if ((size_t)id >= sizeof(labels) / sizeof(labels[0]))
		return "?";
	l = &labels[id];
	return lang == LANG_EN ? l->en : l->nl;
}

/* 1 if every entry of the table sits at its own index (for the tests). */
int
label_check(void)
{
	size_t	 i;

	if (sizeof(labels) / sizeof(labels[0]) != L_COUNT)
		return 0;
	for (i = 0; i < L_COUNT; i++)
		if (labels[i].id != (enum lbl)i || labels[i].nl == NULL ||
		    labels[i].en == NULL)
			return 0;
	return 1;
}

/* "nl" or "en" into *lang: 0, or -1 for anything else. */
int
label_lang(const char *s, enum lang *lang)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "nl") == 0)
		*lang = LANG_NL;
	else if (strcmp(s, "en") == 0)
		*lang = LANG_EN;
	else
		return -1;
	return 0;
}

const char *
label_lang_name(enum lang lang)
{
	return lang == LANG_EN ? "en" : "nl";
}

/* The badge text of a state name from the evaluation ("warning", ...). */
const char *
label_state(enum lang lang, const char *state)
{
	static const struct {
		const char	*name;
		enum lbl	 id;
	} map[] = {
		{ "ok", L_ST_OK }, { "improved", L_ST_IMPROVED },
		{ "moved", L_ST_MOVED },
		{ "moved-strongly", L_ST_MOVED_STRONGLY },
		{ "warning", L_ST_WARNING }, { "critical", L_ST_CRITICAL },
		{ "stale", L_ST_STALE }, { "nodata", L_ST_NODATA },
	};
	size_t	 i;

	for (i = 0; state != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, state) == 0)
			return label(lang, map[i].id);
	return label(lang, L_ST_NODATA);
}

/*
 * Decimals worth showing for v: fmt_human_decimals(), the one rule for
 * numbers in text (those of v's shortest exact notation, the figures are
 * decimal, at most max and 6 significant digits).
 */
int
label_decimals(double v, int max)
{
	return fmt_human_decimals(v, max);
}

/*
 * Write v into buf as lang writes numbers: the digits of fmt_human()
 * (at most maxdec decimals, fewer if v has fewer, no trailing zeros),
 * decimal comma and "." between thousands in Dutch, the other way round
 * in English; sign "+" too when plus is set.  "-" for a NaN.  Truncated
 * output is cut, never overflowing buf.
 */
void
label_num(enum lang lang, double v, int maxdec, int plus, char *buf,
    size_t size)
{
	char		 raw[64], out[96];
	const char	*p, *dot;
	char		 dsep = lang == LANG_EN ? '.' : ',';
	char		 tsep = lang == LANG_EN ? ',' : '.';
	size_t		 o = 0, intlen, i;

	if (size == 0)
		return;
	if (!isfinite(v)) {
		strlcpy(buf, "-", size);
		return;
	}
	/* The digits of fmt_human(), the one rule for numbers in text. */
	fmt_human(raw, sizeof(raw), fabs(v), maxdec);
	/* Rounded to nothing: "0", never "-0" or "+0". */
	if (strcmp(raw, "0") == 0) {
		strlcpy(buf, "0", size);
		return;
	}
	if (signbit(v))
		out[o++] = '-';
	else if (plus)
		out[o++] = '+';
	dot = strchr(raw, '.');
	intlen = dot != NULL ? (size_t)(dot - raw) : strlen(raw);
	/*
	 * Thousands grouped from 1 000 on, one rule for every figure: a
	 * page of "8339,1" beside "19.600" reads as two notations.  Years
	 * never come here (periods are text).
	 */
	for (i = 0, p = raw; i < intlen; i++, p++) {
		if (intlen > 3 && i > 0 && (intlen - i) % 3 == 0)
			out[o++] = tsep;
		out[o++] = *p;
	}
	if (dot != NULL) {
		out[o++] = dsep;
		for (p = dot + 1; *p != '\0' && o < sizeof(out) - 1; p++)
			out[o++] = *p;
	}
	out[o] = '\0';
	strlcpy(buf, out, size);
}

/*
 * v with its unit and at most maxdec decimals (indicator_decimals()):
 * "4,4%" (a percent sign follows the number directly, as both languages
 * write it), "18 PJ", "1.234 banen".
 */
void
label_value(enum lang lang, double v, const char *unit, int maxdec,
    char *buf, size_t size)
{
	char	 num[64];

	label_num(lang, v, maxdec, 0, num, sizeof(num));
	if (unit == NULL || *unit == '\0' || !isfinite(v))
		snprintf(buf, size, "%s", num);
	else if (strcmp(unit, "%") == 0)
		snprintf(buf, size, "%s%%", num);
	else
		snprintf(buf, size, "%s %s", num, unit);
}

static double
jnumber(const json_t *o, const char *key)
{
	const json_t	*v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/*
 * What the report and the mail say about a baseline b (the evaluation's
 * object) besides its figure: "definitie wijkt af: strategie 249.000,
 * bron 241.000 (2020)" when the series' own value is used for another
 * definition, "cijfer van de strategie, niet in de bron" when the
 * strategy's figure could not be compared, else "".
 */
void
report_base_note(enum lang lang, const json_t *b, char *buf, size_t size)
{
	char	 cat[64], own[64];

	buf[0] = '\0';
	if (!json_is_object(b))
		return;
	if (json_is_true(json_object_get(b, "definition_differs"))) {
		label_num(lang, jnumber(b, "catalog_value"), FMT_HUMAN_DEC, 0,
		    cat, sizeof(cat));
		label_num(lang, jnumber(b, "series_value"), FMT_HUMAN_DEC, 0,
		    own, sizeof(own));
		snprintf(buf, size, "%s: %s %s, %s %s (%s)",
		    label(lang, L_DEF_DIFFERS), label(lang, L_STRATEGY), cat,
		    label(lang, L_FROM_SOURCE), own, json_string_value(
		    json_object_get(b, "period")));
	} else if (json_is_number(json_object_get(b, "catalog_value")) &&
	    !json_is_number(json_object_get(b, "series_value")))
		snprintf(buf, size, "%s", label(lang, L_STRATEGY_ONLY));
}

/*
 * A target t (the evaluation's object) and the progress towards it:
 * "800.000 ton (2040): achter op koers (pad nu 168.000 ton)".
 */
void
report_target_text(enum lang lang, const json_t *t,
    const struct indicator *ind, char *buf, size_t size)
{
	const char	*unit = ind->unit;
	const char	*prog = json_string_value(json_object_get(t,
	    "progress"));
	char		 val[64], path[96], num[64];
	int		 d;

	label_value(lang, jnumber(t, "value"), unit, indicator_decimals(ind),
	    val, sizeof(val));
	/* The path to one decimal more than the target: 19,9%, not 19,9333%. */
	d = label_decimals(jnumber(t, "value"), indicator_decimals(ind)) + 1;
	label_num(lang, jnumber(t, "path"), d, 0, num, sizeof(num));
	if (unit == NULL || *unit == '\0')
		snprintf(path, sizeof(path), "%s", num);
	else
		snprintf(path, sizeof(path), strcmp(unit, "%") == 0 ? "%s%s" :
		    "%s %s", num, unit);
	snprintf(buf, size, "%s (%s): %s (%s %s)", val,
	    json_string_value(json_object_get(t, "period")),
	    label(lang, prog != NULL && strcmp(prog, "on-track") == 0 ?
	    L_ON_TRACK : L_BEHIND), label(lang, L_PATH_NOW), path);
}
