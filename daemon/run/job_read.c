/* SPDX-License-Identifier: ISC */
/*
 * job_read.c: the child's output, read from the pipe line by line: every
 * line validated again (the catalog, the series' owner) and the good
 * ones written to the sink (the spool, or a temp file for `fetch`); the
 * first bad one fails the run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

#define LINE_MAX_BYTES	(1024 * 1024)	/* a longer line is garbage */

static void
job_fail(struct job *j, const char *fmt, ...)
    __attribute__((__format__ (printf, 2, 3)));

/* Record the first protocol error and stop the child: the run is lost. */
static void
job_fail(struct job *j, const char *fmt, ...)
{
	va_list	 ap;

	if (j->err[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	job_stop(j, mono_now());
}

/*
 * A series is fed by one source: the one that stored it.  Another
 * enabled source of the config may not overwrite it (the owner would not
 * even notice: its mark says its data is unchanged); an owner removed
 * from the config or disabled (a demo source switched off for its live
 * twin) leaves its series to whichever source stores them next.  0, or
 * -1 with err set.
 */
static int
job_owner_check(const struct job *j, const struct obs *ob, char *err,
    size_t errlen)
{
	const struct source	*o;
	const char		*owner;

	if (j->rm->state == NULL || (owner = state_series_source(j->rm->state,
	    ob->indicator, ob->region)) == NULL ||
	    strcmp(owner, j->src->name) == 0 ||
	    (o = conf_source(j->rm->conf, owner)) == NULL || !o->enabled)
		return 0;
	snprintf(err, errlen, "%s/%s belongs to source \"%s\", which stored "
	    "it; a series is fed by one source (disable or remove \"%s\" "
	    "to hand it over)", ob->indicator, ob->region, owner, owner);
	return -1;
}

/*
 * The catalog check of host_obs_check(), remembering the last pair it
 * accepted: a plugin emits the periods of one series one after another,
 * so most lines skip the catalog lookups.  0, or -1 with err set.
 */
static int
job_check(struct job *j, const struct obs *ob, char *err, size_t errlen)
{
	if (ob->period.freq == j->ok_freq &&
	    strcmp(ob->indicator, j->ok_ind) == 0 &&
	    strcmp(ob->region, j->ok_reg) == 0)
		return 0;
	if (host_obs_check(j->rm->catalog, ob, err, errlen) == -1)
		return -1;
	if (job_owner_check(j, ob, err, errlen) == -1)
		return -1;
	strlcpy(j->ok_ind, ob->indicator, sizeof(j->ok_ind));
	strlcpy(j->ok_reg, ob->region, sizeof(j->ok_reg));
	j->ok_freq = ob->period.freq;
	return 0;
}

/*
 * The run's caps (limits.run_observations, limits.run_spool): a plugin
 * that emits lines forever would fill the state's file system.  Checked
 * before the observation's line of len bytes (a line not in the spool's
 * form counts as the longest) is written.  0, or -1 (the run failed).
 */
static int
job_cap(struct job *j, size_t len)
{
	const struct conf	*conf = j->rm->conf;

	if (conf->run_observations > 0 &&
	    j->nobs >= (size_t)conf->run_observations) {
		job_fail(j, "output line %zu: more than %d observations in "
		    "one run (limits.run_observations in %s); if the table "
		    "really is that big, raise the limit", j->lineno,
		    conf->run_observations, conf->path);
		return -1;
	}
	if (conf->run_spool > 0 && j->nbytes + len > conf->run_spool) {
		job_fail(j, "output line %zu: the run's spool would pass %zu "
		    "bytes (limits.run_spool in %s); if the table really is "
		    "that big, raise the limit", j->lineno, conf->run_spool,
		    conf->path);
		return -1;
	}
	return 0;
}

/*
 * One line of the child's.  Lines in the exact form obs_write_line()
 * gives them are read without a JSON tree; anything else (a "mark", an
 * exec plugin's own spacing, garbage) goes through jansson, which also
 * explains what is wrong.
 */
static void
job_line(struct job *j, const char *line, size_t len)
{
	json_t		*o, *mark, *perr;
	json_error_t	 jerr;
	struct obs	 ob;
	char		 err[256];
	int		 canonical = 0;

	j->lineno++;
	if (obs_parse_line(line, len, &ob) == 1) {
		canonical = 1;
		goto check;
	}
	if ((o = json_loadb(line, len, 0, &jerr)) == NULL) {
		job_fail(j, "output line %zu: not JSON (%s)", j->lineno,
		    jerr.text);
		return;
	}
	mark = json_object_get(o, "mark");
	perr = json_object_get(o, "error");
	if (json_is_array(json_object_get(o, "warnings")) &&
	    json_object_size(o) == 1) {
		/* The run's warnings (child.c), for `regiomon sources`. */
		if (j->rm->state != NULL)
			json_object_set(state_source(j->rm->state,
			    j->src->name), "warnings", json_object_get(o,
			    "warnings"));
		json_decref(o);
		return;
	}
	if (json_is_string(perr) && json_object_size(o) == 1) {
		/* The child's last line when its plugin failed (child.c). */
		free(j->perr);
		if ((j->perr = strndup(json_string_value(perr),
		    RUN_WHY_MAX)) == NULL)
			fatal(NULL);
		json_decref(o);
		return;
	}
	if (mark != NULL && json_object_size(o) == 1) {
		if (!json_is_string(mark)) {
			job_fail(j, "output line %zu: \"mark\": expected a "
			    "string", j->lineno);
		} else {
			free(j->mark);
			j->mark = xstrdup(json_string_value(mark));
		}
		json_decref(o);
		return;
	}
	if (obs_from_json(o, &ob, err, sizeof(err)) == -1) {
		job_fail(j, "output line %zu: %s", j->lineno, err);
		json_decref(o);
		return;
	}
	json_decref(o);
check:
	if (obs_value_check(&ob, err, sizeof(err)) == -1 ||
	    job_check(j, &ob, err, sizeof(err)) == -1) {
		job_fail(j, "output line %zu: %s", j->lineno, err);
		return;
	}
	if (job_cap(j, canonical ? len + 1 : OBS_LINE_MAX) == -1)
		return;
	/* A line in the spool's form reads back as ob: copy, not format. */
	if (canonical ? fwrite(line, 1, len, j->sink) != len ||
	    putc('\n', j->sink) == EOF : obs_write_line(j->sink, &ob) == -1) {
		job_fail(j, "cannot write the spool: %s", strerror(errno));
		return;
	}
	j->nobs++;
	j->nbytes += canonical ? len + 1 : OBS_LINE_MAX;
}

/*
 * Read what the child has written and handle every complete line.
 * 0 while the pipe is open, 1 at end of file.
 */
int
job_read(struct job *j)
{
	char	*nl, *start;
	ssize_t	 n;

	for (;;) {
		if (j->cap - j->len < 65536) {
			size_t ncap = j->cap == 0 ? 131072 : j->cap * 2;
			char *nb;

			if (ncap > 2 * LINE_MAX_BYTES + 65536) {
				job_fail(j, "output line %zu: longer than %d "
				    "bytes", j->lineno + 1, LINE_MAX_BYTES);
				j->len = 0;
				ncap = j->cap;
			}
			if (ncap != j->cap) {
				if ((nb = realloc(j->buf, ncap)) == NULL)
					fatal(NULL);
				j->buf = nb;
				j->cap = ncap;
			}
		}
		n = read(j->fd, j->buf + j->len, j->cap - j->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			if (j->len > 0 && j->err[0] == '\0')
				job_fail(j, "output line %zu: no newline at "
				    "end", j->lineno + 1);
			j->eof = 1;
			return 1;
		}
		j->len += (size_t)n;
		start = j->buf;
		while ((nl = memchr(start, '\n', j->len -
		    (size_t)(start - j->buf))) != NULL) {
			if (j->err[0] == '\0')
				job_line(j, start, (size_t)(nl - start));
			start = nl + 1;
		}
		j->len -= (size_t)(start - j->buf);
		memmove(j->buf, start, j->len);
		if (j->len > LINE_MAX_BYTES)
			job_fail(j, "output line %zu: longer than %d bytes",
			    j->lineno + 1, LINE_MAX_BYTES);
	}
}
