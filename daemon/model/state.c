/* SPDX-License-Identifier: ISC */
/*
 * state.c: STATE/state.json, what the RRD files do not hold: per series
 * the provisional periods, source and last change, per source the last
 * fetch, and the notices for the next digest.  Written atomically; a
 * corrupt file is set aside, never lost.
 *
 * In memory the "eval" member of a series holds the compact JSON text of
 * the evaluation, not the object: a jansson object of its twenty members
 * costs some 3 KB (a hash table, a pair per member), its text 400 bytes,
 * and 16000 series held 45 MB of objects.  state_load packs, state_save
 * (in state_save.c) writes the text as it is (an eval is one line of the
 * file); state_eval_get and state_eval_put are the only way in.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

#define STATE_VERSION	1

static json_t *
state_new(void)
{
	json_t	*s;

	s = json_pack("{s:i, s:{}, s:{}}", "version", STATE_VERSION,
	    "series", "sources");
	if (s == NULL)
		fatal(NULL);
	return s;
}

/* Move the unusable state.json aside; the caller starts afresh. */
static void
state_set_aside(const char *path)
{
	char	*dst;

	if (set_aside(path, &dst) == 0) {
		log_errx("%s: moved to %s, starting afresh", path, dst);
		free(dst);
	}
}

/*
 * Check the parts of the document the daemon relies on; fill in missing
 * top-level objects.  0, or -1 with *why set.
 */
static int
state_check(json_t *s, const char **why)
{
	json_t		*v;
	const char	*key[] = { "series", "sources" };
	size_t		 i;

	if (!json_is_object(s)) {
		*why = "not a JSON object";
		return -1;
	}
	v = json_object_get(s, "version");
	if (!json_is_integer(v) || json_integer_value(v) != STATE_VERSION) {
		*why = "no \"version\": 1";
		return -1;
	}
	for (i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
		v = json_object_get(s, key[i]);
		if (v == NULL)
			json_object_set_new(s, key[i], json_object());
		else if (!json_is_object(v)) {
			*why = "series or sources is not an object";
			return -1;
		}
	}
	return 0;
}

/*
 * Pack the eval of every series into its text (see the top of the file).
 * An eval that is not an object is dropped: nothing reads one, and the
 * next alert cycle evaluates that series afresh anyway.
 */
static void
pack_series(json_t *ss)
{
	json_t	*ev;

	if ((ev = json_object_get(ss, "eval")) == NULL)
		return;
	if (json_is_object(ev))
		state_eval_put(ss, ev);
	else
		json_object_del(ss, "eval");
}

static void
state_pack(json_t *s)
{
	const char	*key;
	json_t		*ss;

	json_object_foreach(json_object_get(s, "series"), key, ss)
		pack_series(ss);
}

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The JSON value at *p (e: the end), *p moved past it; or NULL.  New. */
static json_t *
next_value(const char **p, const char *e)
{
	json_error_t	 err;
	json_t		*v;

	if ((v = json_loadb(*p, (size_t)(e - *p), JSON_DECODE_ANY |
	    JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &err)) != NULL)
		*p += err.position;
	return v;
}

/*
 * The members of the object at *p into o, *p moved past it: in the
 * document (depth 0) "series" member by member, in it (depth 1) each
 * series packed as soon as it is read.  0, or -1 on anything else than
 * what state_save writes, duplicate keys included.
 */
static int
read_members(json_t *o, const char **p, const char *e, int depth)
{
	json_t		*k, *v;
	const char	*key;

	if ((*p = skip_ws(*p, e)) == e || **p != '{')
		return -1;
	if ((*p = skip_ws(*p + 1, e)) < e && **p == '}') {
		(*p)++;
		return 0;
	}
	for (;;) {
		if ((k = next_value(p, e)) == NULL || !json_is_string(k) ||
		    json_object_get(o, (key = json_string_value(k))) != NULL ||
		    (*p = skip_ws(*p, e)) == e || **p != ':') {
			json_decref(k);
			return -1;
		}
		*p = skip_ws(*p + 1, e);
		if (depth == 0 && strcmp(key, "series") == 0) {
			if ((v = json_object()) == NULL)
				fatal(NULL);
			if (read_members(v, p, e, 1) == -1) {
				json_decref(v);
				v = NULL;
			}
		} else if ((v = next_value(p, e)) != NULL && depth == 1)
			pack_series(v);
		if (v == NULL || json_object_set_new(o, key, v) == -1) {
			json_decref(k);
			return -1;
		}
		json_decref(k);
		if ((*p = skip_ws(*p, e)) < e && **p == ',') {
			*p = skip_ws(*p + 1, e);
			continue;
		}
		if (*p == e || **p != '}')
			return -1;
		(*p)++;
		return 0;
	}
}

/*
 * The file at path in memory, *len its size.  New, or NULL with errno
 * (logged unless ENOENT).  A link is not followed out of the state dir,
 * nor a FIFO opened to block (open_nofollow()).
 */
static char *
read_whole(const char *path, size_t *len)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	int		 fd, saved;

	*len = 0;
	if ((fd = open_nofollow(path, O_RDONLY, 0)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto fail;
	buf = xcalloc(1, (size_t)st.st_size + 1);
	while (*len < (size_t)st.st_size) {
		n = read(fd, buf + *len, (size_t)st.st_size - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	return buf;
fail:
	saved = errno;
	log_warn("%s", path);
	free(buf);
	close(fd);
	errno = saved;
	return NULL;
}

/*
 * The state document in buf[0..len), read a series at a time, so that
 * only one eval is an object at any moment (the whole tree of 16,000
 * series was 90 MB, its packed form a third).  NULL if it is not in the
 * form state_save writes: the caller then parses it whole, for jansson's
 * message with line and column.  New.
 */
json_t *
state_read(const char *buf, size_t len)
{
	const char	*p = buf, *e = buf + len;
	json_t		*s;

	if ((s = json_object()) == NULL)
		fatal(NULL);
	if (read_members(s, &p, e, 0) == -1 || skip_ws(p, e) != e) {
		json_decref(s);
		return NULL;
	}
	return s;
}

/*
 * Load STATE/state.json.  A missing file gives a new empty state; a file
 * that is not valid JSON or not a state document is logged (with line and
 * column) and replaced by an empty state: renamed to state.json.corrupt,
 * or with readonly (a command that never saves) left as it is, for the
 * next writer to move aside, and the empty state marked "unreadable": true
 * (`status --exit-status` cannot judge it).  NULL (logged) if the file
 * exists but cannot
 * be opened, or was written by a newer regiomon (a later "version"):
 * that is not ours to discard.  New.
 */
json_t *
state_load(const char *state_dir, int readonly)
{
	json_error_t	 err;
	json_t		*s, *v;
	char		*path, *buf;
	const char	*why = NULL;
	size_t		 len;
	int		 packed;

	path = path_join(state_dir, STATE_FILE);
	if ((buf = read_whole(path, &len)) == NULL) {
		if (errno != ENOENT) {
			/* Logged. */
			free(path);
			return NULL;
		}
		free(path);
		return state_new();
	}
	if ((s = state_read(buf, len)) != NULL)
		packed = 1;
	else {
		packed = 0;
		s = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	}
	free(buf);
	v = json_object_get(s, "version");
	if (json_is_integer(v) && json_integer_value(v) > STATE_VERSION) {
		log_errx("%s: version %" JSON_INTEGER_FORMAT ", written by a "
		    "newer regiomon; this one reads version %d and leaves it "
		    "alone", path, json_integer_value(v), STATE_VERSION);
		json_decref(s);
		free(path);
		return NULL;
	}
	if (s == NULL)
		log_errx("%s:%d:%d: %s", path, err.line, err.column,
		    err.text);
	else if (state_check(s, &why) == -1)
		log_errx("%s: %s", path, why);
	else if (!packed)
		state_pack(s);
	if (s == NULL || why != NULL) {
		if (readonly)
			log_warnx("%s: read as empty, left as it is for the "
			    "daemon or the next run to move aside", path);
		else
			state_set_aside(path);
		json_decref(s);
		s = state_new();
		if (readonly)
			json_object_set_new(s, "unreadable", json_true());
	}
	free(path);
	return s;
}

/* parent[key] as an object, created (or replaced if not one).  Borrowed. */
static json_t *
child_object(json_t *parent, const char *key)
{
	json_t	*o;

	if ((o = json_object_get(parent, key)) != NULL && json_is_object(o))
		return o;
	if ((o = json_object()) == NULL ||
	    json_object_set_new(parent, key, o) == -1)
		fatal(NULL);
	return o;
}

/*
 * state.series["INDICATOR/REGION"], created empty if absent.  Borrowed,
 * valid while state holds it.
 */
json_t *
state_series(json_t *state, const char *indicator, const char *region)
{
	json_t	*o;
	char	*key;

	xasprintf(&key, "%s/%s", indicator, region);
	o = child_object(child_object(state, "series"), key);
	free(key);
	return o;
}

/* state.series["INDICATOR/REGION"], or NULL if absent.  Borrowed. */
json_t *
state_series_get(json_t *state, const char *indicator, const char *region)
{
	json_t	*o;
	char	*key;

	xasprintf(&key, "%s/%s", indicator, region);
	o = json_object_get(json_object_get(state, "series"), key);
	free(key);
	return o;
}

/*
 * The source that last stored INDICATOR/REGION (its state's "source"), or
 * NULL if none has.  Borrowed, valid while state holds it.
 */
const char *
state_series_source(json_t *state, const char *indicator,
    const char *region)
{
	const char	*src;
	char		*key;

	xasprintf(&key, "%s/%s", indicator, region);
	src = json_string_value(json_object_get(json_object_get(
	    json_object_get(state, "series"), key), "source"));
	free(key);
	return src;
}

/*
 * A copy of state.series["INDICATOR/REGION"] to put back later with
 * state_series_restore(), or NULL if there is none.  New.
 */
json_t *
state_series_copy(json_t *state, const char *indicator, const char *region)
{
	json_t	*o, *copy = NULL;
	char	*key;

	xasprintf(&key, "%s/%s", indicator, region);
	o = json_object_get(json_object_get(state, "series"), key);
	if (o != NULL && (copy = json_deep_copy(o)) == NULL)
		fatal(NULL);
	free(key);
	return copy;
}

/*
 * Put back the series object that copy (from state_series_copy(), taken
 * over) was, or remove the series if copy is NULL.
 */
void
state_series_restore(json_t *state, const char *indicator,
    const char *region, json_t *copy)
{
	char	*key;

	xasprintf(&key, "%s/%s", indicator, region);
	if (copy == NULL)
		json_object_del(child_object(state, "series"), key);
	else if (json_object_set_new(child_object(state, "series"), key,
	    copy) == -1)
		fatal(NULL);
	free(key);
}

/* state.sources[name], created empty if absent.  Borrowed, as above. */
json_t *
state_source(json_t *state, const char *name)
{
	return child_object(child_object(state, "sources"), name);
}

/*
 * The eval of series ss (see the top of the file), or NULL if it has
 * none or ss is not an object.  New.
 */
json_t *
state_eval_get(json_t *ss)
{
	json_t	*v = json_object_get(ss, "eval");

	if (!json_is_string(v))
		return NULL;
	return json_loadb(json_string_value(v), json_string_length(v), 0,
	    NULL);
}

/* Set the eval of series ss to (a copy of) ev. */
void
state_eval_put(json_t *ss, json_t *ev)
{
	char	*text;

	if ((text = json_dumps(ev, JSON_COMPACT)) == NULL ||
	    json_object_set_new(ss, "eval", json_string(text)) == -1)
		fatal(NULL);
	free(text);
}

/*
 * 1 if period (as "2020", "2020-Q3", "2020-07") is listed as provisional
 * in the state of series (state.series[KEY]), else 0.
 */
int
state_provisional(const json_t *series, const char *period)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(json_object_get(series, "provisional"), i, v)
		if (json_is_string(v) &&
		    strcmp(json_string_value(v), period) == 0)
			return 1;
	return 0;
}

#define NOTICES_MAX	1000	/* kept for the next digest, the newest */

/*
 * Add text to the state's "notices": what the next alert digest tells
 * besides the series that moved (a series that changed source).  The
 * oldest go first past NOTICES_MAX.
 */
void
state_notice_add(json_t *state, const char *text)
{
	json_t	*a = json_object_get(state, "notices");

	if (!json_is_array(a)) {
		if ((a = json_array()) == NULL ||
		    json_object_set_new(state, "notices", a) == -1)
			fatal(NULL);
	}
	while (json_array_size(a) >= NOTICES_MAX)
		json_array_remove(a, 0);
	if (json_array_append_new(a, json_pack("{s:I, s:s}", "time",
	    (json_int_t)time(NULL), "text", text)) == -1)
		fatal(NULL);
}

/* The notices' texts waiting for a digest (an array, maybe empty). */
json_t *
state_notices(json_t *state)
{
	json_t	*a = json_object_get(state, "notices");

	return json_is_array(a) ? a : NULL;
}

/* The notices were told (a digest with them is queued): drop them. */
void
state_notices_clear(json_t *state)
{
	json_object_del(state, "notices");
}

/*
 * The state of source src, as `regiomon sources`, `status --json` and
 * the report name it: "disabled", "waiting" (its entry in the state,
 * st, says what it waits for, such as an API key file not there yet) or
 * "enabled".  The one place that decides it.
 */
const char *
state_source_status(const struct source *src, const json_t *st)
{
	const json_t	*w = json_object_get(st, "waiting");

	if (!src->enabled)
		return "disabled";
	if (json_is_true(w) || (json_is_string(w) &&
	    json_string_length(w) > 0))
		return "waiting";
	return "enabled";
}
