/* SPDX-License-Identifier: ISC */
/*
 * diag.c: a list of errors found in input files, so that a loader reports
 * every problem at once ("file: where: what was expected") instead of
 * stopping at the first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/core.h"

/* Add an error; file and where may be NULL.  Out of memory is fatal. */
void
diag_add(struct diags *d, const char *file, const char *where,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diag_vadd(d, file, where, fmt, ap);
	va_end(ap);
}

/* diag_add() with a va_list, for callbacks such as a key-table walk's. */
void
diag_vadd(struct diags *d, const char *file, const char *where,
    const char *fmt, va_list ap)
{
	struct diag	*e;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	e = &d->v[d->n++];
	e->file = file != NULL ? xstrdup(file) : NULL;
	e->where = where != NULL && *where != '\0' ? xstrdup(where) : NULL;
	if (vasprintf(&e->msg, fmt, ap) == -1)
		fatal(NULL);
}

/* Print one line per error: "file: where: msg". */
void
diag_print(const struct diags *d, FILE *fp)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		const struct diag *e = &d->v[i];

		if (e->file != NULL)
			out_printf(fp, "%s: ", e->file);
		if (e->where != NULL)
			out_printf(fp, "%s: ", e->where);
		out_printf(fp, "%s\n", e->msg);
	}
}

void
diag_free(struct diags *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].where);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

/*
 * Log every problem in d, one line each, as diag_print() prints them:
 * with a priority under journald, where a bare line would lose it.
 */
void
diag_log(const struct diags *d)
{
	const struct diag	*e;
	size_t			 i;

	for (i = 0; i < d->n; i++) {
		e = &d->v[i];
		if (e->file != NULL && e->where != NULL)
			log_errx("%s: %s: %s", e->file, e->where, e->msg);
		else if (e->file != NULL || e->where != NULL)
			log_errx("%s: %s", e->file != NULL ? e->file :
			    e->where, e->msg);
		else
			log_errx("%s", e->msg);
	}
}
