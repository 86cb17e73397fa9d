/* SPDX-License-Identifier: ISC */
/*
 * conf_json.c: reading a JSON file and saying what is wrong in it, as
 * diags with a JSON path: the toolkit the config's, the catalog's and
 * the silences' checkers share on top of common/keytab.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/keytab.h"
#include "core/core.h"
#include "model/model.h"

/*
 * A config or catalog file is a few kilobytes; the cap only stops a
 * mistaken path (a device, a log file) from eating memory.
 */
#define JSON_FILE_MAX	(16 * 1024 * 1024)

/* A walk's error into the diags; kt is the first member of a conf_kt. */
static void
conf_kt_error(struct keytab_ctx *kt, const char *path, const char *fmt,
    va_list ap)
{
	struct conf_kt	*ck = (struct conf_kt *)kt;

	diag_vadd(ck->d, ck->file, path, fmt, ap);
}

/*
 * Set ck up for a key-table walk whose errors go into d as "file:
 * json.path: message"; arg is the caller's, handed to KT_FUNC keys as
 * ck->kt.arg.  Both d and file are borrowed for the walk.
 */
void
conf_kt_init(struct conf_kt *ck, struct diags *d, const char *file,
    void *arg)
{
	ck->kt.error = conf_kt_error;
	ck->kt.arg = arg;
	ck->d = d;
	ck->file = file;
}

/* keytab_quote(): s quoted for a message into buf.  Returns buf. */
const char *
conf_quote(const char *s, char *buf, size_t size)
{
	return keytab_quote(s, buf, size);
}

/* keytab_got(): how v is shown after "got".  buf or a static string. */
const char *
conf_got(const json_t *v, char *buf, size_t size)
{
	return keytab_got(v, buf, size);
}

/* keytab_jpath(): "parent.key", or "parent[idx]".  Returns buf. */
const char *
conf_jpath(char *buf, size_t size, const char *parent, const char *key,
    size_t idx)
{
	return keytab_jpath(buf, size, parent, key, idx);
}

/*
 * Check that v is a valid id (see id_valid) and return it, borrowed from
 * v; else add a diag saying what is wrong with it and return NULL.
 */
const char *
conf_check_id(struct diags *d, const char *file, const char *where,
    const json_t *v)
{
	struct conf_kt	 ck;

	conf_kt_init(&ck, d, file, NULL);
	return keytab_check_id(&ck.kt, where, v);
}

/*
 * Report an unknown key of the object at where, suggesting the closest of
 * the n allowed keys, or listing them all when none is close.
 */
void
conf_unknown_key(struct diags *d, const char *file, const char *where,
    const char *key, const char *const *keys, size_t n)
{
	struct conf_kt	 ck;

	conf_kt_init(&ck, d, file, NULL);
	keytab_unknown_key(&ck.kt, where, key, keys, n);
}

/*
 * Parse a JSON document from memory.  A syntax error is reported as
 * "NAME:LINE:COLUMN: jansson's message".  Returns a new reference or NULL.
 */
json_t *
conf_json_parse(const char *buf, size_t len, const char *name, struct diags *d)
{
	json_error_t	 err;
	json_t		*root;
	char		*pos;

	/*
	 * Duplicate keys are refused: with them the later value would
	 * silently win, which is never what the author meant.  Any value is
	 * accepted at the top so that the caller can say "expected an
	 * object, got array" instead of jansson's token talk.
	 */
	root = json_loadb(buf, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &err);
	if (root != NULL)
		return root;
	if (err.line >= 0) {
		xasprintf(&pos, "%s:%d:%d", name, err.line, err.column);
		diag_add(d, pos, NULL, "%s", err.text);
		free(pos);
	} else
		diag_add(d, name, NULL, "%s", err.text);
	return NULL;
}

/*
 * Read and parse the JSON file at path, reporting a file that cannot be
 * read ("cannot read: strerror") or parsed, under path.  Returns a new
 * reference, or NULL with the diag added.
 */
json_t *
conf_json_file(const char *path, struct diags *d)
{
	json_t	*root;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diag_add(d, path, NULL, "cannot read: %s", strerror(errno));
		return NULL;
	}
	root = conf_json_fd(fd, path, d);
	close(fd);
	return root;
}

/*
 * As conf_json_file, from the open file fd (left open), read from its
 * current offset to its end; path names it in the diags.  For a file the
 * caller opened its own way (open_nofollow() in the state directory).
 */
json_t *
conf_json_fd(int fd, const char *path, struct diags *d)
{
	struct stat	 st;
	json_t		*root = NULL;
	char		*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;

	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= JSON_FILE_MAX) {
				diag_add(d, path, NULL, "cannot read: larger "
				    "than %d MiB", JSON_FILE_MAX >> 20);
				goto done;
			}
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nbuf = realloc(buf, cap)) == NULL)
				fatal(NULL);
			buf = nbuf;
		}
		if ((n = read(fd, buf + len, cap - len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	root = conf_json_parse(buf, len, path, d);
	goto done;
fail:
	diag_add(d, path, NULL, "cannot read: %s", strerror(errno));
done:
	free(buf);
	return root;
}
