/* SPDX-License-Identifier: ISC */
/*
 * obs.c: observations as JSON lines, the format that travels from a plugin's
 * child process to the parent, that `regiomon fetch` prints and that an exec
 * plugin's program writes.  Reading one validates it completely, because
 * the line comes from code we do not trust.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"

/* The fixed parts of a line as obs_write_line() writes it. */
#define L_IND	"{\"indicator\": \""
#define L_REG	"\", \"region\": \""
#define L_PER	"\", \"period\": \""
#define L_VAL	"\", \"value\": "
#define L_ST	", \"status\": \""
#define L_END	"\"}"

static const char *const obs_keys[] = {
	"indicator", "region", "period", "value", "status", "source", "note"
};

static int
obs_id(const json_t *o, const char *key, char *dst, char *err, size_t errlen)
{
	const json_t	*v = json_object_get(o, key);

	if (v == NULL) {
		snprintf(err, errlen, "missing \"%s\"", key);
		return -1;
	}
	if (!json_is_string(v) || !id_valid(json_string_value(v))) {
		snprintf(err, errlen, "\"%s\": expected an id "
		    "([a-z0-9][a-z0-9_-]*)", key);
		return -1;
	}
	strlcpy(dst, json_string_value(v), ID_MAX);
	return 0;
}

/*
 * Fill *ob from one decoded line.  0, or -1 with err saying what was
 * expected where.  Ids are only checked for form here; whether the catalog
 * knows them is the caller's business.
 */
int
obs_from_json(const json_t *o, struct obs *ob, char *err, size_t errlen)
{
	const char	*key, *s;
	const json_t	*v;
	size_t		 i;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "expected a JSON object");
		return -1;
	}
	memset(ob, 0, sizeof(*ob));
	json_object_foreach((json_t *)o, key, v) {
		for (i = 0; i < sizeof(obs_keys) / sizeof(obs_keys[0]); i++)
			if (strcmp(key, obs_keys[i]) == 0)
				break;
		if (i == sizeof(obs_keys) / sizeof(obs_keys[0])) {
			snprintf(err, errlen, "unknown key \"%s\"", key);
			return -1;
		}
	}
	if (obs_id(o, "indicator", ob->indicator, err, errlen) == -1 ||
	    obs_id(o, "region", ob->region, err, errlen) == -1)
		return -1;
	v = json_object_get(o, "period");
	if (!json_is_string(v) ||
	    period_parse(json_string_value(v), &ob->period) == -1) {
		snprintf(err, errlen, "\"period\": expected 2020, 2020-Q3 or "
		    "2020-07");
		return -1;
	}
	v = json_object_get(o, "value");
	if (v == NULL || json_is_null(v)) {
		ob->missing = 1;
		ob->value = NAN;
	} else if (json_is_number(v) && isfinite(json_number_value(v))) {
		ob->value = json_number_value(v);
	} else {
		snprintf(err, errlen, "\"value\": expected a number or null");
		return -1;
	}
	v = json_object_get(o, "status");
	s = json_is_string(v) ? json_string_value(v) : NULL;
	if (v == NULL || (s != NULL && strcmp(s, "final") == 0))
		ob->provisional = 0;
	else if (s != NULL && strcmp(s, "provisional") == 0)
		ob->provisional = 1;
	else {
		snprintf(err, errlen, "\"status\": expected \"final\" or "
		    "\"provisional\"");
		return -1;
	}
	return 0;
}

/* The JSON object for an observation.  New reference. */
json_t *
obs_to_json(const struct obs *ob)
{
	char	 per[PERIOD_MAX];

	period_format(&ob->period, per, sizeof(per));
	return json_pack("{s:s, s:s, s:s, s:o, s:s}",
	    "indicator", ob->indicator, "region", ob->region, "period", per,
	    "value", ob->missing ? json_null() : json_real(ob->value),
	    "status", ob->provisional ? "provisional" : "final");
}

/*
 * The text of v as fmt_double() writes it, without its snprintf/strtod
 * trials for the common case: a value of at most 15 significant digits
 * between 1e-4 and 1e15 (a statistic).  There the fewest decimals k for
 * which m / 10^k == v, m a whole number below 10^15, give exactly the
 * digits of "%.15g": both operands are exact, so the division is
 * correctly rounded like strtod, and a decimal of at most 15 digits that
 * reads back as v is the only one %.15g can print.  Anything else goes
 * to fmt_double().
 */
static void
obs_fmt_value(char *buf, size_t size, double v)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
	    1e7, 1e8, 1e9 };
	char		 tmp[32], *p;
	double		 a = fabs(v), r;
	unsigned long long m;
	size_t		 k, i, n;

	if (a >= 1e-4 && a < 1e15 && size >= sizeof(tmp)) {
		for (k = 0; k < sizeof(p10) / sizeof(p10[0]); k++) {
			r = nearbyint(a * p10[k]);
			if (r >= 1e15)
				break;
			if (r / p10[k] != a)
				continue;
			/* Digits of m, right to left, with the point. */
			m = (unsigned long long)r;
			p = tmp + sizeof(tmp);
			for (i = 0; i <= k || m > 0; i++) {
				if (i == k && k > 0)
					*--p = '.';
				*--p = (char)('0' + m % 10);
				m /= 10;
			}
			if (signbit(v))
				*--p = '-';
			n = (size_t)(tmp + sizeof(tmp) - p);
			memcpy(buf, p, n);
			buf[n] = '\0';
			return;
		}
	}
	fmt_double(buf, size, v);
}

/* Append the text s of n bytes at *p. */
static char *
obs_put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUT(p, lit)	obs_put((p), (lit), sizeof(lit) - 1)

/*
 * Format one observation as the line obs_write_line() writes, newline
 * included and NUL-terminated, into buf (at least OBS_LINE_MAX bytes).
 * The length, or 0 if the observation cannot be written (a period out of
 * range).
 */
size_t
obs_format_line(const struct obs *ob, char *buf, size_t size)
{
	char	 val[32], *p = buf;
	size_t	 li, lr;
	int	 y = ob->period.year;

	if (size < OBS_LINE_MAX || !period_valid(&ob->period))
		return 0;
	li = strnlen(ob->indicator, ID_MAX - 1);
	lr = strnlen(ob->region, ID_MAX - 1);
	if (ob->missing)
		memcpy(val, "null", 5);
	else
		obs_fmt_value(val, sizeof(val), ob->value);
	p = PUT(p, L_IND);
	p = obs_put(p, ob->indicator, li);
	p = PUT(p, L_REG);
	p = obs_put(p, ob->region, lr);
	p = PUT(p, L_PER);
	/* period_valid: a four-digit year. */
	*p++ = (char)('0' + y / 1000);
	*p++ = (char)('0' + y / 100 % 10);
	*p++ = (char)('0' + y / 10 % 10);
	*p++ = (char)('0' + y % 10);
	if (ob->period.freq == FREQ_QUARTER) {
		p = PUT(p, "-Q");
		*p++ = (char)('0' + ob->period.index);
	} else if (ob->period.freq == FREQ_MONTH) {
		*p++ = '-';
		*p++ = (char)('0' + ob->period.index / 10);
		*p++ = (char)('0' + ob->period.index % 10);
	}
	p = PUT(p, L_VAL);
	p = obs_put(p, val, strlen(val));
	p = PUT(p, L_ST);
	if (ob->provisional)
		p = PUT(p, "provisional");
	else
		p = PUT(p, "final");
	p = PUT(p, L_END "\n");
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * Write one observation as a line.  Formatted by hand rather than through
 * json_dumps: this runs once per cell of a table, twice (child and
 * parent), and the ids are known to need no escaping.  The value keeps
 * every double bit-exact.
 */
int
obs_write_line(FILE *fp, const struct obs *ob)
{
	char	 buf[OBS_LINE_MAX];
	size_t	 n;

	if ((n = obs_format_line(ob, buf, sizeof(buf))) == 0)
		return -1;
	if (fwrite(buf, 1, n, fp) != n)
		return -1;
	return 0;
}

/*
 * Match the literal lit at *p (end e); advance past it.  1 or 0.
 */
static int
obs_lit(const char **p, const char *e, const char *lit, size_t n)
{
	if ((size_t)(e - *p) < n || memcmp(*p, lit, n) != 0)
		return 0;
	*p += n;
	return 1;
}

#define LIT(p, e, lit)	obs_lit((p), (e), (lit), sizeof(lit) - 1)

/* An id up to the closing quote, as id_valid() wants it.  1 or 0. */
static int
obs_scan_id(const char **p, const char *e, char *dst)
{
	const char	*s = *p;
	size_t		 n;
	char		 c;

	for (n = 0; s + n < e && s[n] != '"'; n++) {
		c = s[n];
		if (n >= ID_MAX - 1)
			return 0;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (n > 0 && (c == '_' || c == '-'))
			continue;
		return 0;
	}
	if (n == 0 || s + n == e)
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	*p = s + n;
	return 1;
}

/*
 * A JSON number exactly as jansson reads it (RFC 8259 grammar; an
 * integer is json_int_t, so its double is that of the integer: "-0" is
 * +0).  Integers too long for json_int_t and values that overflow are
 * left to jansson, which refuses them with its own message.  1 or 0.
 *
 * Most values are short decimals ("1003.9"): their digits as an integer
 * m below 2^53 and k <= 22 decimals make m / 10^k a division of two
 * exact doubles, which IEEE rounds correctly, as strtod() would; only
 * the others pay for strtod() (a tenth of a spool's parsing).
 */
static int
obs_scan_number(const char **p, const char *e, double *v)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
		1e21, 1e22
	};
	const char	*s = *p, *q = s;
	char		 buf[64];
	uint64_t	 m = 0;
	size_t		 n, ndig = 0, k = 0;
	int		 real = 0, expo = 0, neg = 0;

	if (q < e && *q == '-') {
		neg = 1;
		q++;
	}
	if (q < e && *q == '0')
		q++;
	else if (q < e && *q >= '1' && *q <= '9')
		for (; q < e && *q >= '0' && *q <= '9'; q++, ndig++)
			m = m * 10 + (uint64_t)(*q - '0');
	else
		return 0;
	if (q < e && *q == '.') {
		real = 1;
		if (++q == e || *q < '0' || *q > '9')
			return 0;
		for (; q < e && *q >= '0' && *q <= '9'; q++, ndig++, k++)
			m = m * 10 + (uint64_t)(*q - '0');
	}
	if (q < e && (*q == 'e' || *q == 'E')) {
		real = expo = 1;
		if (++q < e && (*q == '+' || *q == '-'))
			q++;
		if (q == e || *q < '0' || *q > '9')
			return 0;
		while (q < e && *q >= '0' && *q <= '9')
			q++;
	}
	if ((n = (size_t)(q - s)) >= sizeof(buf) || (!real && n > 18))
		return 0;
	/* 19 digits cannot wrap m; 2^53 keeps it exact as a double. */
	if (!expo && ndig <= 19 && m <= (1ULL << 53) &&
	    k < sizeof(pow10) / sizeof(pow10[0])) {
		if (!real)
			*v = neg && m != 0 ? -(double)m : (double)m;
		else
			*v = neg ? -((double)m / pow10[k]) :
			    (double)m / pow10[k];
		*p = q;
		return 1;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (real)
		*v = strtod(buf, NULL);
	else
		*v = (double)strtoll(buf, NULL, 10);
	if (!isfinite(*v))
		return 0;
	*p = q;
	return 1;
}

/*
 * Read a line (without its newline) in exactly the form obs_write_line()
 * gives it, the form of every line a plugin's child and the spool hold,
 * without building a JSON tree.  1 with *ob filled in, or 0: the line is
 * in some other form (another key order, other spacing, escapes, a
 * "mark", or something wrong) and must go through json_loadb() and
 * obs_from_json(), which accept any valid form and explain what is not.
 * Nothing is accepted here that those would refuse or read differently.
 */
int
obs_parse_line(const char *line, size_t len, struct obs *ob)
{
	const char	*p = line, *e = line + len, *q;
	char		 per[PERIOD_MAX], canon[PERIOD_MAX];
	size_t		 n;

	memset(ob, 0, sizeof(*ob));
	if (!LIT(&p, e, L_IND) || !obs_scan_id(&p, e, ob->indicator) ||
	    !LIT(&p, e, L_REG) || !obs_scan_id(&p, e, ob->region) ||
	    !LIT(&p, e, L_PER))
		return 0;
	/* Period notations are letters, digits and '-': nothing to escape. */
	for (q = p; q < e && ((*q >= '0' && *q <= '9') || *q == '-' ||
	    (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')); q++)
		;
	if (q == e || *q != '"' || (n = (size_t)(q - p)) >= sizeof(per))
		return 0;
	memcpy(per, p, n);
	per[n] = '\0';
	/* Only the canonical spelling: a copy of the line must say it. */
	if (period_parse(per, &ob->period) == -1 ||
	    period_format(&ob->period, canon, sizeof(canon)) == -1 ||
	    strcmp(per, canon) != 0)
		return 0;
	p = q;
	if (!LIT(&p, e, L_VAL))
		return 0;
	if (LIT(&p, e, "null")) {
		ob->missing = 1;
		ob->value = NAN;
	} else if (!obs_scan_number(&p, e, &ob->value))
		return 0;
	if (!LIT(&p, e, L_ST))
		return 0;
	if (LIT(&p, e, "provisional"))
		ob->provisional = 1;
	else if (!LIT(&p, e, "final"))
		return 0;
	return LIT(&p, e, L_END) && p == e;
}

/*
 * Refuse a value the store cannot hold: more than OBS_VALUE_MAX in
 * magnitude, or not finite.  Checked where an observation enters (the
 * plugin's emit, the parent reading the child), so that an accepted
 * spool can always be stored.  0, or -1 with err set.
 */
int
obs_value_check(const struct obs *ob, char *err, size_t errlen)
{
	char	 per[PERIOD_MAX], val[64];

	if (ob->missing || (isfinite(ob->value) &&
	    fabs(ob->value) <= OBS_VALUE_MAX))
		return 0;
	period_format(&ob->period, per, sizeof(per));
	if (isfinite(ob->value))
		obs_fmt_value(val, sizeof(val), ob->value);
	else
		strlcpy(val, isnan(ob->value) ? "NaN" : "infinite",
		    sizeof(val));
	snprintf(err, errlen, "%s/%s %s: value %s is out of range: "
	    "regiomon stores values up to %g in magnitude", ob->indicator,
	    ob->region, per, val, OBS_VALUE_MAX);
	return -1;
}
