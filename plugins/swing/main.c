/* SPDX-License-Identifier: ISC */
/*
 * main.c: the swing source plugin, for ABF's Swing "Open Data Service"
 * (OData v4 JSON) behind the Klimaatmonitor and Waar staat je gemeente.
 * For each configured variable it pages through
 * /Variables('V')/GeoLevels('G')/PeriodLevels('P')/Periods('X')/Values
 * with the API key in the "apikey" header, follows @odata.nextLink, and
 * emits one observation per area code the catalog knows and period.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "swing.h"
#include "csvparse.h"

/* Swing's own codes for "no value" (Jive documentation, Missing values). */
static const char *const sw_missing_codes[] = {
	"-99999", "-99998", "-99997", "-99996"
};

/* The values of a denominator variable, by region and period. */
struct sw_den {
	const char	*region;	/* borrowed from the catalog/state */
	char		 period[SW_PERIOD];
	double		 value;
	int		 missing;
};

struct sw_dens {
	struct sw_den	*v;
	size_t		 n, size;
};

const struct rm_host	*sw_host;

/*
 * Read the API key: the file's first line, surrounding blanks removed,
 * through the host's secret reader (not a symlink, FIFO or other's
 * file, no group or other bits).  The "apikey: KEY" header in *hdr is
 * new; the caller zeroes and frees it.  0, or -1 logged.
 */
int
sw_read_key(struct rm_ctx *ctx, const struct sw_state *st, char **hdr)
{
	char	 buf[SW_KEY_FILE_MAX], err[1024], *k, *e;

	*hdr = NULL;
	if (sw_host->read_secret(st->key_file, buf, sizeof(buf), err,
	    sizeof(err)) != RM_OK) {
		sw_host->log(ctx, RM_LOG_ERR, "api_key_file %s", err);
		return -1;
	}
	if ((e = strchr(buf, '\n')) != NULL)
		*e = '\0';
	if (strlen(buf) > SW_KEY_MAX) {
		sw_host->log(ctx, RM_LOG_ERR, "api_key_file %s: the first line "
		    "is longer than %d bytes", st->key_file, SW_KEY_MAX);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	for (k = buf; *k == ' ' || *k == '\t'; k++)
		;
	for (e = k + strlen(k); e > k && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	for (e = k; *e != '\0' && (unsigned char)*e >= 0x20 && *e != 0x7f; e++)
		;
	if (*k == '\0' || *e != '\0') {
		sw_host->log(ctx, RM_LOG_ERR, "api_key_file %s: %s",
		    st->key_file, *k == '\0' ? "empty; expected the API key on "
		    "the first line" : "the key holds control characters");
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	if (asprintf(hdr, "apikey: %s", k) == -1) {
		*hdr = NULL;
		sw_host->log(ctx, RM_LOG_ERR, "out of memory");
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* Length of the "scheme://host:port" part of an http(s) URL. */
static size_t
sw_origin_len(const char *url)
{
	const char	*p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/*
 * The next page's URL from @odata.nextLink, resolved against the current
 * one.  A server may only send us on to the same origin: an answer must
 * not turn into a read of a local file or a request elsewhere.  New, or
 * NULL logged.
 */
char *
sw_next_url(struct rm_ctx *ctx, const char *cur, const char *link)
{
	char	*url = NULL;
	size_t	 olen, dlen;
	int	 n;

	if (strncasecmp(link, "http://", 7) == 0 ||
	    strncasecmp(link, "https://", 8) == 0 ||
	    strncasecmp(link, "file:", 5) == 0) {
		olen = sw_origin_len(cur);
		if (strncasecmp(cur, "file:", 5) == 0 ?
		    strncasecmp(link, "file:", 5) != 0 :
		    olen == 0 || sw_origin_len(link) != olen ||
		    strncasecmp(cur, link, olen) != 0) {
			sw_host->log(ctx, RM_LOG_ERR, "@odata.nextLink "
			    "\"%.200s\" leaves %.*s; refused", link,
			    (int)(olen > 0 ? olen : strlen(cur)), cur);
			return NULL;
		}
		n = asprintf(&url, "%s", link);
	} else if (strcspn(link, ":") < strcspn(link, "/?#")) {
		sw_host->log(ctx, RM_LOG_ERR, "@odata.nextLink \"%.200s\": "
		    "only http(s) and file: links are followed", link);
		return NULL;
	} else if (link[0] == '/') {
		olen = strncasecmp(cur, "file:", 5) == 0 ? 5 :
		    sw_origin_len(cur);
		n = asprintf(&url, "%.*s%s", (int)olen, cur, link);
	} else if (link[0] == '?') {
		/* A new query on the same path. */
		n = asprintf(&url, "%.*s%s", (int)strcspn(cur, "?#"), cur,
		    link);
	} else {
		dlen = strcspn(cur, "?#");
		while (dlen > 0 && cur[dlen - 1] != '/')
			dlen--;
		n = asprintf(&url, "%.*s%s", (int)dlen, cur, link);
	}
	if (n == -1) {
		sw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return NULL;
	}
	return url;
}

static int
sw_is_missing(const struct sw_state *st, const char *s)
{
	size_t	 i;

	for (i = 0; i < st->nmissing; i++)
		if (strcmp(s, st->missing[i]) == 0)
			return 1;
	for (i = 0; i < NELEM(sw_missing_codes); i++)
		if (strcmp(s, sw_missing_codes[i]) == 0)
			return 1;
	return 0;
}

/* The region for an ExternalCode, or NULL to skip the row. */
static const char *
sw_region(struct rm_ctx *ctx, const struct sw_state *st, const char *code,
    size_t *hit)
{
	size_t	 i;

	if (st->regions == NULL)
		return sw_host->region_by_code(ctx, "swing", code);
	for (i = 0; i < st->nregions; i++) {
		if (strcmp(st->codes[i], code) == 0) {
			if (hit != NULL)
				hit[i]++;
			return st->regions[i];
		}
	}
	return NULL;
}

static const struct sw_den *
sw_den_find(const struct sw_dens *d, const char *region, const char *period)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i].region, region) == 0 &&
		    strcmp(d->v[i].period, period) == 0)
			return &d->v[i];
	return NULL;
}

static int
sw_den_add(struct sw_dens *d, const struct rm_obs *o)
{
	struct sw_den	*nv;
	size_t		 nsize;

	if (d->n == d->size) {
		nsize = d->size > 0 ? d->size * 2 : 64;
		if ((nv = reallocarray(d->v, nsize, sizeof(*nv))) == NULL)
			return -1;
		d->v = nv;
		d->size = nsize;
	}
	d->v[d->n].region = o->region;
	snprintf(d->v[d->n].period, sizeof(d->v[d->n].period), "%s",
	    o->period);
	d->v[d->n].value = o->value;
	d->v[d->n].missing = o->missing;
	d->n++;
	return 0;
}

/*
 * The rows of one page: emitted, or kept in keep (a denominator's pass),
 * or divided by the matching value of per first.  A ratio with a missing
 * or zero denominator is missing.  0, or -1 logged.
 */
static int
sw_page(struct rm_ctx *ctx, const struct sw_state *st,
    const struct sw_series *s, const char *var, const json_t *rows,
    long page, size_t *hit, struct sw_dens *keep, const struct sw_dens *per,
    size_t *nemitted)
{
	const json_t		*row, *vs;
	const struct sw_den	*den;
	const char		*code, *pstr, *text;
	struct rm_obs		 o;
	char			 period[SW_PERIOD];
	size_t			 i;

	json_array_foreach(rows, i, row) {
		code = json_string_value(json_object_get(row, "ExternalCode"));
		pstr = json_string_value(json_object_get(row, "Period"));
		vs = json_object_get(row, "ValueString");
		if (code == NULL || pstr == NULL ||
		    !(vs == NULL || json_is_null(vs) || json_is_string(vs))) {
			sw_host->log(ctx, RM_LOG_ERR, "%s page %ld: "
			    "value[%zu]: expected \"ExternalCode\" and "
			    "\"Period\" strings and a \"ValueString\"", var,
			    page, i);
			return -1;
		}
		memset(&o, 0, sizeof(o));
		if ((o.region = sw_region(ctx, st, code, hit)) == NULL)
			continue;
		if (sw_host->period_norm(pstr, period,
		    sizeof(period)) != RM_OK) {
			sw_host->log(ctx, RM_LOG_ERR, "%s page %ld: "
			    "value[%zu]: Period \"%.40s\" is not a period like "
			    "\"2022\"", var, page, i, pstr);
			return -1;
		}
		o.indicator = s->indicator;
		o.period = period;
		text = json_string_value(vs);
		if (text == NULL || sw_is_missing(st, text))
			o.missing = 1;
		else if (csv_number(text, st->dec, &o.value) == -1) {
			sw_host->log(ctx, RM_LOG_ERR, "%s page %ld: value[%zu] "
			    "(%s, %s): ValueString \"%.40s\" is not a number",
			    var, page, i, code, pstr, text);
			return -1;
		}
		if (keep != NULL) {
			if (sw_den_add(keep, &o) == -1) {
				sw_host->log(ctx, RM_LOG_ERR, "out of memory");
				return -1;
			}
			continue;
		}
		if (per != NULL && !o.missing) {
			den = sw_den_find(per, o.region, period);
			if (den == NULL || den->missing || den->value == 0)
				o.missing = 1;
			else
				o.value = o.value / den->value;
		}
		if (!o.missing)
			o.value = s->div > 0 ? o.value / s->div :
			    o.value * s->mul;
		if (sw_host->emit(ctx, &o) != RM_OK)
			return -1;
		(*nemitted)++;
	}
	return 0;
}

/*
 * 1 if base is the Open Data Service's v1 (its path ends in
 * /jiveservices/odata) and v1 is past its end: ABF runs it "t/m 31
 * december 2026" and then only v2, of a changed structure.  The clock
 * is the daemon's (REGIOMON_NOW, its test hook, when set).
 */
static void	sw_refused_why(struct rm_ctx *, const struct sw_state *,
		    const char *, const struct rm_response *);

static int
sw_v1_retired(const struct sw_state *st)
{
	const char	*s = getenv("REGIOMON_NOW");
	char		*end;
	long long	 now;
	size_t		 n = st->base != NULL ? strlen(st->base) : 0;

	if (st->file || n < strlen(SW_V1_PATH) || strcasecmp(st->base + n -
	    strlen(SW_V1_PATH), SW_V1_PATH) != 0)
		return 0;
	now = (long long)time(NULL);
	if (s != NULL && *s != '\0') {
		errno = 0;
		now = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0')
			now = (long long)time(NULL);
	}
	return now >= SW_V1_END;
}

static void
sw_log_retired(struct rm_ctx *ctx, const char *why)
{
	sw_host->log(ctx, RM_LOG_ERR, "the Klimaatmonitor v1 API has been "
	    "retired (%s; v1 ran until 2026-12-31): its successor v2 has a "
	    "changed structure that this plugin does not read yet; disable "
	    "this source until regiomon supports v2 (see doc/sources.md)",
	    why);
}

/* Why a request failed, in words that say what to do. */
static void
sw_refused(struct rm_ctx *ctx, const struct sw_state *st, const char *var,
    const struct rm_response *resp)
{
	char	 why[64];

	if (resp->status == 410 || ((resp->status == 404 ||
	    resp->status == 0) && sw_v1_retired(st))) {
		if (resp->status == 0)
			snprintf(why, sizeof(why), "no answer");
		else
			snprintf(why, sizeof(why), "HTTP %ld", resp->status);
		sw_log_retired(ctx, why);
		return;
	}
	sw_refused_why(ctx, st, var, resp);
}

/* The reason for any other refusal. */
static void
sw_refused_why(struct rm_ctx *ctx, const struct sw_state *st, const char *var,
    const struct rm_response *resp)
{
	char	 body[128];
	size_t	 i;

	body[0] = '\0';
	for (i = 0; resp->body != NULL && i < resp->len &&
	    i < sizeof(body) - 1 && resp->body[i] != '\n'; i++)
		body[i] = (unsigned char)resp->body[i] < 0x20 ? ' ' :
		    resp->body[i];
	body[i] = '\0';
	if (resp->status == 401 || resp->status == 403)
		sw_host->log(ctx, RM_LOG_ERR, "the Open Data Service refused "
		    "the API key (HTTP %ld%s%s): check the key in %s; it is "
		    "sent in the apikey header", resp->status,
		    *body != '\0' ? ": " : "", body,
		    st->key_file != NULL ? st->key_file : "api_key_file");
	else if (resp->status == 404)
		sw_host->log(ctx, RM_LOG_ERR, "variable \"%s\" is not "
		    "published at geo level \"%s\" and period level \"%s\" "
		    "(HTTP 404), or there is no such variable", var,
		    st->geo_level, st->period_level);
}

/*
 * Page through variable var of series s; keep and per as for sw_page().
 * One page is held at a time: asked for, decoded, emitted, freed.  Long
 * because each way a page can be wrong gets its own message.  0, or -1
 * logged.
 */
int
sw_fetch(struct rm_ctx *ctx, const struct sw_state *st,
    const struct sw_series *s, const char *var, const char *keyhdr,
    size_t *hit, struct sw_dens *keep, const struct sw_dens *per,
    size_t *nemitted, json_t *all)
{
	const char		*hdrs[2] = { keyhdr, NULL }, *link;
	struct rm_request	 req;
	struct rm_response	 resp;
	json_error_t		 jerr;
	json_t			*doc;
	const json_t		*rows;
	char			*url, *next;
	long			 page;
	int			 n, rc = -1;

	if (st->file)
		n = asprintf(&url, "%s/%s.json", st->base, var);
	else
		n = asprintf(&url, "%s/Variables('%s')/GeoLevels('%s')/"
		    "PeriodLevels('%s')/Periods('%s')/Values", st->base,
		    var, st->geo_level, st->period_level, st->period);
	if (n == -1) {
		sw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	for (page = 1;; page++) {
		if (page > st->max_pages) {
			sw_host->log(ctx, RM_LOG_ERR, "%s: more than %ld "
			    "pages; raise max_pages if the table is really "
			    "this large", var, st->max_pages);
			break;
		}
		memset(&req, 0, sizeof(req));
		req.url = url;
		req.headers = keyhdr != NULL ? hdrs : NULL;
		if (sw_host->http_get(ctx, &req, &resp) != RM_OK) {
			sw_refused(ctx, st, var, &resp);
			sw_host->response_free(&resp);
			break;
		}
		doc = json_loadb(resp.body, resp.len, 0, &jerr);
		sw_host->response_free(&resp);
		if (doc == NULL) {
			sw_host->log(ctx, RM_LOG_ERR, "%s page %ld: not JSON: "
			    "line %d: %s", var, page, jerr.line,
			    jerr.text);
			break;
		}
		rows = json_object_get(doc, "value");
		if (!json_is_array(rows)) {
			sw_host->log(ctx, RM_LOG_ERR, "%s page %ld: expected "
			    "an OData answer with a \"value\" list", var, page);
			json_decref(doc);
			break;
		}
		/* describe.c takes the rows as they are. */
		if (all != NULL ? json_array_extend(all, (json_t *)rows) ==
		    -1 : sw_page(ctx, st, s, var, rows, page, hit, keep, per,
		    nemitted) == -1) {
			json_decref(doc);
			break;
		}
		link = json_string_value(json_object_get(doc,
		    "@odata.nextLink"));
		if (link == NULL) {
			json_decref(doc);
			rc = 0;
			break;
		}
		next = sw_next_url(ctx, url, link);
		json_decref(doc);
		if (next == NULL)
			break;
		if (strcmp(next, url) == 0) {
			sw_host->log(ctx, RM_LOG_ERR, "%s page %ld: "
			    "@odata.nextLink points at the same page", var,
			    page);
			free(next);
			break;
		}
		free(url);
		url = next;
	}
	free(url);
	return rc;
}

static int
sw_collect(struct rm_ctx *ctx, void *arg)
{
	const struct sw_state	*st = arg;
	const struct sw_series	*s;
	struct sw_dens		 dens;
	char			*keyhdr = NULL;
	size_t			*hit = NULL, i, nemitted = 0;
	int			 rc = RM_OK;

	memset(&dens, 0, sizeof(dens));
	if (st->key_file != NULL && sw_read_key(ctx, st, &keyhdr) == -1)
		return RM_ERR;
	if (st->nregions > 0 &&
	    (hit = calloc(st->nregions, sizeof(*hit))) == NULL) {
		sw_host->log(ctx, RM_LOG_ERR, "out of memory");
		rc = RM_ERR;
		goto done;
	}
	for (i = 0; i < st->nseries; i++) {
		s = &st->series[i];
		dens.n = 0;
		if (s->per != NULL && sw_fetch(ctx, st, s, s->per, keyhdr,
		    NULL, &dens, NULL, &nemitted, NULL) == -1) {
			rc = RM_ERR;
			goto done;
		}
		if (sw_fetch(ctx, st, s, s->variable, keyhdr, hit, NULL,
		    s->per != NULL ? &dens : NULL, &nemitted, NULL) == -1) {
			rc = RM_ERR;
			goto done;
		}
	}
	for (i = 0; i < st->nregions; i++)
		if (hit[i] == 0)
			sw_host->log(ctx, RM_LOG_WARNING, "no values for %s "
			    "(%s) at geo level \"%s\"", st->regions[i],
			    st->codes[i], st->geo_level);
	/* Never an empty run that looks like a good one. */
	if (nemitted == 0) {
		if (sw_v1_retired(st))
			sw_log_retired(ctx, "no values");
		else
			sw_host->log(ctx, RM_LOG_ERR, "no values for any "
			    "series: the service answered, but with no rows "
			    "for these variables at geo level \"%s\"",
			    st->geo_level);
		rc = RM_ERR;
		goto done;
	}
	sw_host->log(ctx, RM_LOG_DEBUG, "%zu observations", nemitted);
done:
	if (keyhdr != NULL) {
		explicit_bzero(keyhdr, strlen(keyhdr));
		free(keyhdr);
	}
	free(hit);
	free(dens.v);
	return rc;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* The secret reader came with ABI 1.2, after conf_type (1.1). */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, check_secret) || h->read_secret == NULL)
		return RM_ERR;
	sw_host = h;
	RM_PLUGIN_INIT(p);
	p->name = "swing";
	p->description = "ABF Swing Open Data Service (OData v4): "
	    "Klimaatmonitor, Waar staat je gemeente";
	p->init = sw_init;
	p->collect = sw_collect;
	p->fini = sw_fini;
	p->describe = sw_describe;
	return RM_OK;
}
