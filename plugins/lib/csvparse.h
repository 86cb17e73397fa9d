/* SPDX-License-Identifier: ISC */
/*
 * csvparse.h: a CSV reader for plugins (csv, uwv).  It walks a buffer in
 * memory record by record (RFC 4180 quoting, any one-byte separator, CRLF
 * or LF, a UTF-8 BOM stripped) and reads numbers written with a decimal
 * comma or point.  Plugin-internal: nothing here is exported from a .so.
 */
#ifndef CSVPARSE_H
#define CSVPARSE_H

#include <stddef.h>

/* A reader over a borrowed buffer; the fields of one record at a time. */
struct csv {
	const char	*p;		/* next unread byte */
	const char	*end;
	char		 sep;
	size_t		 lineno;	/* line of the next unread byte */
	size_t		 recline;	/* line the current record starts on */
	char		*text;		/* the record's fields, NUL-separated */
	size_t		 textlen, textsize;
	size_t		*off;		/* field i starts at text + off[i] */
	size_t		 nfields, offsize;
	char		 err[160];	/* why csv_next() returned -1 */
};

void		 csv_init(struct csv *, const char *, size_t, char);
int		 csv_next(struct csv *);
size_t		 csv_nfields(const struct csv *);
const char	*csv_field(const struct csv *, size_t);
const char	*csv_cell(struct csv *, size_t);
long		 csv_find(const struct csv *, const char *);
size_t		 csv_line(const struct csv *);
const char	*csv_error(const struct csv *);
void		 csv_fini(struct csv *);

int		 csv_number(const char *, char, double *);

#endif /* CSVPARSE_H */
