/* SPDX-License-Identifier: ISC */
/*
 * state_save.c: writing STATE/state.json atomically, streamed member by
 * member in json_dumps()'s layout, each series' eval as the one line of
 * compact text it is kept as in memory (see state.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

#define STATE_DUMP	(JSON_INDENT(1) | JSON_SORT_KEYS)

/* Where state_save writes to: indent is added after each newline. */
struct out {
	FILE	*fp;
	int	 indent;
};

/* json_dump_callback() target: buf to o->fp, each line indented more. */
static int
out_write(const char *buf, size_t len, void *arg)
{
	struct out	*o = arg;
	const char	*nl;
	size_t		 n;

	while ((nl = memchr(buf, '\n', len)) != NULL) {
		n = (size_t)(nl - buf) + 1;
		fwrite(buf, 1, n, o->fp);
		fprintf(o->fp, "%*s", o->indent, "");
		buf += n;
		len -= n;
	}
	fwrite(buf, 1, len, o->fp);
	return ferror(o->fp) ? -1 : 0;
}

/*
 * v as json_dumps(STATE_DUMP) writes it at depth: dumped on its own, then
 * shifted right (a newline is never part of a JSON string, only of the
 * layout).  0, or -1.
 */
static int
dump_at(FILE *fp, const json_t *v, int depth)
{
	struct out	 o = { fp, depth };

	return json_dump_callback(v, out_write, &o, STATE_DUMP |
	    JSON_ENCODE_ANY);
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of object o in the order JSON_SORT_KEYS writes.  New. */
static const char **
sorted_keys(json_t *o)
{
	const char	**k;
	const char	*key;
	json_t		*v;
	size_t		 n = 0;

	k = xcalloc(json_object_size(o) + 1, sizeof(*k));
	json_object_foreach(o, key, v)
		k[n++] = key;
	qsort(k, n, sizeof(*k), key_cmp);
	return k;
}

typedef int	(*dump_fn)(FILE *, const char *, json_t *, int);

/*
 * Object o at depth, its members in sorted order, the value of each
 * written by fn: the layout of json_dumps(STATE_DUMP).  0, or -1.
 */
static int
dump_members(FILE *fp, json_t *o, int depth, dump_fn fn)
{
	const char	**keys;
	json_t		*k;
	size_t		 i;
	int		 rc = 0;

	if (json_object_size(o) == 0)
		return fputs("{}", fp) == EOF ? -1 : 0;
	keys = sorted_keys(o);
	fputc('{', fp);
	for (i = 0; keys[i] != NULL && rc == 0; i++) {
		fprintf(fp, "%s\n%*s", i > 0 ? "," : "", depth + 1, "");
		if ((k = json_string(keys[i])) == NULL)
			rc = -1;
		else
			rc = dump_at(fp, k, 0);
		json_decref(k);
		fputs(": ", fp);
		if (rc == 0)
			rc = fn(fp, keys[i], json_object_get(o, keys[i]),
			    depth + 1);
	}
	fprintf(fp, "\n%*s}", depth, "");
	free(keys);
	return rc == 0 && !ferror(fp) ? 0 : -1;
}

/*
 * A member of series ss: the eval as its compact text, which is JSON
 * already (parsing it only to indent it was most of a save).  0, or -1.
 */
static int
dump_series_member(FILE *fp, const char *key, json_t *v, int depth)
{
	if (strcmp(key, "eval") == 0 && json_is_string(v))
		return fputs(json_string_value(v), fp) == EOF ? -1 : 0;
	return dump_at(fp, v, depth);
}

static int
dump_series(FILE *fp, const char *key, json_t *ss, int depth)
{
	(void)key;
	if (!json_is_object(ss))
		return dump_at(fp, ss, depth);
	return dump_members(fp, ss, depth, dump_series_member);
}

/* A member of the document: the series one by one, the rest whole. */
static int
dump_top(FILE *fp, const char *key, json_t *v, int depth)
{
	if (strcmp(key, "series") == 0 && json_is_object(v))
		return dump_members(fp, v, depth, dump_series);
	return dump_at(fp, v, depth);
}

/*
 * The state document as json_dumps(STATE_DUMP) writes it, except that
 * each eval is its compact text on one line.
 */
static int
state_dump(FILE *fp, json_t *state)
{
	return dump_members(fp, state, 0, dump_top);
}

/*
 * Dump state into the open temp file fd, with a final newline so the file
 * is a proper text file.  Streamed: json_dumps() held the whole text, and
 * a copy of it, on top of the tree; at the end of a large run that was a
 * quarter of the peak memory.  Closes fd.  0, or -1 (logged).
 */
static int
state_write(int fd, const char *tmp, json_t *state)
{
	FILE	*fp;
	int	 rc = 0;

	if ((fp = fdopen(fd, "w")) == NULL) {
		log_warn("%s", tmp);
		close(fd);
		return -1;
	}
	if (state_dump(fp, state) == -1 || fputc('\n', fp) == EOF ||
	    fflush(fp) == EOF) {
		log_warn("write %s", tmp);
		rc = -1;
	} else if (fsync(fileno(fp)) == -1) {
		log_warn("fsync %s", tmp);
		rc = -1;
	}
	if (fclose(fp) == EOF && rc == 0) {
		log_warn("close %s", tmp);
		rc = -1;
	}
	return rc;
}

/*
 * Write state to STATE/state.json atomically (temp file, fsync, rename),
 * as write_file_atomic does.  0, or -1 (logged) with the old file
 * untouched.
 */
int
state_save(const char *state_dir, json_t *state)
{
	char	*path, *tmp, *dir;
	int	 fd, rc = -1;

	path = path_join(state_dir, STATE_FILE);
	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	/* Our own new file: a link or a FIFO at the name is replaced. */
	if (unlink(tmp) == -1 && errno != ENOENT)
		log_warn("unlink %s", tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0640)) == -1)
		log_warn("%s", tmp);
	else if (state_write(fd, tmp, state) == 0) {
		if (rename(tmp, path) == -1)
			log_warn("rename %s", path);
		else {
			dir = path_dirname(path);
			if (fsync_dir(dir) == -1)
				log_warn("fsync %s", dir);
			free(dir);
			rc = 0;
		}
	}
	if (rc == -1 && fd != -1)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}
