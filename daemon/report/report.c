/* SPDX-License-Identifier: ISC */
/*
 * report.c: the static HTML report, a page per region (index.html for
 * the region as a whole) with a graph per series in img/, written to a
 * temp dir next to the report and swapped in whole, so a reader sees the
 * old report or the new one, never a mix; and the "report" config.
 *
 * The swap: DIR.tmp.PID is filled and fsynced, then exchanged with DIR
 * in one renameat2(RENAME_EXCHANGE) and the old one (now DIR.tmp.PID)
 * removed.  On a file system without RENAME_EXCHANGE, DIR is renamed to
 * DIR.old.PID and DIR.tmp.PID to DIR, leaving a moment without DIR, but
 * never a half-written one.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"

/*
 * In every report dir: a DIR that holds files but not this one is not
 * ours, and is never replaced (it might be someone's home directory).
 */
#define REPORT_MARK	".regiomon-report"
#define REPORT_DEFAULT	"report"

static const char *const report_keys[] = { "dir", "enabled", "lang" };

/*
 * Check the "report" object of the config, every problem going to d as
 * "file: report.key: what was expected".  0, or -1 if any was found.
 */
int
report_conf_check(const json_t *v, const char *file, struct diags *d)
{
	const char	*key;
	json_t		*e;
	char		 path[64], q[128];
	size_t		 before = d->n;
	enum lang	 lang;

	if (!json_is_object(v)) {
		diag_add(d, file, "report", "expected an object, got %s",
		    conf_got(v, q, sizeof(q)));
		return -1;
	}
	json_object_foreach((json_t *)v, key, e) {
		conf_jpath(path, sizeof(path), "report", key, 0);
		if (strcmp(key, "dir") == 0) {
			if (!json_is_string(e) ||
			    *json_string_value(e) == '\0')
				diag_add(d, file, path, "expected a directory "
				    "(absolute, or relative to the state "
				    "dir), got %s", conf_got(e, q,
				    sizeof(q)));
		} else if (strcmp(key, "lang") == 0) {
			if (label_lang(json_string_value(e), &lang) == -1)
				diag_add(d, file, path, "expected \"nl\" or "
				    "\"en\", got %s", conf_got(e, q,
				    sizeof(q)));
		} else if (strcmp(key, "enabled") == 0) {
			if (!json_is_boolean(e))
				diag_add(d, file, path, "expected true or "
				    "false, got %s", conf_got(e, q,
				    sizeof(q)));
		} else
			conf_unknown_key(d, file, "report", key, report_keys,
			    nitems(report_keys));
	}
	return d->n > before ? -1 : 0;
}

/*
 * The "report" settings of a checked config, with their defaults: dir
 * STATE/report, lang nl, enabled.  rc->dir is new (report_conf_free).
 * 0, or -1 (logged) when out of memory.
 */
int
report_conf_get(const struct conf *conf, struct report_conf *rc)
{
	json_t		*r = json_object_get(conf->root, "report"), *v;
	const char	*dir = REPORT_DEFAULT;

	memset(rc, 0, sizeof(*rc));
	rc->lang = LANG_NL;
	rc->enabled = 1;
	if ((v = json_object_get(r, "dir")) != NULL && json_is_string(v))
		dir = json_string_value(v);
	if ((v = json_object_get(r, "lang")) != NULL)
		(void)label_lang(json_string_value(v), &rc->lang);
	if ((v = json_object_get(r, "enabled")) != NULL)
		rc->enabled = json_is_true(v);
	if (dir[0] == '/')
		rc->dir = strdup(dir);
	else if (asprintf(&rc->dir, "%s/%s", conf->state_dir, dir) == -1)
		rc->dir = NULL;
	if (rc->dir == NULL) {
		log_warn("report");
		return -1;
	}
	return 0;
}

void
report_conf_free(struct report_conf *rc)
{
	free(rc->dir);
	rc->dir = NULL;
}

/* The language of the report (and of the graphs in alert mail). */
enum lang
report_conf_lang(const struct conf *conf)
{
	enum lang	 lang = LANG_NL;

	(void)label_lang(json_string_value(json_object_get(json_object_get(
	    conf->root, "report"), "lang")), &lang);
	return lang;
}

/* Write a new file and fsync it.  0, or -1 (logged). */
static int
put_file(const char *path, const void *data, size_t len)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", path);
		return -1;
	}
	if (write_all(fd, data, len) == -1) {
		log_warn("write %s", path);
		close(fd);
		return -1;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", path);
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		log_warn("close %s", path);
		return -1;
	}
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	if (remove(path) == -1 && errno != ENOENT) {
		log_warn("remove %s", path);
		return -1;
	}
	return 0;
}

/* rm -rf path, symlinks removed rather than followed.  0, or -1. */
static int
rm_tree(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

/* 1 if path is a report dir of ours (it holds the mark). */
static int
is_report(const char *path)
{
	char	*mark;
	int	 yes;

	if (asprintf(&mark, "%s/%s", path, REPORT_MARK) == -1)
		return 0;
	yes = access(mark, F_OK) == 0;
	free(mark);
	return yes;
}

/* 1 if dir is an empty directory. */
static int
is_empty_dir(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	int		 empty = 1;

	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/*
 * Remove what an earlier run that died left next to the report:
 * BASE.tmp.PID and BASE.old.PID of processes that are gone, if they are
 * report dirs of ours.
 */
static void
clean_leftovers(const char *parent, const char *base)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 blen = strlen(base);
	const char	*rest;
	char		*end, *path;
	long		 pid;

	if ((d = opendir(parent)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		rest = de->d_name + blen;
		if (strncmp(rest, ".tmp.", 5) != 0 &&
		    strncmp(rest, ".old.", 5) != 0)
			continue;
		errno = 0;
		pid = strtol(rest + 5, &end, 10);
		if (errno != 0 || *end != '\0' || pid <= 0 || pid > INT_MAX ||
		    pid == (long)getpid() ||
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		if (asprintf(&path, "%s/%s", parent, de->d_name) == -1)
			break;
		if (is_report(path) || is_empty_dir(path)) {
			log_info("removing %s, left by process %ld", path,
			    pid);
			(void)rm_tree(path);
		}
		free(path);
	}
	closedir(d);
}

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
			rc = put_file(path, img, len);
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
	rc = put_file(path, html, len);
done:
	free(path);
	free(html);
	json_decref(doc);
	return rc;
}

/* fsync a directory, logged.  0, or -1. */
static int
sync_dir(const char *path)
{
	if (fsync_dir(path) == -1) {
		log_warn("fsync %s", path);
		return -1;
	}
	return 0;
}

/*
 * Put the finished report tmp in place of dir: exchanged in one step
 * when dir exists, the old one removed after.  0, or -1 (logged) with
 * dir as it was.
 */
static int
swap_in(const char *tmp, const char *dir, const char *parent)
{
	char	*old;
	int	 rc = 0;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
		(void)sync_dir(parent);
		if (rm_tree(tmp) == -1)
			log_warnx("%s: the old report is left there", tmp);
		return 0;
	}
	if (errno == ENOENT) {
		if (rename(tmp, dir) == -1) {
			log_warn("rename %s to %s", tmp, dir);
			return -1;
		}
		(void)sync_dir(parent);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP) {
		log_warn("rename %s to %s", tmp, dir);
		return -1;
	}
	/* No RENAME_EXCHANGE here: two renames, old report kept apart. */
	if (asprintf(&old, "%s.old.%ld", dir, (long)getpid()) == -1) {
		log_warn("report");
		return -1;
	}
	if (rename(dir, old) == -1) {
		log_warn("rename %s to %s", dir, old);
		rc = -1;
	} else if (rename(tmp, dir) == -1) {
		log_warn("rename %s to %s", tmp, dir);
		if (rename(old, dir) == -1)
			log_warn("rename %s back to %s", old, dir);
		rc = -1;
	} else {
		(void)sync_dir(parent);
		(void)rm_tree(old);
	}
	free(old);
	return rc;
}

/*
 * Is dir fit to be replaced by a report?  Missing, empty, or one of our
 * reports.  0, or -1 with the reason logged.
 */
static int
check_target(const char *dir)
{
	struct stat	 st;

	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", dir);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/* The swap would replace the link, not what it points to. */
		log_warnx("%s: is a symbolic link; name the directory it "
		    "points to instead", dir);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		log_warnx("%s: exists and is not a directory; the report "
		    "needs a directory of its own", dir);
		return -1;
	}
	if (!is_empty_dir(dir) && !is_report(dir)) {
		log_warnx("%s: exists, is not empty and is not a regiomon "
		    "report (no %s in it); refusing to replace it", dir,
		    REPORT_MARK);
		return -1;
	}
	return 0;
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
	if (check_target(copy) == -1)
		goto done;
	clean_leftovers(parent, base);
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
	(void)rm_tree(tmp);
	if (mkdir(tmp, 0755) == -1 || mkdir(img, 0755) == -1) {
		log_warn("%s", tmp);
		goto fail;
	}
	if (put_file(mark, "regiomon report\n", 16) == -1)
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
	if (sync_dir(img) == -1 || sync_dir(tmp) == -1 ||
	    swap_in(tmp, copy, parent) == -1)
		goto fail;
	if (failed > 0)
		log_warnx("%s: %d graph%s could not be drawn and %s left "
		    "out", copy, failed, failed == 1 ? "" : "s",
		    failed == 1 ? "is" : "are");
	rc = failed > 0 ? 1 : 0;
	goto done;
fail:
	render_stop(w);
	(void)rm_tree(tmp);
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
