/* SPDX-License-Identifier: ISC */
/*
 * output.c: what the exec plugin reads from its program: stdout split
 * into observation lines (checked like the daemon's obs.c, then
 * emitted), stderr into log lines.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"

/* The keys of an observation line, as the daemon reads them (obs.c). */
static const char *const ex_obs_keys[] = {
	"indicator", "region", "period", "value", "status", "source", "note"
};

/* 1 if tok stands in line as a bare word, not inside a longer one. */
static int
ex_has_token(const char *line, size_t len, const char *tok)
{
	size_t	 n = strlen(tok), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(line + i, tok, n) == 0 &&
		    (i == 0 || !isalnum((unsigned char)line[i - 1])) &&
		    (i + n == len || !isalnum((unsigned char)line[i + n])))
			return 1;
	return 0;
}

/*
 * Parse one stdout line as an observation, like the daemon's obs.c, and
 * emit it.  Blank lines are skipped.  0, or -1 logged with the line number.
 */
static int
ex_obs_line(struct rm_ctx *ctx, const char *line, size_t len, size_t lineno)
{
	json_t		*o;
	json_error_t	 jerr;
	const json_t	*v;
	const char	*key, *s, *what = NULL;
	struct rm_obs	 ob;
	char		 period[EX_PERIOD];
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < len && isspace((unsigned char)line[i]); i++)
		;
	if (i == len)
		return 0;
	if ((o = json_loadb(line, len, 0, &jerr)) == NULL) {
		/* Python's json.dumps() writes these for float('nan'). */
		ex_host->log(ctx, RM_LOG_ERR, "program output line %zu: not "
		    "JSON (%s)%s", lineno, jerr.text,
		    ex_has_token(line, len, "NaN") ||
		    ex_has_token(line, len, "Infinity") ? "; NaN and Infinity "
		    "are not JSON: write null for a period without a value" :
		    "");
		return -1;
	}
	memset(&ob, 0, sizeof(ob));
	if (!json_is_object(o)) {
		what = "expected a JSON object";
		goto bad;
	}
	json_object_foreach(o, key, v) {
		for (i = 0; i < NELEM(ex_obs_keys); i++)
			if (strcmp(key, ex_obs_keys[i]) == 0)
				break;
		if (i == NELEM(ex_obs_keys)) {
			ex_host->log(ctx, RM_LOG_ERR, "program output line "
			    "%zu: unknown key \"%.40s\"", lineno, key);
			goto out;
		}
	}
	ob.indicator = json_string_value(json_object_get(o, "indicator"));
	ob.region = json_string_value(json_object_get(o, "region"));
	if (ob.indicator == NULL || ob.region == NULL) {
		what = "expected \"indicator\" and \"region\" strings";
		goto bad;
	}
	s = json_string_value(json_object_get(o, "period"));
	if (s == NULL || ex_host->period_norm(s, period, sizeof(period)) !=
	    RM_OK) {
		what = "\"period\": expected 2020, 2020-Q3 or 2020-07";
		goto bad;
	}
	ob.period = period;
	v = json_object_get(o, "value");
	if (v == NULL || json_is_null(v))
		ob.missing = 1;
	else if (json_is_number(v) && isfinite(json_number_value(v)))
		ob.value = json_number_value(v);
	else {
		what = "\"value\": expected a number or null";
		goto bad;
	}
	v = json_object_get(o, "status");
	s = json_string_value(v);
	if (v != NULL && (s == NULL || (strcmp(s, "final") != 0 &&
	    strcmp(s, "provisional") != 0))) {
		what = "\"status\": expected \"final\" or \"provisional\"";
		goto bad;
	}
	ob.provisional = s != NULL && strcmp(s, "provisional") == 0;
	if (ex_host->emit(ctx, &ob) != RM_OK) {
		ex_host->log(ctx, RM_LOG_ERR, "program output line %zu: "
		    "observation refused", lineno);
		goto out;
	}
	rc = 0;
	goto out;
bad:
	ex_host->log(ctx, RM_LOG_ERR, "program output line %zu: %s", lineno,
	    what);
out:
	json_decref(o);
	return rc;
}

/* A stderr line for the log: controls shown as '?'. */
static void
ex_err_line(struct rm_ctx *ctx, char *line, size_t len, size_t lineno)
{
	size_t	 i;

	if (lineno > EX_STDERR_MAX) {
		if (lineno == EX_STDERR_MAX + 1)
			ex_host->log(ctx, RM_LOG_NOTICE, "program stderr: more "
			    "than %d lines; the rest is not logged",
			    EX_STDERR_MAX);
		return;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > 1000)
		len = 1000;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	ex_host->log(ctx, RM_LOG_NOTICE, "program stderr: "
"%.*s", (int)len, line);
}

/*
 * Read what the pipe holds and handle its complete lines; the last
 * line's missing newline is forgiven at EOF.  isout: stdout (observations)
 * or stderr (log).  0, or -1 logged.
 */
int
ex_read(struct rm_ctx *ctx, struct ex_pipe *p, int isout)
{
	char	*nl, *start, *nb;
	ssize_t	 n;
	size_t	 nsize;
	int	 rc = 0;

	for (;;) {
		if (p->size - p->len < 4096) {
			nsize = p->size > 0 ? p->size * 2 : 65536;
			if (nsize > EX_LINE_MAX + 65536) {
				ex_host->log(ctx, RM_LOG_ERR, "program %s line "
				    "%zu: longer than %d bytes", isout ?
				    "output" : "stderr", p->lineno + 1,
				    EX_LINE_MAX);
				return -1;
			}
			if ((nb = realloc(p->buf, nsize)) == NULL) {
				ex_host->log(ctx, RM_LOG_ERR, "out of memory");
				return -1;
			}
			p->buf = nb;
			p->size = nsize;
		}
		n = read(p->fd, p->buf + p->len, p->size - p->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			p->eof = 1;
			if (p->len > 0) {
				p->lineno++;
				if (isout)
					rc = ex_obs_line(ctx, p->buf, p->len,
					    p->lineno);
				else
					ex_err_line(ctx, p->buf, p->len,
					    p->lineno);
				p->len = 0;
			}
			return rc;
		}
		p->len += (size_t)n;
		start = p->buf;
		while ((nl = memchr(start, '\n', p->len -
		    (size_t)(start - p->buf))) != NULL) {
			p->lineno++;
			if (isout) {
				if (ex_obs_line(ctx, start,
				    (size_t)(nl - start), p->lineno) == -1)
					return -1;
			} else
				ex_err_line(ctx, start, (size_t)(nl - start),
				    p->lineno);
			start = nl + 1;
		}
		p->len -= (size_t)(start - p->buf);
		memmove(p->buf, start, p->len);
	}
}

/* Kill the program's process group and reap the leader; its status. */
