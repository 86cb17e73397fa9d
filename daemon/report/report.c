/* SPDX-License-Identifier: ISC */
/*
 * report.c: the static HTML report, a page per region (index.html for
 * the region as a whole) with a graph per series in img/, written to a
 * temp dir next to the report and swapped in whole (report_dir.c), so a
 * reader sees the old report or the new one, never a mix.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
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
 * The graphs of the report in place, for the next one to reuse: its
 * manifest (REPORT_GRAPHS) names each graph with the digest of what it
 * shows (graph_prepare) and its size.  A graph whose digest is the same
 * is linked into the new report rather than drawn again.
 */
#define REPORT_GRAPHS	".regiomon-graphs"

struct reuse {
	const char	*old;		/* the report in place */
	json_t		*was;		/* its graphs: name -> "DIGEST SIZE" */
	FILE		*fp;		/* the new report's manifest */
	char		*buf;
	size_t		 len;
	int		 drawn, reused;
	/*
	 * The renderers of all graphs, started for the first graphs drawn
	 * (none when every graph is reused).
	 */
	struct render_pool pool;
};

/* The first line of a manifest: another one is not trusted. */
static void
manifest_head(char *buf, size_t size)
{
	snprintf(buf, size, "regiomon-graphs 1 %s %s %s\n",
	    REGIOMON_VERSION, GRAPH_CODE_VERSION, render_version());
}

/*
 * The manifest of the report in dir into ru->was: lines of "DIGEST SIZE
 * img/NAME.png" after the head.  A manifest that is missing, of another
 * version or malformed reuses nothing (every graph is drawn).
 */
static void
manifest_load(struct reuse *ru, const char *dir)
{
	FILE	*fp;
	char	*path, *line = NULL, *sp, head[256];
	size_t	 cap = 0;
	ssize_t	 n;

	if ((ru->was = json_object()) == NULL)
		return;
	if (asprintf(&path, "%s/%s", dir, REPORT_GRAPHS) == -1)
		return;
	fp = fopen(path, "re");
	free(path);
	if (fp == NULL)
		return;
	manifest_head(head, sizeof(head));
	if ((n = getline(&line, &cap, fp)) == -1 || strcmp(line, head) != 0)
		goto done;
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] != '\n')
			break;
		line[n - 1] = '\0';
		/* "DIGEST SIZE NAME": the value is "DIGEST SIZE". */
		if (n < GRAPH_DIGEST_LEN + 4 || line[GRAPH_DIGEST_LEN] != ' ' ||
		    (sp = strchr(line + GRAPH_DIGEST_LEN + 1, ' ')) == NULL)
			continue;
		*sp = '\0';
		json_object_set_new(ru->was, sp + 1, json_string(line));
	}
done:
	free(line);
	fclose(fp);
}

/*
 * Link the graph name of the report in place into tmp if it shows what
 * digest says and is still the size it was written at.  1 if it was, 0
 * if it must be drawn.
 */
static int
reuse_graph(struct reuse *ru, const char *tmp, const char *name,
    const char *digest, size_t *len)
{
	struct stat		 st;
	const char		*v;
	char			*from = NULL, *to = NULL, *end;
	unsigned long long	 size;
	int			 ok = 0;

	if (ru->was == NULL || (v = json_string_value(json_object_get(ru->was,
	    name))) == NULL || strncmp(v, digest, GRAPH_DIGEST_LEN) != 0 ||
	    v[GRAPH_DIGEST_LEN] != ' ')
		return 0;
	errno = 0;
	size = strtoull(v + GRAPH_DIGEST_LEN + 1, &end, 10);
	if (errno != 0 || *end != '\0' || size == 0)
		return 0;
	if (asprintf(&from, "%s/%s", ru->old, name) == -1)
		from = NULL;
	else if (asprintf(&to, "%s/%s", tmp, name) == -1)
		to = NULL;
	if (from != NULL && to != NULL && lstat(from, &st) == 0 &&
	    S_ISREG(st.st_mode) && (unsigned long long)st.st_size == size &&
	    link(from, to) == 0) {
		*len = (size_t)size;
		ok = 1;
	}
	free(from);
	free(to);
	return ok;
}

/* A graph of one region's page to draw: what it shows and its entry. */
struct todo {
	struct graph_req	 rq;
	struct gdraw		 d;
	json_t			*e;
	char			 name[2 * ID_MAX + 16];
};

/*
 * Write the graph of t, drawn (its job j) or not, into tmp and list it
 * in the manifest; a graph not drawn marks its entry "image_failed" and
 * counts in *failed.  Ends t's graph_prepare().  0, or -1 (logged) when
 * the file cannot be written.
 */
static int
put_graph(struct reuse *ru, const char *tmp, struct todo *t,
    struct render_job *j, int *failed)
{
	char	*path;
	int	 rc;

	if (graph_job_done(&t->rq, &t->d, j) == -1) {
		(*failed)++;
		json_object_set_new(t->e, "image_failed", json_true());
		graph_done(&t->d);
		return 0;
	}
	if (asprintf(&path, "%s/%s", tmp, t->name) == -1) {
		log_warn("report");
		graph_done(&t->d);
		return -1;
	}
	rc = report_dir_put(path, j->out, j->len);
	free(path);
	if (rc == 0) {
		ru->drawn++;
		fprintf(ru->fp, "%s %zu %s\n", t->d.digest, j->len, t->name);
		json_object_set_new(t->e, "image", json_string(t->name));
	}
	graph_done(&t->d);
	return rc;
}

/*
 * The graphs of one region's series into DIR/img, each entry of doc
 * that gets one marked with "image": "img/IND.REGION.png": reused from
 * the report in place when it shows the same (ru), the others drawn side
 * by side by ru's renderers (render_pool.c).  A graph that cannot be
 * drawn is logged, left out of the page (its entry marked
 * "image_failed") and counted in *failed.  0, or -1 (logged) when a file
 * cannot be written.
 */
static int
write_graphs(struct regiomon *rm, const char *tmp, json_t *doc,
    const struct region *reg, enum lang lang, struct reuse *ru,
    int *failed)
{
	struct todo		*todo = NULL, *t;
	struct render_job	*jobs = NULL;
	const struct indicator	*ind;
	json_t			*ch, *e;
	size_t			 i, j, n = 0, max = 0, len;
	int			 rc = 0, prc;

	json_array_foreach(json_object_get(doc, "challenges"), i, ch)
		max += json_array_size(json_object_get(ch, "series"));
	if (max > 0 && ((todo = calloc(max, sizeof(*todo))) == NULL ||
	    (jobs = calloc(max, sizeof(*jobs))) == NULL)) {
		log_warn("report");
		free(todo);
		return -1;
	}
	json_array_foreach(json_object_get(doc, "challenges"), i, ch) {
		json_array_foreach(json_object_get(ch, "series"), j, e) {
			ind = catalog_indicator(rm->catalog,
			    json_string_value(json_object_get(e,
			    "indicator")));
			if (ind == NULL ||
			    !json_is_object(json_object_get(e, "latest")))
				continue;
			t = &todo[n];
			t->e = e;
			t->rq.ind = ind;
			t->rq.reg = reg;
			t->rq.lang = lang;
			t->rq.fmt = GRAPH_PNG;
			t->rq.width = REPORT_GRAPH_WIDTH;
			t->rq.height = REPORT_GRAPH_HEIGHT;
			if ((prc = graph_prepare(rm, &t->rq, &t->d)) == 1)
				continue;
			if (prc == -1) {
				(*failed)++;
				json_object_set_new(e, "image_failed",
				    json_true());
				continue;
			}
			snprintf(t->name, sizeof(t->name), "img/%s.%s.png",
			    ind->id, reg->id);
			if (reuse_graph(ru, tmp, t->name, t->d.digest, &len)) {
				ru->reused++;
				fprintf(ru->fp, "%s %zu %s\n", t->d.digest, len,
				    t->name);
				json_object_set_new(e, "image",
				    json_string(t->name));
				graph_done(&t->d);
				continue;
			}
			graph_job(&t->d, &jobs[n]);
			n++;
		}
	}
	if (n > 0)
		render_jobs(&ru->pool, jobs, n);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = put_graph(ru, tmp, &todo[i], &jobs[i], failed);
		else
			graph_done(&todo[i].d);
		free(jobs[i].out);
	}
	free(jobs);
	free(todo);
	return rc;
}

/* The page of one region, with its graphs, into tmp.  0, or -1. */
static int
write_region(struct regiomon *rm, const char *tmp,
    const struct silences *sil, const struct region *reg, enum lang lang,
    time_t now, struct reuse *ru, int *failed)
{
	json_t	*doc;
	char	*html = NULL, *path = NULL, page[ID_MAX + 16];
	size_t	 len;
	FILE	*fp;
	int	 rc = -1;

	if ((doc = status_build(rm, now, 0, reg->id, sil)) == NULL)
		return -1;
	if (write_graphs(rm, tmp, doc, reg, lang, ru, failed) == -1)
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
 * when nothing was changed.  Each graph whose digest is that of the
 * same graph in the report in place is linked from there rather than
 * drawn again, unless full is set (see struct reuse).
 */
int
report_write(struct regiomon *rm, const char *dir, enum lang lang, int full)
{
	struct silences	 sil;
	struct diags	 d;
	struct reuse	 ru;
	char		*tmp = NULL, *img = NULL, *mark = NULL, *man = NULL;
	char		 head[256];
	char		*parent = NULL, *copy = NULL, *base;
	size_t		 i, len;
	time_t		 now = time(NULL);
	int		 rc = -1, failed = 0;

	memset(&sil, 0, sizeof(sil));
	memset(&d, 0, sizeof(d));
	memset(&ru, 0, sizeof(ru));
	render_pool_init(&ru.pool, report_conf_renderers(rm->conf));
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
	else if (asprintf(&man, "%s/%s", tmp, REPORT_GRAPHS) == -1)
		man = NULL;
	if (tmp == NULL || img == NULL || mark == NULL || man == NULL) {
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
	ru.old = copy;
	if (!full)
		manifest_load(&ru, copy);
	if ((ru.fp = open_memstream(&ru.buf, &ru.len)) == NULL) {
		log_warn("report");
		goto fail;
	}
	manifest_head(head, sizeof(head));
	fputs(head, ru.fp);
	for (i = 0; i < rm->catalog->nregions; i++) {
		if (!has_page(&rm->catalog->regions[i]))
			continue;
		if (write_region(rm, tmp, &sil, &rm->catalog->regions[i],
		    lang, now, &ru, &failed) == -1)
			goto fail;
	}
	render_pool_stop(&ru.pool);
	if (ferror(ru.fp) | (fclose(ru.fp) == EOF)) {
		ru.fp = NULL;
		log_warn("report");
		goto fail;
	}
	ru.fp = NULL;
	if (report_dir_put(man, ru.buf, ru.len) == -1)
		goto fail;
	log_debug("%s: %d graph%s drawn, %d reused", copy, ru.drawn,
	    ru.drawn == 1 ? "" : "s", ru.reused);
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
	render_pool_stop(&ru.pool);
	(void)report_dir_rm(tmp);
done:
	if (ru.fp != NULL)
		fclose(ru.fp);
	free(ru.buf);
	json_decref(ru.was);
	silences_free(&sil);
	diag_free(&d);
	free(man);
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
	r = report_write(rm, rc.dir, rc.lang, 0);
	if (r >= 0)
		log_info("report written to %s", rc.dir);
	report_conf_free(&rc);
	return r == -1 ? -1 : 0;
}

