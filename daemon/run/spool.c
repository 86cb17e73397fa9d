/* SPDX-License-Identifier: ISC */
/*
 * spool.c: a run's spool as a file: its paths, and reading it back one
 * observation at a time, with the file, line number and offset of each.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/* The spool paths of source: the one being written, and the complete one. */
char *
spool_path(const struct conf *conf, const char *source, int complete)
{
	char	*p;

	xasprintf(&p, "%s/spool/%s.jsonl%s", conf->state_dir, source,
	    complete ? "" : ".part");
	return p;
}

/* Open the spool at path for reading.  0, or -1 (logged). */
int
spool_reader_open(struct spool_reader *r, const char *path)
{
	int	 fd;

	memset(r, 0, sizeof(*r));
	r->path = path;
	/* Never a link followed out of the state dir, nor a FIFO. */
	if ((fd = open_nofollow(path, O_RDONLY, 0)) == -1) {
		if (errno == ENOENT)
			log_warn("%s", path);
		return -1;
	}
	if ((r->fp = fdopen(fd, "r")) == NULL) {
		log_warn("%s", path);
		close(fd);
		return -1;
	}
	return 0;
}

/* Close r; also one that failed to open. */
void
spool_reader_close(struct spool_reader *r)
{
	if (r->fp != NULL)
		fclose(r->fp);
	free(r->line);
	r->fp = NULL;
	r->line = NULL;
}

/*
 * The next observation of the spool.  1, 0 at the end, -1 for a read
 * error, APPLY_CORRUPT for a line that is not an observation (both logged
 * with the file and line).  Spool lines are obs_write_line()'s; jansson
 * reads the others (a spool left by an older regiomon).
 */
int
spool_reader_next(struct spool_reader *r, struct obs *ob)
{
	json_error_t	 jerr;
	json_t		*o;
	ssize_t		 len;
	char		 err[256];

	errno = 0;
	if ((len = getline(&r->line, &r->cap, r->fp)) == -1) {
		if (ferror(r->fp)) {
			log_err("%s", r->path);
			return -1;
		}
		return 0;
	}
	r->lineno++;
	r->off += len;
	if (len > 0 && r->line[len - 1] == '\n')
		len--;
	if (obs_parse_line(r->line, (size_t)len, ob) == 1)
		return 1;
	if ((o = json_loadb(r->line, (size_t)len, 0, &jerr)) == NULL ||
	    obs_from_json(o, ob, err, sizeof(err)) == -1) {
		log_errx("%s:%zu: %s", r->path, r->lineno,
		    o == NULL ? jerr.text : err);
		json_decref(o);
		return APPLY_CORRUPT;
	}
	json_decref(o);
	return 1;
}
