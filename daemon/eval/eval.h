/* SPDX-License-Identifier: ISC */
/*
 * eval/eval.h: the judge: a series' values against its baseline and
 * thresholds, the evaluation record kept in state.json, and the status
 * document.
 */
#ifndef REGIOMON_EVAL_H
#define REGIOMON_EVAL_H

#include "core/core.h"
#include "model/model.h"

/* eval.c */
enum estate {				/* names as in state.json */
	ES_OK,
	ES_IMPROVED,
	ES_MOVED,		/* a neutral indicator past warning */
	ES_MOVED_STRONGLY,	/* ... past critical */
	ES_WARNING,
	ES_CRITICAL,
	ES_STALE,
	ES_NODATA
};
#define ES_COUNT	8

/* One value against the baseline; the measure is in the thresholds' unit. */
struct judgement {
	double		 shift_abs;
	double		 shift_pct;	/* NaN: baseline 0 */
	double		 measure;
	double		 worse;		/* > 0 is bad news */
};

/* Per-series state machine: confirmation and hysteresis. */
struct evmachine {
	enum estate	 state;		/* confirmed, never stale/nodata */
	enum estate	 pending;	/* candidate while npending > 0 */
	int		 npending;
	struct period	 since;		/* release that confirmed state */
	int		 has_since;
	int		 releases;
};

/*
 * The baseline a series is judged against.  With a catalog figure for
 * the region, own is the series' value for that period (has_own), and
 * the series' value is used instead when it differs by more than the
 * indicator's baseline_tolerance (differs): another definition.
 */
struct evbase {
	struct period	 period;
	double		 value;
	int		 from_catalog;	/* else the series' own value */
	int		 has_catalog, has_own, differs;
	double		 catalog;	/* the strategy's figure */
	double		 own;		/* the series' value for period */
};

/* Progress towards a catalog target: the straight path from baseline. */
struct evtarget {
	struct period	 period;
	double		 value;		/* as the catalog says */
	double		 goal;		/* rescaled to the baseline used */
	double		 path;		/* where the path is at latest */
	int		 on_track;
};

struct evresult {
	enum estate	 state;		/* judged; nodata with a reason */
	const char	*reason;	/* static, or NULL */
	int		 has_base, has_latest;
	struct evbase	 base;
	struct period	 latest;
	double		 latest_value;
	struct judgement j;		/* of the latest value */
	struct evmachine m;
	int		 has_target;
	struct evtarget	 target;
};

const char *eval_state_name(enum estate);
int	eval_state_parse(const char *, enum estate *);
int	eval_state_rank(enum estate);
void	eval_judge(const struct indicator *, double, double,
	    struct judgement *);
enum estate eval_raw(const struct indicator *, const struct judgement *,
	    enum estate);
void	eval_machine_init(struct evmachine *);
int	eval_machine_step(struct evmachine *, const struct indicator *,
	    const struct period *, const struct judgement *);
int	eval_baseline(const struct indicator *, const char *,
	    const struct point *, size_t, struct evbase *);
int	eval_target(const struct indicator *, const char *,
	    const struct evbase *, const struct period *, double,
	    struct evtarget *);
time_t	eval_stale_after(const struct indicator *, const struct period *);
int	eval_stale(const struct indicator *, const struct period *, time_t);
void	eval_series(const struct indicator *, const char *,
	    const struct point *, size_t, struct evresult *);

/* record.c */
json_t	*record_evaluate(struct regiomon *, const struct indicator *,
	    const char *, const json_t *);
void	record_stale(json_t *, const struct indicator *, time_t);
int	record_current(const json_t *, const struct indicator *,
	    const char *);
void	record_evaluate_stored(struct regiomon *, const struct indicator *,
	    const char *, json_t *, const struct point *, size_t);
json_t	*record_cycle_eval(struct regiomon *, const struct indicator *,
	    const char *, json_t *);

/* status.c */
size_t	status_width(const char *);
void	status_pad(FILE *, const char *, size_t);
int	status_banner(const struct conf *, char *, size_t);
void	status_wrap(FILE *, const char *, size_t, const char *);
int	status_illustrative(const struct conf *, const char *, const char *);
json_t	*status_build(struct regiomon *, time_t, int, const char *,
	    const struct silences *);
json_t	*status_build_states(struct regiomon *, time_t, int, const char *,
	    unsigned, const struct silences *);

#endif /* REGIOMON_EVAL_H */
