/* SPDX-License-Identifier: ISC */
/*
 * report/report_private.h: what the graph of one series (graph.c), its
 * plan (graph_plan.c) and its rrd_graph_v arguments (graph_args.c)
 * share, and the report's directory (report_dir.c) that report.c fills
 * and swaps in.  Private to report/.
 */
#ifndef REGIOMON_REPORT_PRIVATE_H
#define REGIOMON_REPORT_PRIVATE_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "eval/eval.h"
#include "report/report.h"

#define GRAPH_ARGS_MAX	160		/* below RENDER_ARGS_MAX */
#define PROV_MAX	32		/* provisional stretches drawn */
#define LEGEND_MAX	256

/* The arguments for rrd_graph_v, built up with any allocation checked. */
struct gargs {
	char	*v[GRAPH_ARGS_MAX + 1];
	int	 n;
	int	 failed;
	int	 comma;		/* the axis' decimal separator is a comma */
};

/* A time stretch [start, end) drawn as provisional. */
struct stretch {
	time_t	 start, end;
};

/* What the graph of one series shows, all figures computed beforehand. */
struct gplan {
	time_t		 start, end;
	double		 lo, hi;		/* y axis */
	int		 has_base;
	struct evbase	 base;
	/* Zones on the bad side(s), clamped to [lo, hi]: bottom, top. */
	double		 zone[4][2];
	int		 zone_crit[4];
	int		 nzones;
	struct stretch	 prov[PROV_MAX];
	int		 nprov;
	int		 has_latest;
	struct point	 latest;
	int		 latest_prov;
};

/*
 * The version of what the graph code draws from the same arguments, in
 * every graph's digest (report.c reuses a graph whose digest is
 * unchanged).  The arguments for rrd_graph_v are in the digest too, so
 * a change to graph_plan.c or graph_args.c redraws the graphs it changes
 * by itself; raise this with a change that draws other pixels from the
 * same arguments (render.c, how librrd is called).
 */
#define GRAPH_CODE_VERSION	"graph 2"
#define GRAPH_DIGEST_LEN	32		/* hex digits */

typedef unsigned __int128 u128;

/* One graph, ready to draw (graph_prepare), and the digest of it. */
struct gdraw {
	struct gplan	 g;
	struct gargs	 a;
	char		 key[2 * ID_MAX + 1];
	char		 digest[GRAPH_DIGEST_LEN + 1];
};

/* report_css.c */
extern const char report_css[];

/* report_html.c */
const char *report_jtitle(const json_t *, enum lang);
int	report_shift_text(const json_t *, const struct indicator *, enum lang,
	    char *, size_t);

/* overview.c */
void	report_overview(FILE *, struct regiomon *, const json_t *,
	    const struct region *, enum lang);

/* graph.c */
void	graph_base_text(enum lang, const struct indicator *,
	    const struct gplan *, char *, size_t);

int	graph_prepare(struct regiomon *, const struct graph_req *,
	    struct gdraw *);
int	graph_draw(const struct graph_req *, const struct gdraw *,
	    unsigned char **, size_t *);
void	graph_done(struct gdraw *);
struct render_job;
void	graph_job(const struct gdraw *, struct render_job *);
int	graph_job_done(const struct graph_req *, const struct gdraw *,
	    struct render_job *);

/* graph_plan.c */
int	graph_plan(struct gplan *, const struct indicator *, const char *,
	    const struct point *, size_t, const json_t *);

/* graph_args.c */
void	graph_args_build(struct gargs *, const struct gplan *,
	    const struct graph_req *, const char *, const char *,
	    const char *);
void	graph_args_free(struct gargs *);

/* render.c, the pieces of render_draw() for render_pool.c */
#define RENDER_TIMEOUT		120		/* seconds for one graph */
int	render_send(struct renderer *, int, int, char **, const char *);
int	render_recv(struct renderer *, const char *, unsigned char **,
	    size_t *);
void	render_lost(struct renderer *, const char *);

/* render_pool.c */
#define RENDER_POOL_MAX		16
/* A graph for render_jobs(): its arguments in, its image out. */
struct render_job {
	char		**argv;
	int		  argc;
	int		  comma;	/* a decimal comma on the axis */
	const char	 *what;		/* "IND/REGION", for the log */
	unsigned char	 *out;		/* the image, NULL if not drawn */
	size_t		  len;
};
struct render_pool {
	struct renderer	*w[RENDER_POOL_MAX];
	int		 tried[RENDER_POOL_MAX];
	int		 want;
};
void	render_pool_init(struct render_pool *, int);
void	render_pool_stop(struct render_pool *);
void	render_jobs(struct render_pool *, struct render_job *, size_t);

/* render_numbers.c */
void	render_numbers(int);

/* report_sources.c */
void	report_sources(FILE *, struct regiomon *, enum lang);

/* report_dir.c */
/*
 * In every report dir: a DIR that holds files but not this one is not
 * ours, and is never replaced (it might be someone's home directory).
 */
#define REPORT_MARK	".regiomon-report"

int	report_dir_put(const char *, const void *, size_t);
int	report_dir_rm(const char *);
void	report_dir_clean(const char *, const char *);
int	report_dir_sync(const char *);
int	report_dir_swap(const char *, const char *, const char *);
int	report_dir_check(const char *);

#endif /* REGIOMON_REPORT_PRIVATE_H */
