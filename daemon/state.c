/* SPDX-License-Identifier: ISC */
/*
 * state.c: STATE/state.json, what the RRD files do not hold: per series
 * the provisional periods, source and last change, per source the last
 * fetch.  Written atomically; a corrupt file is set aside, never lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regiomon.h"

#define STATE_FILE	"state.json"
#define STATE_VERSION	1
#define CORRUPT_MAX	100	/* state.json.corrupt, .corrupt.1, ... */

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

/*
 * Move the unusable path aside to path.corrupt (or .corrupt.N if that is
 * taken: link(2) never replaces, so an older corrupt file is kept too).
 */
static void
set_aside(const char *path)
{
	char	*dst;
	int	 i;

	for (i = 0; i < CORRUPT_MAX; i++) {
		if (i == 0)
			xasprintf(&dst, "%s.corrupt", path);
		else
			xasprintf(&dst, "%s.corrupt.%d", path, i);
		if (link(path, dst) == 0) {
			if (unlink(path) == -1)
				log_err("unlink %s", path);
			log_errx("%s: moved to %s, starting afresh", path,
			    dst);
			free(dst);
			return;
		}
		free(dst);
		if (errno != EEXIST)
			break;
	}
	log_err("%s: cannot move aside", path);
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
		*why = "no version 1";
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
 * Load STATE/state.json.  A missing file gives a new empty state; a file
 * that is not valid JSON or not a state document is logged (with line and
 * column), renamed to state.json.corrupt and replaced by an empty state.
 * NULL (logged) only if the file exists but cannot be opened.  New.
 */
json_t *
state_load(const char *state_dir)
{
	json_error_t	 err;
	json_t		*s;
	FILE		*fp;
	char		*path;
	const char	*why;

	path = path_join(state_dir, STATE_FILE);
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno != ENOENT) {
			log_err("%s", path);
			free(path);
			return NULL;
		}
		free(path);
		return state_new();
	}
	s = json_loadf(fp, JSON_REJECT_DUPLICATES, &err);
	fclose(fp);
	if (s == NULL) {
		log_errx("%s:%d:%d: %s", path, err.line, err.column,
		    err.text);
		set_aside(path);
		s = state_new();
	} else if (state_check(s, &why) == -1) {
		log_errx("%s: %s", path, why);
		set_aside(path);
		json_decref(s);
		s = state_new();
	}
	free(path);
	return s;
}

/*
 * Write state to STATE/state.json atomically (temp file, fsync, rename).
 * 0, or -1 (logged) with the old file untouched.
 */
int
state_save(const char *state_dir, json_t *state)
{
	char	*text, *path, *buf;
	size_t	 len;
	int	 rc;

	if ((text = json_dumps(state, JSON_INDENT(1) | JSON_SORT_KEYS)) ==
	    NULL) {
		log_errx("%s: cannot serialize state", state_dir);
		return -1;
	}
	/* A final newline, so the file is a proper text file. */
	len = strlen(text);
	if ((buf = realloc(text, len + 2)) == NULL) {
		log_err("state");
		free(text);
		return -1;
	}
	buf[len++] = '\n';
	buf[len] = '\0';
	path = path_join(state_dir, STATE_FILE);
	rc = write_file_atomic(path, buf, len);
	free(path);
	free(buf);
	return rc;
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

/* state.sources[name], created empty if absent.  Borrowed, as above. */
json_t *
state_source(json_t *state, const char *name)
{
	return child_object(child_object(state, "sources"), name);
}
