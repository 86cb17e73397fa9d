/* SPDX-License-Identifier: ISC */
/*
 * report.c: the static HTML report, a page per region (index.html for
 * the region as a whole) with a graph per series in img/, written to a
 * temp dir next to the report and swapped in whole (report_dir.c), so a
 * reader sees the old report or the new one, never a mix.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"
#include "report/report_private.h"

/*
 * The graphs of one region's series into DIR/img, each entry of doc
 * that gets one marked with "image": "img/IND.REGION.png".  A graph that
 * cannot be drawn is logged, left out of the page (its entry marked
 * "image_failed") and counted in *failed.  0, or -1 (logged) when a file
 * cannot be written.
 */
static int
write_graphs(struct regiomon *rm, const char *tmp, json_t *doc,
    const struct region *reg, enum lang lang, struct renderer *w,
    int *failed)
{
	struct graph_req	 rq;
	const struct indicator	*ind;
	json_t			*ch, *e;
	unsigned char		*img;
	char			*path, name[2 * ID_MAX + 16];
	size_t			 i, j, len;
	int			 rc;

	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		json_array_foreach(json_object_get(ch, "series"), j, e) {
			ind = catalog_indicator(rm->catalog,
			    json_string_value(json_object_get(e,
			    "indicator")));
			if (ind == NULL ||
			    !json_is_object(json_object_get(e, "latest")))
				continue;
			memset(&rq, 0, sizeof(rq));
			rq.ind = ind;
			rq.reg = reg;
			rq.lang = lang;
			rq.fmt = GRAPH_PNG;
			rq.width = REPORT_GRAPH_WIDTH;
			rq.height = REPORT_GRAPH_HEIGHT;
			rq.renderer = w;
			if ((rc = graph_series(rm, &rq, &img, &len)) == -1) {
				(*failed)++;
				json_object_set_new(e, "image_failed",
				    json_true());
			}
			if (rc != 0)
				continue;
			snprintf(name, sizeof(name), "img/%s.%s.png",
			    ind->id, reg->id);
			if (asprintf(&path, "%s/%s", tmp, name) == -1) {
				log_warn("report");
				free(img);
				return -1;
			}
			rc = report_dir_put(path, img, len);
			free(path);
			free(img);
			if (rc == -1)
				return -1;
			json_object_set_new(e, "image", json_string(name));
		}
	}
	return 0;
}

/* The page of one region, with its graphs, into tmp.  0, or -1. */
static int
write_region(struct regiomon *rm, const char *tmp,
    const struct silences *sil, const struct region *reg, enum lang lang,
    time_t now, struct renderer *w, int *failed)
{
	json_t	*doc;
	char	*html = NULL, *path = NULL, page[ID_MAX + 16];
	size_t	 len;
	FILE	*fp;
	int	 rc = -1;

	if ((doc = status_build(rm, now, 0, reg->id, sil)) == NULL)
		return -1;
	if (write_graphs(rm, tmp, doc, reg, lang, w, failed) == -1)
		goto done;
	if ((fp = open_memstream(&html, &len)) == NULL) {
		log_warn("report");
		goto done;
	}
	report_html_page(fp, rm, doc, reg, lang, now);
	if (ferror(fp) | (fclose(fp) == EOF)) {
		log_warn("report: %s", reg->id);
		goto done;
	}
	report_page_name(reg, page, sizeof(page));
	if (asprintf(&path, "%s/%s", tmp, page) == -1) {
		path = NULL;
		log_warn("report");
		goto done;
	}
	rc = report_dir_put(path, html, len);
done:
	free(path);
	free(html);
	json_decref(doc);
	return rc;
}

/* The regions with a page: the catalog's, except ones without a kind. */
static int
has_page(const struct region *r)
{
	return r->kind != NULL;
}

/*
 * Write the report to dir in lang: the pages of every region of the
 * catalog, their graphs, all swapped in at once (see the top of this
 * file).  0 when the report is in place, 1 when it is but some graphs
 * could not be drawn (logged, and left out of their cards), -1 (logged)
 * when nothing was changed.
 */
int
report_write(struct regiomon *rm, const char *dir, enum lang lang)
{
	struct silences	 sil;
	struct diags	 d;
	struct renderer	*w = NULL;
	char		*tmp = NULL, *img = NULL, *mark = NULL;
	char		*parent = NULL, *copy = NULL, *base;
	size_t		 i, len;
	time_t		 now = time(NULL);
	int		 rc = -1, failed = 0;

	memset(&sil, 0, sizeof(sil));
	memset(&d, 0, sizeof(d));
	if ((copy = strdup(dir)) == NULL) {
		log_warn("report");
		return -1;
	}
	/* "out/" and "out" are the same report. */
	for (len = strlen(copy); len > 1 && copy[len - 1] == '/'; len--)
		copy[len - 1] = '\0';
	if ((base = strrchr(copy, '/')) != NULL)
		base++;
	else
		base = copy;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		log_warnx("%s: name the report's own directory, e.g. "
		    "%s/report", dir, dir);
		goto done;
	}
	parent = path_dirname(copy);
	if (mkdir_p(parent, 0755) == -1) {
		log_warn("%s", parent);
		goto done;
	}
	if (report_dir_check(copy) == -1)
		goto done;
	report_dir_clean(parent, base);
	if (silences_load(rm->conf->state_dir, &sil, &d) == -1) {
		/* A bad silences file hides no series from the report. */
		diag_print(&d, stderr);
		silences_free(&sil);
		memset(&sil, 0, sizeof(sil));
	}
	/* asprintf leaves its pointer undefined on failure. */
	if (asprintf(&tmp, "%s.tmp.%ld", copy, (long)getpid()) == -1)
		tmp = NULL;
	else if (asprintf(&img, "%s/img", tmp) == -1)
		img = NULL;
	else if (asprintf(&mark, "%s/%s", tmp, REPORT_MARK) == -1)
		mark = NULL;
	if (tmp == NULL || img == NULL || mark == NULL) {
		log_warn("report");
		goto done;
	}
	(void)report_dir_rm(tmp);
	if (mkdir(tmp, 0755) == -1 || mkdir(img, 0755) == -1) {
		log_warn("%s", tmp);
		goto fail;
	}
	if (report_dir_put(mark, "regiomon report\n", 16) == -1)
		goto fail;
	/* One renderer for all graphs; without one, one per graph. */
	w = render_start();
	for (i = 0; i < rm->catalog->nregions; i++) {
		if (!has_page(&rm->catalog->regions[i]))
			continue;
		if (write_region(rm, tmp, &sil, &rm->catalog->regions[i],
		    lang, now, w, &failed) == -1)
			goto fail;
	}
	render_stop(w);
	w = NULL;
	if (report_dir_sync(img) == -1 || report_dir_sync(tmp) == -1 ||
	    report_dir_swap(tmp, copy, parent) == -1)
		goto fail;
	if (failed > 0)
		log_warnx("%s: %d graph%s could not be drawn and %s left "
		    "out", copy, failed, failed == 1 ? "" : "s",
		    failed == 1 ? "is" : "are");
	rc = failed > 0 ? 1 : 0;
	goto done;
fail:
	render_stop(w);
	(void)report_dir_rm(tmp);
done:
	silences_free(&sil);
	diag_free(&d);
	free(mark);
	free(img);
	free(tmp);
	free(parent);
	free(copy);
	return rc;
}

/*
 * 1 if some series has data stored since its last evaluation (apply.c
 * marks it "fresh", alert_cycle() clears the mark): call before
 * alert_cycle() to know whether the report is out of date.
 */
int
report_fresh(const struct regiomon *rm)
{
	const char	*key;
	json_t		*ss;

	json_object_foreach(json_object_get(rm->state, "series"), key, ss)
		if (json_is_true(json_object_get(ss, "fresh")))
			return 1;
	return 0;
}

/*
 * The daemon's and `regiomon run`'s hook, for a cycle that stored new
 * data: write the report where the config says, if it is enabled.
 * 0 (written or disabled), or -1 (logged).
 */
int
report_cycle(struct regiomon *rm)
{
	struct report_conf	 rc;
	int			 r;

	if (report_conf_get(rm->conf, &rc) == -1)
		return -1;
	if (!rc.enabled) {
		report_conf_free(&rc);
		return 0;
	}
	r = report_write(rm, rc.dir, rc.lang);
	if (r >= 0)
		log_info("report written to %s", rc.dir);
	report_conf_free(&rc);
	return r == -1 ? -1 : 0;
}

