/* SPDX-License-Identifier: ISC */
/*
 * report_sources.c: the report's "Bronnen" section, at the end of every
 * page: each source of the config, enabled or not, its last success, its
 * consecutive failures and its last error, so that a reader can tell a
 * figure that is old because its source fails from one that is simply
 * the latest published.  Read from state.json like `regiomon sources`.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "report/report_private.h"

/* The section's words, Dutch and English; kept here, with the section. */
static const char *const words[][2] = {
	{ "Bronnen", "Sources" },
	{ "bron", "source" },
	{ "staat", "state" },
	{ "laatst gelukt", "last success" },
	{ "mislukt op rij", "failures in a row" },
	{ "laatste fout", "last error" },
	{ "aan", "enabled" },
	{ "uit", "disabled" },
	{ "wacht", "waiting" },
	{ "nooit", "never" },
};

enum { W_TITLE, W_SOURCE, W_STATE, W_SUCCESS, W_FAILURES, W_ERROR,
    W_ENABLED, W_DISABLED, W_WAITING, W_NEVER };

static const char *
word(enum lang lang, int w)
{
	return words[w][lang == LANG_EN];
}

/* The state of a source (state_source_status()) in the page's words. */
static int
state_word(const struct source *src, const json_t *st)
{
	const char	*s = state_source_status(src, st);

	if (strcmp(s, "disabled") == 0)
		return W_DISABLED;
	if (strcmp(s, "waiting") == 0)
		return W_WAITING;
	return W_ENABLED;
}

static void
cell_time(FILE *fp, const json_t *v, enum lang lang)
{
	struct tm	 tm;
	time_t		 t;
	char		 buf[32];

	if (!json_is_integer(v) || (t = (time_t)json_integer_value(v)) <= 0 ||
	    gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm) == 0)
		report_html_puts(fp, word(lang, W_NEVER));
	else
		report_html_puts(fp, buf);
}

/*
 * The sources section of a page: a table with a row per source of the
 * config.  Every text from the state (an error is a server's words) is
 * escaped.  Errors show in ferror(fp).
 */
void
report_sources(FILE *fp, struct regiomon *rm, enum lang lang)
{
	const struct source	*src;
	const json_t		*st, *err;
	size_t			 i;
	int			 c;

	if (rm->conf->nsources == 0)
		return;
	fputs("<aside class=\"sources\" id=\"bronnen\">\n<h2>", fp);
	report_html_puts(fp, word(lang, W_TITLE));
	fputs("</h2>\n<table>\n<tr>", fp);
	for (c = W_SOURCE; c <= W_ERROR; c++) {
		fputs("<th>", fp);
		report_html_puts(fp, word(lang, c));
		fputs("</th>", fp);
	}
	fputs("</tr>\n", fp);
	for (i = 0; i < rm->conf->nsources; i++) {
		src = &rm->conf->sources[i];
		st = json_object_get(json_object_get(rm->state, "sources"),
		    src->name);
		fputs("<tr><td>", fp);
		report_html_puts(fp, src->name);
		fputs("</td><td>", fp);
		report_html_puts(fp, word(lang, state_word(src, st)));
		fputs("</td><td>", fp);
		cell_time(fp, json_object_get(st, "last_success"), lang);
		fprintf(fp, "</td><td>%" JSON_INTEGER_FORMAT "</td>"
		    "<td style=\"word-break:break-word\">",
		    json_integer_value(json_object_get(st, "failures")));
		err = json_object_get(st, "last_error");
		report_html_puts(fp, json_is_string(err) ?
		    json_string_value(err) : "-");
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n</aside>\n", fp);
}
