/* SPDX-License-Identifier: ISC */
/*
 * report/report.h: what people read: labels in Dutch and English, number and
 * text formatting, graphs (PNG/SVG through rrdtool), and the HTML report.
 */
#ifndef REGIOMON_REPORT_H
#define REGIOMON_REPORT_H

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"

/* label.c */
enum lang {
	LANG_NL,
	LANG_EN
};

/*
 * The words of graphs, the report and the alert mail; the table in
 * label.c is in order.
 */
enum lbl {
	L_REPORT_TITLE, L_REPORT_INTRO, L_UPDATED, L_CHOOSE_REGION,
	L_KIND_REGION, L_KIND_PROVINCE, L_KIND_GEMEENTE, L_KIND_COUNTRY,
	L_CHALLENGE, L_CONTENTS, L_SUM_IMPROVED, L_SUM_STABLE, L_SUM_WORSE,
	L_SUM_UNKNOWN, L_SUM_NONE, L_ST_OK, L_ST_IMPROVED, L_ST_WARNING,
	L_ST_CRITICAL, L_ST_STALE, L_ST_NODATA, L_BASELINE, L_LATEST,
	L_SHIFT, L_PROVISIONAL, L_SOURCE, L_SILENCED, L_NO_GRAPH,
	L_FROM_SERIES, L_DIR_HIGHER, L_DIR_LOWER, L_DIR_NEUTRAL,
	L_WARNING_ZONE, L_CRITICAL_ZONE, L_OBSERVED, L_GRAPH_OF, L_GRAPHS,
	L_FOOTER, L_PCT_POINTS, L_PROVISIONAL_LEGEND, L_GRAPH_FAILED,
	L_SUM_MOVED, L_ST_MOVED, L_ST_MOVED_STRONGLY, L_MOVED_ZONE,
	L_MOVED_STRONGLY_ZONE, L_TARGET, L_ON_TRACK, L_BEHIND, L_PATH_NOW,
	L_DEF_DIFFERS, L_STRATEGY, L_FROM_SOURCE, L_STRATEGY_ONLY,
	L_MAIL_H_INDICATOR, L_MAIL_INDICATOR, L_MAIL_INDICATORS,
	L_MAIL_MOVED, L_MAIL_BACK_OK, L_MAIL_REMINDER, L_MAIL_REMINDERS,
	L_MAIL_H_CHANGE, L_MAIL_H_SHIFT, L_MAIL_NEW, L_MAIL_STILL,
	L_MAIL_RESOLVED, L_MAIL_VS, L_MAIL_NO_BASELINE, L_MAIL_PROVISIONAL,
	L_MAIL_SHIFT_NOTE, L_MAIL_HOWTO,
	L_COUNT
};

const char *label(enum lang, enum lbl);
int	label_check(void);
int	label_lang(const char *, enum lang *);
const char *label_lang_name(enum lang);
const char *label_state(enum lang, const char *);
int	label_decimals(double, int);
void	label_num(enum lang, double, int, int, char *, size_t);
void	label_value(enum lang, double, const char *, int, char *, size_t);
void	report_base_note(enum lang, const json_t *, char *, size_t);
void	report_target_text(enum lang, const json_t *,
	    const struct indicator *, char *,
	    size_t);

/* graph.c */
#define GRAPH_WIDTH		640	/* `regiomon graph` and the report */
#define GRAPH_HEIGHT		240
#define GRAPH_MAIL_WIDTH	600
#define GRAPH_MAIL_HEIGHT	220
#define GRAPH_MAIL_MAX		20	/* graphs in one alert mail */
#define GRAPH_SIZE_MIN		100
#define GRAPH_SIZE_MAX		4000

enum graph_fmt {
	GRAPH_PNG,
	GRAPH_SVG
};

struct graph_req {
	const struct indicator	*ind;
	const struct region	*reg;
	enum lang		 lang;
	enum graph_fmt		 fmt;
	int			 width, height;	/* of the whole image */
	struct renderer		*renderer;	/* NULL: one for this graph */
};

int	graph_series(struct regiomon *, const struct graph_req *,
	    unsigned char **, size_t *);
void	graph_latest_text(enum lang, const struct indicator *,
	    const struct point *, int, char *, size_t);
const char *graph_title(enum lang, const struct indicator *);

/* render.c */
struct renderer {
	pid_t		 pid;
	int		 fd;		/* -1: lost */
};
struct renderer *render_start(void);
void	render_stop(struct renderer *);
const char *render_version(void);
int	render_draw(struct renderer *, int, int, char **, const char *,
	    unsigned char **, size_t *);

/* reportconf.c */
struct report_conf {
	char		*dir;		/* resolved against the state dir */
	enum lang	 lang;
	int		 enabled;
};
int	report_conf_check(const json_t *, const char *, struct diags *);
int	report_conf_get(const struct conf *, struct report_conf *);
void	report_conf_free(struct report_conf *);
const char *report_conf_url(const struct conf *);
enum lang report_conf_lang(const struct conf *);
int	report_conf_renderers(const struct conf *);

/* report.c */
#define REPORT_MAIN_REGION	"rga"	/* index.html; the others region-ID */
#define REPORT_GRAPH_WIDTH	540
#define REPORT_GRAPH_HEIGHT	240
int	report_write(struct regiomon *, const char *, enum lang, int);
int	report_cycle(struct regiomon *);
int	report_fresh(const struct regiomon *);

/* report_html.c */
void	report_html_puts(FILE *, const char *);
void	report_page_name(const struct region *, char *, size_t);
void	report_html_page(FILE *, struct regiomon *, const json_t *,
	    const struct region *, enum lang, time_t);

#endif /* REGIOMON_REPORT_H */
