/* SPDX-License-Identifier: ISC */
/*
 * digest_text.c: the plain text part of an alert digest.  It reads in
 * any mail client and terminal: no line is wider than DIGEST_WIDTH (78)
 * columns but a URL, which is never broken.  A row is a block, not a
 * table line (a table of Dutch titles and figures with units does not fit
 * 78 columns): the title, region and the series id that `regiomon
 * silence add` takes on the first line, the change and the figures on
 * the next, both wrapped.
 */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

/* Columns of the n bytes at s: one per UTF-8 character. */
static size_t
columns(const char *s, size_t n)
{
	size_t	 i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/*
 * Write text wrapped at DIGEST_WIDTH, broken at spaces: the first line
 * indented by first columns, the others by rest.  A word longer than a
 * line (a URL) stands alone on its own.
 */
void
digest_wrap(FILE *fp, const char *text, size_t first, size_t rest)
{
	const char	*p = text, *e;
	size_t		 col = first, w;
	int		 fresh = 1;

	fprintf(fp, "%*s", (int)first, "");
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e != '\0' && *e != ' '; e++)
			;
		w = columns(p, (size_t)(e - p));
		if (!fresh && col + 1 + w > DIGEST_WIDTH) {
			fprintf(fp, "\n%*s", (int)rest, "");
			col = rest;
			fresh = 1;
		}
		if (!fresh) {
			fputc(' ', fp);
			col++;
		}
		fwrite(p, 1, (size_t)(e - p), fp);
		col += w;
		fresh = 0;
		p = e;
	}
	fputc('\n', fp);
}

/* One row: "Title, Region [ind/region]", then the change and figures. */
static void
put_row(FILE *fp, const struct digest *d, const struct item *x)
{
	char	 cells[DIGEST_NCOLS][256], line[1024];

	digest_cells(x, cells, d->lang);
	snprintf(line, sizeof(line), "%s, %s [%s/%s]", cells[0], cells[1],
	    x->ind->id, x->reg->id);
	digest_wrap(fp, line, 2, 6);
	snprintf(line, sizeof(line), "%s: %s; %s", cells[2], cells[3],
	    cells[4]);
	digest_wrap(fp, line, 4, 6);
}

/* The summary's opening: the counts per challenge, what follows. */
static void
put_summary(FILE *fp, const struct digest *d)
{
	char	 line[1024];
	int	 c, last = 0;
	size_t	 i;

	snprintf(line, sizeof(line), d->lang == LANG_EN ?
	    "Summary of %zu series; below the %zu most severe, the rest is "
	    "in the report." : "Samenvatting van %zu reeksen; hieronder de "
	    "%zu ernstigste, de rest staat in het rapport.", d->all->n,
	    d->shown.n);
	digest_wrap(fp, line, 0, 0);
	fputc('\n', fp);
	for (i = 0; i < d->all->n; i++) {
		if ((c = d->all->v[i].ind->challenge) == last)
			continue;
		last = c;
		if (digest_count_line(line, sizeof(line), d, c))
			digest_wrap(fp, line, 2, 6);
	}
	fprintf(fp, "\n%s\n\n", d->lang == LANG_EN ? "Most severe:" :
	    "Ernstigst:");
	for (i = 0; i < d->shown.n; i++)
		put_row(fp, d, &d->shown.v[i]);
}

/* Every row, by challenge, each challenge under its heading. */
static void
put_all(FILE *fp, const struct digest *d)
{
	char	 head[512];
	int	 last = 0;
	size_t	 i;

	for (i = 0; i < d->shown.n; i++) {
		if (d->shown.v[i].ind->challenge != last) {
			last = d->shown.v[i].ind->challenge;
			digest_heading(head, sizeof(head), d->rm, last,
			    d->lang);
			if (i > 0)
				fputc('\n', fp);
			digest_wrap(fp, head, 0, 2);
			fputc('\n', fp);
		}
		put_row(fp, d, &d->shown.v[i]);
	}
}

void
digest_text(FILE *fp, const struct digest *d)
{
	char	 line[1024], banner[2048];
	size_t	 i;
	int	 prov = 0;

	digest_wrap(fp, d->subject + strlen("regiomon: "), 0, 0);
	fputc('\n', fp);
	/* The demo's data is not real: said before anything else. */
	if (status_banner(d->rm->conf, banner, sizeof(banner))) {
		digest_wrap(fp, banner, 0, 0);
		fputc('\n', fp);
	}
	if (d->summary)
		put_summary(fp, d);
	else
		put_all(fp, d);
	for (i = 0; i < d->shown.n; i++)
		prov |= json_is_true(json_object_get(json_object_get(
		    d->shown.v[i].ev, "latest"), "provisional"));
	fputc('\n', fp);
	if (prov) {
		snprintf(line, sizeof(line), "* %s", label(d->lang,
		    L_MAIL_PROVISIONAL));
		digest_wrap(fp, line, 0, 2);
	}
	digest_wrap(fp, label(d->lang, L_MAIL_SHIFT_NOTE), 0, 0);
	if (d->url != NULL) {
		snprintf(line, sizeof(line), "%s %s", d->lang == LANG_EN ?
		    "The report:" : "Het rapport:", d->url);
		digest_wrap(fp, line, 0, 2);
	}
	notices_text(fp, d->rm, d->lang);
	digest_wrap(fp, label(d->lang, L_MAIL_HOWTO), 0, 0);
}
