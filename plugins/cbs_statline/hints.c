/* SPDX-License-Identifier: ISC */
/*
 * hints.c: the fix that goes with an error, when the error says it: the
 * closest of the table's codes or keys to a wrong one, and what a failed
 * request of a table means (a table id in the wrong case, an "api" that
 * does not fit base_url, the ODataApi's cell limit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cbs.h"

/*
 * Append to b the (at most max) candidates nearest to want by edit
 * distance, nearest first, quoted and comma-separated: a typo's fix is
 * then usually the first.  Nothing when there are none.
 */
void
cbs_closest(const char *want, const char *const *cand, size_t n,
    size_t max, struct cbs_buf *b)
{
	size_t	 best[CBS_CLOSE_MAX], bestd[CBS_CLOSE_MAX], m = 0, i, j, d;

	if (max > CBS_CLOSE_MAX)
		max = CBS_CLOSE_MAX;
	for (i = 0; i < n; i++) {
		d = cbs_host->edit_distance(want, cand[i]);
		for (j = m; j > 0 && bestd[j - 1] > d; j--) {
			if (j < max) {
				best[j] = best[j - 1];
				bestd[j] = bestd[j - 1];
			}
		}
		if (j < max) {
			best[j] = i;
			bestd[j] = d;
			if (m < max)
				m++;
		}
	}
	for (i = 0; i < m; i++) {
		cbs_buf_add(b, i > 0 ? ", \"" : "\"");
		cbs_buf_add(b, cand[best[i]]);
		cbs_buf_add(b, "\"");
	}
}

/*
 * Which CBS service base looks like by its address: "a v3 feed", "a v3
 * API", "a v4" URL, or NULL when it says nothing (a local mirror).
 */
static const char *
cbs_base_looks(const char *base)
{
	if (strcasestr(base, "/ODataFeed/") != NULL)
		return "a v3 feed";
	if (strcasestr(base, "/ODataApi/") != NULL)
		return "a v3 API";
	if (strcasestr(base, "datasets.cbs.nl") != NULL ||
	    strcasestr(base, "/odata/v1/") != NULL)
		return "a v4";
	return NULL;
}

/*
 * The fix for a wrong table id that answered 404: a table id is
 * case-sensitive ("80590ned", "83625NED"), so the id with its letters in
 * the other case is tried once (one more request, on this error only);
 * when that table exists, it is named.  Logged.
 */
static void
cbs_hint_table(struct cbs_run *run, const char *what)
{
	struct cbs_conf		*c = run->conf;
	struct rm_request	 req;
	struct rm_response	 resp;
	char			*mine = c->table, *alt, *url = NULL, *p;
	int			 lower = 0, ok = 0;

	if ((alt = strdup(c->table)) == NULL)
		return;
	for (p = alt; *p != '\0'; p++)
		lower |= *p >= 'a' && *p <= 'z';
	for (p = alt; *p != '\0'; p++) {
		if (lower && *p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		else if (!lower && *p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (strcmp(alt, mine) != 0 && !c->is_file) {
		c->table = alt;
		url = cbs_url(c, what, "");
		c->table = mine;
	}
	if (url != NULL) {
		memset(&req, 0, sizeof(req));
		req.url = url;
		run->requests++;
		cbs_host->log(run->ctx, RM_LOG_DEBUG, "table %s: not found; "
		    "trying %s", mine, alt);
		ok = cbs_host->http_get(run->ctx, &req, &resp) == RM_OK;
		cbs_host->response_free(&resp);
	}
	if (ok)
		cbs_host->log(run->ctx, RM_LOG_ERR, "table %s does not exist "
		    "at %s; the table id is case-sensitive: did you mean %s? "
		    "(set \"table\": \"%s\")", mine, c->base, alt, alt);
	else
		cbs_host->log(run->ctx, RM_LOG_ERR, "table %s does not exist "
		    "at %s: check \"table\" (the id is case-sensitive, e.g. "
		    "80590ned, 83625NED; `regiomon describe cbs_statline ID` "
		    "shows a table) and \"api\"", mine, c->base);
	free(url);
	free(alt);
}

/*
 * After a failed GET (what: its entity), with status the server's answer
 * (0: none): the fix, when the failure says what it is.  The host has
 * logged the failure itself, with its URL and the server's text.
 */
void
cbs_hint(struct cbs_run *run, const char *what, long status)
{
	const struct cbs_conf	*c = run->conf;
	const char		*looks = cbs_base_looks(c->base);

	if (status == 404 && looks != NULL &&
	    (c->api == CBS_V4) != (strcmp(looks, "a v4") == 0)) {
		cbs_host->log(run->ctx, RM_LOG_ERR, "base_url looks like %s "
		    "URL but \"api\" is \"%s\": %s", looks,
		    cbs_api_name(c->api), c->api == CBS_V4 ? "use \"api\": "
		    "\"v3-feed\" with it, or the v4 base_url "
		    "https://datasets.cbs.nl/odata/v1/CBS" : "use \"api\": "
		    "\"v4\" with it, or a v3 base_url such as "
		    "https://opendata.cbs.nl/ODataFeed/odata");
		return;
	}
	if (status == 404 && (strcmp(what, "TableInfos") == 0 ||
	    strcmp(what, "Properties") == 0)) {
		cbs_hint_table(run, what);
		return;
	}
	/*
	 * The ODataApi answers at most 10,000 cells a request; past that
	 * CBS answers 500 (the exact wording is not documented), so any 500
	 * of its data sets is taken for it.
	 */
	if (status == 500 && c->api == CBS_V3 &&
	    (strcmp(what, "TypedDataSet") == 0 ||
	    strcmp(what, "UntypedDataSet") == 0))
		cbs_host->log(run->ctx, RM_LOG_ERR, "table %s: the ODataApi "
		    "serves "
		    "at most 10,000 cells a request (regions x periods x "
		    "measures); use \"api\": \"v3-feed\" for tables over "
		    "10,000 cells (base_url "
		    "https://opendata.cbs.nl/ODataFeed/odata), or fewer "
		    "regions or periods per source", c->table);
}
