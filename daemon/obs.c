/* SPDX-License-Identifier: ISC */
/*
 * obs.c: observations as JSON lines, the format that travels from a plugin's
 * child process to the parent, that `regiomon fetch` prints and that an exec
 * plugin's program writes.  Reading one validates it completely, because
 * the line comes from code we do not trust.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "regiomon.h"

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
 * Write one observation as a line.  Formatted by hand rather than through
 * json_dumps: this runs once per cell of a table, and the ids are known to
 * need no escaping.  fmt_double keeps every double bit-exact.
 */
int
obs_write_line(FILE *fp, const struct obs *ob)
{
	char	 per[PERIOD_MAX], val[32];

	period_format(&ob->period, per, sizeof(per));
	if (ob->missing)
		strlcpy(val, "null", sizeof(val));
	else
		fmt_double(val, sizeof(val), ob->value);
	if (fprintf(fp, "{\"indicator\": \"%s\", \"region\": \"%s\", "
	    "\"period\": \"%s\", \"value\": %s, \"status\": \"%s\"}\n",
	    ob->indicator, ob->region, per, val,
	    ob->provisional ? "provisional" : "final") < 0)
		return -1;
	return 0;
}
