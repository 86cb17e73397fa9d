/* SPDX-License-Identifier: ISC */
/*
 * silence.c: STATE/silences.json, the analysts' "do not mail me about this
 * series until DATE" notes.  A silence matches an indicator in one region
 * or in all of them, carries a required comment, and stops matching once
 * its last day (UTC) is over.  The file is replaced atomically, and a
 * change (read, add or remove, write) holds flock() on STATE/silences.lock
 * throughout, so that two `silence add` at once both keep their silence,
 * each with its own id.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

#define SILENCE_FILE	"silences.json"
#define SILENCE_LOCK	"silences.lock"
#define LOCK_WAIT	10.0		/* seconds, for another change */
#define SILENCE_VERSION	1
/*
 * Ids run from 1 to SILENCE_ID_MAX and next_id to one above it, so that
 * neither wraps however the file was edited; ids are never reused, so
 * past the last one silence_add refuses.
 */
#define SILENCE_ID_MAX	999999999L
#define JPATH_MAX	128

static const char *const top_keys[] = { "version", "next_id", "silences" };
static const char *const item_keys[] = {
	"id", "indicator", "region", "until", "comment", "created"
};

/* STATE/silences.json.  New, caller frees. */
char *
silence_path(const char *state_dir)
{
	return path_join(state_dir, SILENCE_FILE);
}

/*
 * Take STATE/silences.lock for a change of the silences (the state dir
 * exists), waiting up to LOCK_WAIT seconds for another one to end.  The
 * lock's fd, which silences_unlock() releases, or -1 (logged).
 */
int
silences_lock(const char *state_dir)
{
	char	*path;
	int	 fd;

	path = path_join(state_dir, SILENCE_LOCK);
	if ((fd = open_nofollow(path, O_RDWR | O_CREAT, 0640)) == -1) {
		free(path);
		return -1;
	}
	if (flock_wait(fd, LOCK_WAIT) == -1) {
		if (errno == EWOULDBLOCK)
			log_warnx("%s: another regiomon has been changing the "
			    "silences for %.0f seconds; nothing changed, try "
			    "again", path, LOCK_WAIT);
		else
			log_warn("lock %s", path);
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

/* Let go of what silences_lock() took; -1 is fine. */
void
silences_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

/*
 * Parse "YYYY-MM-DD" (a real calendar date from 1970 on) into the instant
 * its day ends, 00:00 UTC of the next day: a silence "until 2027-01-31"
 * covers the whole of that day.  0, or -1.
 */
int
silence_date_parse(const char *s, time_t *ends)
{
	struct tm	 tm;
	int		 y = 0, m = 0, d = 0, i;
	time_t		 t;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else if (i < 7)
			m = m * 10 + (s[i] - '0');
		else
			d = d * 10 + (s[i] - '0');
	}
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	/* timegm() normalises 2027-02-30 to March: refuse instead. */
	if (gmtime_r(&t, &tm) == NULL || tm.tm_mday != d ||
	    tm.tm_mon != m - 1)
		return -1;
	*ends = t + 86400;
	return 0;
}

/*
 * 1 if s is one line of printable text, not blank: valid UTF-8 without
 * control characters (C0, DEL, C1), as text_ok() takes it.
 */
int
silence_comment_ok(const char *s)
{
	if (s == NULL || !text_ok(s))
		return 0;
	return s[strspn(s, " ")] != '\0';
}

/* Free what silences_load() or silence_add() allocated; ss is emptied. */
void
silences_free(struct silences *ss)
{
	size_t	 i;

	for (i = 0; i < ss->n; i++) {
		free(ss->v[i].comment);
		free(ss->v[i].created);
	}
	free(ss->v);
	memset(ss, 0, sizeof(*ss));
}

static void
unknown_keys(json_t *o, const char *const *keys, size_t n, const char *file,
    const char *where, struct diags *d)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach(o, key, v) {
		for (i = 0; i < n; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (i == n)
			conf_unknown_key(d, file, where, key, keys, n);
	}
}

/* An id string member into buf; "" if absent and optional. */
static void
get_id(json_t *o, const char *key, int required, char *buf, size_t size,
    const char *file, const char *where, struct diags *d)
{
	json_t		*v = json_object_get(o, key);
	char		 path[JPATH_MAX];

	buf[0] = '\0';
	conf_jpath(path, sizeof(path), where, key, 0);
	if (v == NULL) {
		if (required)
			diag_add(d, file, where, "missing required key "
			    "\"%s\"", key);
		return;
	}
	if (conf_check_id(d, file, path, v) != NULL)
		strlcpy(buf, json_string_value(v), size);
}

static void
load_item(struct silences *ss, json_t *o, const char *file,
    const char *where, struct diags *d)
{
	struct silence	*s = &ss->v[ss->n];
	json_t		*v;
	char		 path[JPATH_MAX], q[128];
	size_t		 before = d->n;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(o)) {
		diag_add(d, file, where, "expected an object, got %s",
		    conf_got(o, q, sizeof(q)));
		return;
	}
	unknown_keys(o, item_keys, nitems(item_keys), file, where, d);
	v = json_object_get(o, "id");
	conf_jpath(path, sizeof(path), where, "id", 0);
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > SILENCE_ID_MAX)
		diag_add(d, file, v == NULL ? where : path, "%s",
		    v == NULL ? "missing required key \"id\"" :
		    "expected an integer from 1 to 999999999");
	else
		s->id = (long)json_integer_value(v);
	get_id(o, "indicator", 1, s->indicator, sizeof(s->indicator), file,
	    where, d);
	get_id(o, "region", 0, s->region, sizeof(s->region), file, where, d);
	v = json_object_get(o, "until");
	conf_jpath(path, sizeof(path), where, "until", 0);
	if (v == NULL)
		diag_add(d, file, where, "missing required key \"until\"");
	else if (!json_is_string(v) ||
	    silence_date_parse(json_string_value(v), &s->ends) == -1)
		diag_add(d, file, path, "expected a date like \"2027-01-31\", "
		    "got %s", conf_got(v, q, sizeof(q)));
	else
		strlcpy(s->until, json_string_value(v), sizeof(s->until));
	v = json_object_get(o, "comment");
	conf_jpath(path, sizeof(path), where, "comment", 0);
	if (v == NULL)
		diag_add(d, file, where, "missing required key \"comment\"");
	else if (!json_is_string(v) ||
	    !silence_comment_ok(json_string_value(v)))
		diag_add(d, file, path, "expected one line of text, got %s",
		    conf_got(v, q, sizeof(q)));
	v = json_object_get(o, "created");
	conf_jpath(path, sizeof(path), where, "created", 0);
	if (v != NULL && !json_is_string(v))
		diag_add(d, file, path, "expected a string, got %s",
		    conf_got(v, q, sizeof(q)));
	if (d->n > before)
		return;
	s->comment = xstrdup(json_string_value(json_object_get(o,
	    "comment")));
	if (v != NULL)
		s->created = xstrdup(json_string_value(v));
	ss->n++;
}

/* Check the document root and fill ss; every problem goes to d. */
static void
load_doc(struct silences *ss, json_t *root, const char *file,
    struct diags *d)
{
	json_t		*v, *arr, *e;
	char		 where[JPATH_MAX], q[128];
	size_t		 i, j;

	if (!json_is_object(root)) {
		diag_add(d, file, NULL, "expected an object, got %s",
		    conf_got(root, q, sizeof(q)));
		return;
	}
	unknown_keys(root, top_keys, nitems(top_keys), file, "", d);
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != SILENCE_VERSION)
		diag_add(d, file, "version", "expected %d", SILENCE_VERSION);
	v = json_object_get(root, "next_id");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > SILENCE_ID_MAX + 1))
		diag_add(d, file, "next_id", "expected an integer from 1 to "
		    "1000000000");
	else if (v != NULL)
		ss->next_id = (long)json_integer_value(v);
	arr = json_object_get(root, "silences");
	if (!json_is_array(arr)) {
		diag_add(d, file, "silences", "expected an array, got %s",
		    arr == NULL ? "nothing" : conf_got(arr, q, sizeof(q)));
		return;
	}
	ss->v = xcalloc(json_array_size(arr) + 1, sizeof(*ss->v));
	json_array_foreach(arr, i, e) {
		conf_jpath(where, sizeof(where), "silences", NULL, i);
		load_item(ss, e, file, where, d);
	}
	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].id >= ss->next_id)
			ss->next_id = ss->v[i].id + 1;
		for (j = 0; j < i; j++)
			if (ss->v[j].id == ss->v[i].id)
				diag_add(d, file, "silences", "duplicate id "
				    "%ld", ss->v[i].id);
	}
}

/*
 * Load STATE/silences.json into ss.  A missing file is an empty list.
 * Every problem (syntax with line and column, or a bad member with its
 * JSON path) goes to d and -1 is returned with ss empty; the file is left
 * alone for its author to fix.  On 0, ss is new: free with
 * silences_free().
 */
int
silences_load(const char *state_dir, struct silences *ss, struct diags *d)
{
	struct stat	 st;
	json_t		*root;
	char		*path;
	size_t		 before = d->n;
	int		 fd;

	memset(ss, 0, sizeof(*ss));
	ss->next_id = 1;
	path = silence_path(state_dir);
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT) {
			free(path);
			return 0;
		}
		diag_add(d, path, NULL, "cannot read: %s", strerror(errno));
	} else if (!S_ISREG(st.st_mode))
		/* Not followed out of the state dir; a FIFO would block. */
		diag_add(d, path, NULL, "is %s, not a regular file: "
		    "regiomon follows no link and opens no special file in "
		    "its state directory; move it away", file_kind(st.st_mode));
	else if ((fd = open_nofollow(path, O_RDONLY, 0)) == -1)
		/* Made a link or a FIFO since the lstat (logged). */
		diag_add(d, path, NULL, "cannot read: %s", strerror(errno));
	else {
		if ((root = conf_json_fd(fd, path, d)) != NULL) {
			load_doc(ss, root, path, d);
			json_decref(root);
		}
		close(fd);
	}
	free(path);
	if (d->n > before) {
		silences_free(ss);
		ss->next_id = 1;
		return -1;
	}
	return 0;
}

/* Write ss to STATE/silences.json atomically.  0, or -1 (logged). */
int
silences_save(const char *state_dir, const struct silences *ss)
{
	const struct silence	*s;
	json_t			*root, *arr, *o;
	char			*text, *path;
	size_t			 i;
	int			 rc;

	if ((root = json_object()) == NULL || (arr = json_array()) == NULL) {
		json_decref(root);
		log_errx("silences: out of memory");
		return -1;
	}
	json_object_set_new(root, "version", json_integer(SILENCE_VERSION));
	json_object_set_new(root, "next_id", json_integer(ss->next_id));
	json_object_set_new(root, "silences", arr);
	for (i = 0; i < ss->n; i++) {
		s = &ss->v[i];
		o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)s->id,
		    "indicator", s->indicator, "until", s->until, "comment",
		    s->comment);
		if (o == NULL) {
			json_decref(root);
			log_errx("silences: cannot encode silence %ld", s->id);
			return -1;
		}
		if (s->region[0] != '\0')
			json_object_set_new(o, "region",
			    json_string(s->region));
		if (s->created != NULL)
			json_object_set_new(o, "created",
			    json_string(s->created));
		json_array_append_new(arr, o);
	}
	text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL) {
		log_errx("silences: cannot encode");
		return -1;
	}
	path = silence_path(state_dir);
	rc = write_file_atomic(path, text, strlen(text));
	free(path);
	free(text);
	return rc;
}

/*
 * Add a silence of indicator in region ("" or NULL: every region) until
 * the end of day until ("YYYY-MM-DD").  The caller has checked the ids,
 * the date and the comment.  Returns the new id, or -1 when every id
 * (1 to SILENCE_ID_MAX) has been given out.
 */
long
silence_add(struct silences *ss, const char *indicator, const char *region,
    const char *until, time_t ends, const char *comment, time_t now)
{
	struct silence	*s, *v;
	struct tm	 tm;
	char		 created[32];

	if (ss->next_id < 1)
		ss->next_id = 1;
	if (ss->next_id > SILENCE_ID_MAX)
		return -1;
	if ((v = reallocarray(ss->v, ss->n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	ss->v = v;
	s = &ss->v[ss->n++];
	memset(s, 0, sizeof(*s));
	s->id = ss->next_id++;
	strlcpy(s->indicator, indicator, sizeof(s->indicator));
	if (region != NULL)
		strlcpy(s->region, region, sizeof(s->region));
	strlcpy(s->until, until, sizeof(s->until));
	s->ends = ends;
	s->comment = xstrdup(comment);
	if (gmtime_r(&now, &tm) != NULL &&
	    strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		s->created = xstrdup(created);
	return s->id;
}

/* Remove the silence with this id.  0, or -1 if there is none. */
int
silence_remove(struct silences *ss, long id)
{
	size_t	 i;

	for (i = 0; i < ss->n; i++) {
		if (ss->v[i].id != id)
			continue;
		free(ss->v[i].comment);
		free(ss->v[i].created);
		memmove(&ss->v[i], &ss->v[i + 1],
		    (ss->n - i - 1) * sizeof(ss->v[0]));
		ss->n--;
		return 0;
	}
	return -1;
}

/* 1 if s has run out at now. */
int
silence_expired(const struct silence *s, time_t now)
{
	return now >= s->ends;
}

/*
 * The active silence that covers indicator in region at now, borrowed
 * from ss, or NULL.  A silence naming the region wins over one for every
 * region, so `list` and `status` show the most specific reason.
 */
const struct silence *
silence_match(const struct silences *ss, const char *indicator,
    const char *region, time_t now)
{
	const struct silence	*s, *any = NULL;
	size_t			 i;

	for (i = 0; i < ss->n; i++) {
		s = &ss->v[i];
		if (silence_expired(s, now) ||
		    strcmp(s->indicator, indicator) != 0)
			continue;
		if (s->region[0] == '\0') {
			if (any == NULL)
				any = s;
		} else if (strcmp(s->region, region) == 0)
			return s;
	}
	return any;
}
