/* SPDX-License-Identifier: ISC */
/*
 * table.c: a UWV data file's rows folded into one table of (indicator,
 * region, period) cells: the text decoded (UTF-8, or cp1252 as Excel
 * writes it), the CSV read with the shared reader, periods read in any
 * form UWV uses (CBS notation, Dutch month names, dates), rows filtered,
 * mapped and summed.  The table is emitted only once every file was read.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uwv.h"
#include "csvparse.h"

static const char *const uw_colnames[UW_NCOLS] = {
	"period", "region", "value", "indicator"
};

static const char *const uw_months[12][3] = {
	{ "januari", "jan", NULL }, { "februari", "feb", NULL },
	{ "maart", "mrt", "maa" }, { "april", "apr", NULL },
	{ "mei", NULL, NULL }, { "juni", "jun", NULL },
	{ "juli", "jul", NULL }, { "augustus", "aug", NULL },
	{ "september", "sep", "sept" }, { "oktober", "okt", NULL },
	{ "november", "nov", NULL }, { "december", "dec", NULL }
};

/* Code points of cp1252's 0x80-0x9f; 0 where latin-1 keeps C1. */
static const uint16_t uw_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

/* s made safe and short for a log line. */
static const char *
uw_show(const char *s, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < len - 4 && i < UW_SHOWN; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
		    '?' : s[i];
	if (s[i] != '\0') {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

/* "mei 2023", "2023 mei", "Mei-2023": "2023-05"; 0 or -1. */
static int
uw_dutch_month(const char *s, char *out, size_t len)
{
	char	 w[2][16];
	size_t	 n = 0, k, i, m;
	int	 year = -1, month = -1;

	while (*s != '\0' && n < 3) {
		while (*s == ' ' || *s == '-' || *s == '/')
			s++;
		if (*s == '\0')
			break;
		if (n == 2)
			return -1;
		for (k = 0; *s != '\0' && *s != ' ' && *s != '-' &&
		    *s != '/'; s++) {
			if (k >= sizeof(w[0]) - 1)
				return -1;
			w[n][k++] = (char)tolower((unsigned char)*s);
		}
		if (k > 0 && w[n][k - 1] == '.')
			k--;
		w[n++][k] = '\0';
	}
	if (n != 2)
		return -1;
	for (i = 0; i < 2; i++) {
		if (strlen(w[i]) == 4 && isdigit((unsigned char)w[i][0]) &&
		    isdigit((unsigned char)w[i][1]) &&
		    isdigit((unsigned char)w[i][2]) &&
		    isdigit((unsigned char)w[i][3])) {
			year = (int)strtol(w[i], NULL, 10);
			continue;
		}
		for (m = 0; m < 12; m++)
			for (k = 0; k < 3; k++)
				if (uw_months[m][k] != NULL &&
				    strcmp(w[i], uw_months[m][k]) == 0)
					month = (int)m + 1;
	}
	if (year < 1000 || month < 1)
		return -1;
	return snprintf(out, len, "%04d-%02d", year, month) < (int)len ?
	    0 : -1;
}

/* Digits s[0..n) as a number, or -1. */
static int
uw_num(const char *s, size_t n)
{
	int	 v = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return n > 0 ? v : -1;
}

/*
 * A date (2023-05-16, 20230516, 16-05-2023, 16-5-2023, 16/05/2023, with
 * an optional time after a blank or "T") as the month it falls in:
 * weekly and daily snapshots belong to their month.  0 or -1.
 */
static int
uw_date_month(const char *s, char *out, size_t len)
{
	size_t	 a, b, c, n = strcspn(s, " T");
	int	 y, m, d;

	if (n == 8 && strspn(s, "0123456789") == 8) {
		y = uw_num(s, 4);
		m = uw_num(s + 4, 2);
		d = uw_num(s + 6, 2);
	} else {
		a = strcspn(s, "-/");
		if (a >= n)
			return -1;
		b = strcspn(s + a + 1, "-/");
		if (a + 1 + b >= n || s[a + 1 + b] != s[a])
			return -1;
		c = n - (a + 1 + b + 1);
		if (a == 4 && b == 2 && c == 2) {
			y = uw_num(s, 4);
			m = uw_num(s + 5, 2);
			d = uw_num(s + 8, 2);
		} else if (a >= 1 && a <= 2 && b >= 1 && b <= 2 && c == 4) {
			d = uw_num(s, a);
			m = uw_num(s + a + 1, b);
			y = uw_num(s + a + 1 + b + 1, 4);
		} else
			return -1;
	}
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return snprintf(out, len, "%04d-%02d", y, m) < (int)len ? 0 : -1;
}

/*
 * A period cell in any form this plugin reads, in canonical text in out:
 * CBS and Eurostat codes, Dutch month names, dates.  0, or -1 (not
 * logged: the caller knows the line).
 */
int
uw_period(const char *cell, char *out, size_t len)
{
	if (uw_host->period_norm(cell, out, len) == RM_OK)
		return 0;
	if (uw_dutch_month(cell, out, len) == 0)
		return 0;
	return uw_date_month(cell, out, len);
}

/* Free the table's cells; safe on a zeroed table. */
void
uw_table_free(struct uw_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static uint64_t
uw_hash3(const char *a, const char *b, const char *c)
{
	const char	*s[3] = { a, b, c }, *p;
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < 3; i++) {
		for (p = s[i]; *p != '\0'; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ULL;
		}
		h ^= 0xff;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The cell for the key, created when new; NULL when out of memory. */
static struct uw_cell *
uw_table_get(struct uw_table *t, const char *ind, const char *reg,
    const char *per)
{
	struct uw_cell	*nv, *c;
	size_t		 i, j, nsize;

	if (t->n + 1 > t->size / 2) {
		nsize = t->size > 0 ? t->size * 2 : 64;
		if ((nv = calloc(nsize, sizeof(*nv))) == NULL)
			return NULL;
		for (i = 0; i < t->size; i++) {
			if (!t->v[i].used)
				continue;
			j = uw_hash3(t->v[i].indicator, t->v[i].region,
			    t->v[i].period) & (nsize - 1);
			while (nv[j].used)
				j = (j + 1) & (nsize - 1);
			nv[j] = t->v[i];
		}
		free(t->v);
		t->v = nv;
		t->size = nsize;
	}
	i = uw_hash3(ind, reg, per) & (t->size - 1);
	for (;; i = (i + 1) & (t->size - 1)) {
		c = &t->v[i];
		if (!c->used)
			break;
		if (strcmp(c->indicator, ind) == 0 &&
		    strcmp(c->region, reg) == 0 && strcmp(c->period, per) == 0)
			return c;
	}
	c->used = 1;
	c->indicator = ind;
	c->region = reg;
	snprintf(c->period, sizeof(c->period), "%s", per);
	t->n++;
	return c;
}

static const char *
uw_lookup(const struct uw_pair *p, size_t n, const char *cell)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(p[i].cell, cell) == 0)
			return p[i].id;
	return NULL;
}

static int
uw_is_missing(const struct uw_state *st, const char *cell)
{
	size_t	 i;

	for (i = 0; i < st->nmissing; i++)
		if (strcasecmp(cell, st->missing[i]) == 0)
			return 1;
	return 0;
}

/*
 * Fold one data row into the table: filters, the indicator and region
 * maps, the period, the value, then the cell.  0 done or skipped, -1
 * logged with the file, line and column.  Long because each of those
 * steps can skip the row or fail it with its own message.
 */
static int
uw_row(struct rm_ctx *ctx, const struct uw_state *st, struct csv *c,
    const long *idx, struct uw_table *t)
{
	const char	*ind, *reg, *cell;
	struct uw_cell	*x;
	char		 period[UW_PERIOD], shown[UW_SHOWN + 8];
	double		 v = 0;
	size_t		 i, j, line = csv_line(c);
	int		 missing;

	t->rows++;
	for (i = 0; i < st->nfilters; i++) {
		cell = csv_cell(c, (size_t)st->filters[i].idx);
		for (j = 0; j < st->filters[i].nvals; j++)
			if (strcmp(cell, st->filters[i].vals[j]) == 0)
				break;
		if (j == st->filters[i].nvals) {
			t->skipped++;
			return 0;
		}
	}
	ind = st->indicator;
	if (ind == NULL && (ind = uw_lookup(st->inds, st->ninds,
	    csv_cell(c, (size_t)idx[UW_INDICATOR]))) == NULL) {
		t->skipped++;
		return 0;
	}
	reg = st->region;
	if (reg == NULL) {
		cell = csv_cell(c, (size_t)idx[UW_REGION]);
		reg = st->scheme != NULL ? uw_host->region_by_code(ctx,
		    st->scheme, cell) : uw_lookup(st->regs, st->nregs, cell);
		if (reg == NULL) {
			t->skipped++;
			return 0;
		}
	}
	cell = csv_cell(c, (size_t)idx[UW_PERIOD_COL]);
	if (uw_period(cell, period, sizeof(period)) == -1) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: line %zu, column \"%s\": "
		    "expected a period (2023, 2023-Q2, 2023-05, \"mei 2023\" "
		    "or a date), got \"%s\"", t->file, line,
		    st->col[UW_PERIOD_COL], uw_show(cell, shown,
		    sizeof(shown)));
		return -1;
	}
	cell = csv_cell(c, (size_t)idx[UW_VALUE]);
	missing = uw_is_missing(st, cell);
	if (!missing && csv_number(cell, st->dec, &v) == -1) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: line %zu, column \"%s\": "
		    "expected a number%s, got \"%s\"", t->file, line,
		    st->col[UW_VALUE], st->dec == ',' ?
		    " with a decimal comma" : "", uw_show(cell, shown,
		    sizeof(shown)));
		return -1;
	}
	if ((x = uw_table_get(t, ind, reg, period)) == NULL) {
		uw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	/*
	 * Summing rows of one file adds up its breakdown; two files are two
	 * snapshots of the same stock, which must never be added.
	 */
	if (x->line != 0 && x->file != t->fileno) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: line %zu: %s, %s, %s is "
		    "also in an earlier file; with \"select\": \"all\" every "
		    "file must hold its own periods", t->file, line, ind, reg,
		    period);
		return -1;
	}
	if (x->line != 0 && !st->sum) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: line %zu: a second row for "
		    "%s, %s, %s (the first is on line %zu); set \"aggregate\": "
		    "\"sum\" to add them up, or \"filter\" rows", t->file, line,
		    ind, reg, period, x->line);
		return -1;
	}
	if (x->line == 0) {
		x->line = line;
		x->file = t->fileno;
	}
	if (!missing) {
		x->sum += v;
		x->nvalues++;
	}
	return 0;
}

/* Read the CSV text into the table.  0, or -1 logged. */
static int
uw_csv(struct rm_ctx *ctx, struct uw_state *st, const char *text,
    size_t len, struct uw_table *t)
{
	struct csv	 c;
	long		 idx[UW_NCOLS];
	size_t		 i, nhdr;
	int		 r, rc = -1;

	csv_init(&c, text, len, st->sep);
	if ((r = csv_next(&c)) <= 0) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: %s", t->file, r == 0 ?
		    "empty file; expected a header line" : csv_error(&c));
		goto done;
	}
	nhdr = csv_nfields(&c);
	for (i = 0; i < UW_NCOLS; i++) {
		idx[i] = -1;
		if (st->col[i] == NULL)
			continue;
		if ((idx[i] = csv_find(&c, st->col[i])) == -1) {
			uw_host->log(ctx, RM_LOG_ERR, "%s: no column \"%s\" "
			    "(columns.%s) in the header line%s", t->file,
			    st->col[i], uw_colnames[i], nhdr == 1 ?
			    "; it has one field: is the separator right?" : "");
			goto done;
		}
	}
	for (i = 0; i < st->nfilters; i++) {
		if ((st->filters[i].idx = csv_find(&c,
		    st->filters[i].col)) == -1) {
			uw_host->log(ctx, RM_LOG_ERR, "%s: no column \"%s\" "
			    "(filter.%s) in the header line", t->file,
			    st->filters[i].col, st->filters[i].col);
			goto done;
		}
	}
	while ((r = csv_next(&c)) != 0) {
		if (r == -1) {
			uw_host->log(ctx, RM_LOG_ERR, "%s: %s", t->file,
			    csv_error(&c));
			goto done;
		}
		if (csv_nfields(&c) == 1 && *csv_field(&c, 0) == '\0')
			continue;
		if (csv_nfields(&c) != nhdr) {
			uw_host->log(ctx, RM_LOG_ERR, "%s: line %zu: %zu "
			    "fields, but the header line has %zu", t->file,
			    csv_line(&c), csv_nfields(&c), nhdr);
			goto done;
		}
		if (uw_row(ctx, st, &c, idx, t) == -1)
			goto done;
	}
	rc = 0;
done:
	csv_fini(&c);
	return rc;
}

/* 1 if the n bytes at s are valid UTF-8. */
static int
uw_utf8_ok(const unsigned char *s, size_t n)
{
	size_t	 i = 0, k, need;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			need = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			need = 2;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			need = 3;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (k = 1; k <= need; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

/* cp1252 text as new UTF-8 (NUL-terminated), or NULL. */
static char *
uw_from_cp1252(const unsigned char *s, size_t n, size_t *outlen)
{
	unsigned char	*o, *p;
	unsigned int	 cp;
	size_t		 i;

	if (n > (SIZE_MAX - 1) / 3 || (o = malloc(n * 3 + 1)) == NULL)
		return NULL;
	for (p = o, i = 0; i < n; i++) {
		cp = s[i];
		if (cp >= 0x80 && cp <= 0x9f && uw_cp1252[cp - 0x80] != 0)
			cp = uw_cp1252[cp - 0x80];
		if (cp < 0x80)
			*p++ = (unsigned char)cp;
		else if (cp < 0x800) {
			*p++ = (unsigned char)(0xc0 | cp >> 6);
			*p++ = (unsigned char)(0x80 | (cp & 0x3f));
		} else {
			*p++ = (unsigned char)(0xe0 | cp >> 12);
			*p++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			*p++ = (unsigned char)(0x80 | (cp & 0x3f));
		}
	}
	*p = '\0';
	*outlen = (size_t)(p - o);
	return (char *)o;
}

/*
 * Decode len bytes of text (borrowed) as configured, UTF-8 or cp1252, and
 * fold its rows into t.  0, or -1 logged.
 */
int
uw_text(struct rm_ctx *ctx, struct uw_state *st, const char *text,
    size_t len, struct uw_table *t)
{
	char	*conv;
	size_t	 clen;
	int	 rc;

	if (st->enc == UW_ENC_UTF8 ||
	    (st->enc == UW_ENC_AUTO &&
	    uw_utf8_ok((const unsigned char *)text, len)))
		return uw_csv(ctx, st, text, len, t);
	if ((conv = uw_from_cp1252((const unsigned char *)text, len,
	    &clen)) == NULL) {
		uw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	uw_host->log(ctx, RM_LOG_DEBUG, "%s: not UTF-8, read as cp1252",
	    t->file);
	rc = uw_csv(ctx, st, conv, clen, t);
	free(conv);
	return rc;
}

static int
uw_cell_cmp(const void *a, const void *b)
{
	const struct uw_cell	*x = *(const struct uw_cell *const *)a;
	const struct uw_cell	*y = *(const struct uw_cell *const *)b;
	int			 c;

	if ((c = strcmp(x->indicator, y->indicator)) != 0 ||
	    (c = strcmp(x->region, y->region)) != 0)
		return c;
	return strcmp(x->period, y->period);
}

/*
 * Emit the table, one observation per cell, sorted by indicator, region
 * and period so that `regiomon fetch` reads like the file.  0, or -1
 * logged.
 */
int
uw_emit(struct rm_ctx *ctx, const struct uw_table *t)
{
	const struct uw_cell	**v;
	struct rm_obs		  o;
	size_t			  i, n = 0;
	int			  rc = 0;

	if (t->n == 0)
		return 0;
	if ((v = calloc(t->n, sizeof(*v))) == NULL) {
		uw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	for (i = 0; i < t->size; i++)
		if (t->v[i].used)
			v[n++] = &t->v[i];
	qsort(v, n, sizeof(*v), uw_cell_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		memset(&o, 0, sizeof(o));
		o.indicator = v[i]->indicator;
		o.region = v[i]->region;
		o.period = v[i]->period;
		o.missing = v[i]->nvalues == 0;
		o.value = v[i]->sum;
		if (uw_host->emit(ctx, &o) != RM_OK)
			rc = -1;
	}
	free(v);
	return rc;
}
