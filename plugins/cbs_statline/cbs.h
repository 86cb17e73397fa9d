/* SPDX-License-Identifier: ISC */
/*
 * cbs.h: what the files of the cbs_statline plugin share: the parsed
 * config (config.c, series.c), the state of one collect run (main.c), and
 * the prototypes of each file's job, grouped under the file's banner.
 * Plugin-internal: -fvisibility=hidden keeps all of it out of the .so.
 */
#ifndef CBS_H
#define CBS_H

#include <stddef.h>
#include <stdint.h>

#include "regiomon-plugin.h"

#define CBS_PAGE_LIMIT		1000	/* default page_limit */
#define CBS_CODE_MAX		64	/* longest dimension code we accept */
#define CBS_SHOWN		60	/* server text quoted in a log */
#define CBS_CHUNK		256	/* rows of a page handed on at once */
#define CBS_TITLE_MAX		255	/* edit_distance gives up past */

/*
 * What the one extra request for a series whose combination has no data
 * leaves out of the series' query (main.c, cbs_probe()): its filter
 * codes, or its measure; and how many rows it asks for (its first page
 * only; v3 rows of every measure are wide, so fewer of them).
 */
#define CBS_DROP_NONE		0
#define CBS_DROP_FILTERS	1
#define CBS_DROP_MEASURE	2
#define CBS_PROBE_TOP		"1000"
#define CBS_PROBE_TOP_WIDE	"100"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum cbs_api {
	CBS_V3,			/* opendata.cbs.nl ODataApi */
	CBS_V3_FEED,		/* opendata.cbs.nl ODataFeed (bulk) */
	CBS_V4			/* datasets.cbs.nl */
};

/* Period types, as a bit set. */
#define CBS_YEAR	0x1	/* 2020JJ00 */
#define CBS_QUARTER	0x2	/* 2020KW03 */
#define CBS_MONTH	0x4	/* 2020MM07 */

/* A measure as configured (key or title) and as resolved at run time. */
struct cbs_measure {
	char	*key;		/* configured key, or NULL */
	char	*title;		/* configured title, or NULL */
	char	*resolved;	/* the key in this table's current design */
};

/* A dimension filter, e.g. Geslacht eq 'T001038'. */
struct cbs_filter {
	char	*dim;
	char	*code;		/* trimmed, as configured */
	char	*padded;	/* v3: padded to the dimension's width */
};

/* A region of a series: catalog id and CBS code. */
struct cbs_region {
	char	*id;
	char	*code;		/* trimmed, as in the catalog */
	char	*padded;	/* v3: padded to the dimension's width */
};

struct cbs_series {
	size_t			 index;		/* position in "series" */
	char			*indicator;
	struct cbs_measure	*terms;		/* summed */
	size_t			 nterms;
	struct cbs_measure	*per;		/* denominator, or NULL */
	struct cbs_filter	*filters;
	size_t			 nfilters;
	struct cbs_region	*regions;	/* NULL with a fixed region */
	size_t			 nregions;
	char			*region;	/* fixed: no region dimension */
	unsigned		 periods;	/* CBS_YEAR | ... */
	double			 scale;
	char			*sum_into;	/* summed into this region */
	int			 growth;	/* % change over N periods */
};

struct cbs_conf {
	enum cbs_api		 api;
	char			*base;		/* no trailing '/' */
	int			 is_file;	/* base is a file: URL */
	char			*table;
	int			 typed;		/* v3: TypedDataSet */
	long			 page_limit;
	char			*region_dim;
	char			*period_dim;
	struct cbs_series	*series;
	size_t			 nseries;
	char			 hash[17];	/* of the config, hex */
};

/* A growable string; oom is sticky, so callers check once at the end. */
struct cbs_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* The status of one period code, from Perioden/PeriodenCodes. */
struct cbs_status {
	char		 code[16];
	unsigned char	 provisional;
};

/* The width of a v3 dimension's keys, as the server pads them. */
struct cbs_width {
	char	*dim;
	size_t	 width;
};

/* One collect run. */
struct cbs_run {
	struct rm_ctx		*ctx;
	struct cbs_conf		*conf;
	struct cbs_status	*status;	/* sorted by code */
	size_t			 nstatus;
	struct cbs_width	*widths;
	size_t			 nwidths;
	size_t			 requests;	/* made so far, for the log */
	int			 dims_bad;	/* a dimension is missing */
};

/*
 * Rows of one page (url, page), rows[0] being row first of the page: a
 * page comes in chunks.  0 to go on, -1 to stop (logged by the callee).
 */
typedef int	(*cbs_rows_fn)(struct cbs_run *, json_t *, const char *,
		    size_t, size_t, void *);

/* What a cell of a flat row holds. */
enum cbs_cell_kind {
	CBS_CELL_NULL,
	CBS_CELL_NUMBER,
	CBS_CELL_STRING,
	CBS_CELL_TRUE,
	CBS_CELL_FALSE,
	CBS_CELL_OTHER		/* an object or array (from jansson only) */
};

/* One member of a row: key and string are not NUL-terminated. */
struct cbs_cell {
	const char	*key;
	size_t		 klen;
	const char	*text;		/* CBS_CELL_STRING */
	size_t		 len;
	double		 num;		/* CBS_CELL_NUMBER */
	int		 kind;
};

/*
 * Rows of cells: row r is cells[start[r]] up to cells[start[r + 1]];
 * tree[r] is the jansson row its cells point into, if any (owned by
 * cbs_flat_rows(), NULL otherwise).
 */
struct cbs_flat {
	struct cbs_cell	*cells;
	size_t		 ncells;
	size_t		 cellcap;
	size_t		*start;
	json_t		**tree;
	size_t		 nrows;
	size_t		 rowcap;
};

/* As cbs_rows_fn, for rows read in place (flat.c). */
typedef int	(*cbs_flat_fn)(struct cbs_run *, const struct cbs_flat *,
		    const char *, size_t, size_t, void *);

/* main.c */
extern const struct rm_host	*cbs_host;

/* config.c */
int	 cbs_conf_parse(struct rm_ctx *, const json_t *, struct cbs_conf **);
void	 cbs_conf_free(struct cbs_conf *);
const char *cbs_api_name(enum cbs_api);
int	 cbs_word_ok(const char *, const char *, size_t);
int	 cbs_text_ok(const json_t *, size_t);
char	*cbs_dup(struct rm_ctx *, const char *, const char *);

/* series.c */
int	 cbs_series_conf(struct rm_ctx *, struct cbs_conf *, const json_t *,
	    size_t);
int	 cbs_check_overlap(struct rm_ctx *, const struct cbs_conf *);

/* codes.c */
void	 cbs_trimn(const char *, size_t, const char **, size_t *);
void	 cbs_trim(const char *, const char **, size_t *);
int	 cbs_trim_copyn(const char *, size_t, char *, size_t);
int	 cbs_trim_copy(const char *, char *, size_t);
int	 cbs_pad(const char *, size_t, char *, size_t);
unsigned cbs_period_type(const char *);
int	 cbs_untypedn(const char *, size_t, double *, int *);
int	 cbs_number(const char *, double *);
int	 cbs_scale(const char *, double *);
const char *cbs_show(const char *, char *, size_t);
uint64_t cbs_hash(const void *, size_t, uint64_t);

/* url.c */
void	 cbs_buf_add(struct cbs_buf *, const char *);
void	 cbs_buf_addn(struct cbs_buf *, const char *, size_t);
void	 cbs_buf_enc(struct cbs_buf *, const char *);
void	 cbs_buf_literal(struct cbs_buf *, const char *);
void	 cbs_buf_free(struct cbs_buf *);
char	*cbs_url(const struct cbs_conf *, const char *, const char *);
void	 cbs_url_param(struct cbs_buf *, const char *, const char *);
void	 cbs_filter_where(struct cbs_buf *, const struct cbs_conf *,
	    const struct cbs_series *, int);

/* odata.c */
int	 cbs_same_origin(const char *, const char *);
int	 cbs_get(struct cbs_run *, const char *, const char *, size_t,
	    json_t **);
const char *cbs_skip_ws(const char *, const char *);
int	 cbs_pages(struct cbs_run *, const char *, const char *, const char *,
	    cbs_rows_fn, cbs_flat_fn, void *);

/* flat.c */
void	 cbs_flat_free(struct cbs_flat *);
void	 cbs_flat_clear(struct cbs_flat *);
int	 cbs_flat_scan(struct cbs_flat *, const char **, const char *);
int	 cbs_flat_add_json(struct cbs_flat *, const json_t *);
const struct cbs_cell *cbs_flat_get(const struct cbs_flat *, size_t,
	    const char *);
int	 cbs_flat_rows(struct cbs_run *, const char *, size_t, size_t,
	    const char *, size_t, const char *, cbs_flat_fn, void *,
	    size_t *);

/* describe.c */
int	 cbs_describe(struct rm_ctx *, const json_t *, json_t **);

/* describe_src.c */
int	 cbs_desc_source(struct cbs_run *, const json_t *, json_t *);

/* hints.c */
#define CBS_CLOSE_MAX	5	/* close titles or codes named in a message */
void	 cbs_closest(const char *, const char *const *, size_t, size_t,
	    struct cbs_buf *);
void	 cbs_hint(struct cbs_run *, const char *, long);

/* resolve.c */
/* A measure or dimension of the table: copied out of its page. */
struct cbs_item {
	char	*key;
	char	*title;		/* NULL for dimensions */
	char	*unit;		/* measures: "%", "x 1 000", or NULL */
	char	*group;		/* measures: parent group's id, or NULL */
};

struct cbs_items {
	struct cbs_item	*v;
	size_t		 n, cap;
	struct cbs_item	*dims;
	size_t		 ndims, dcap;
	struct cbs_item	*groups;	/* v3 TopicGroups, v4 MeasureGroups:
					   id and title */
	size_t		 ngroups, gcap;
	int		 groups_read;	/* v4: MeasureGroups asked for */
};
int	 cbs_resolve(struct cbs_run *, struct cbs_items *,
	    const struct cbs_series *, const char *, struct cbs_measure *);

/* meta.c */
void	 cbs_group_titles(struct cbs_run *, struct cbs_items *);
int	 cbs_stamp(struct cbs_run *, char **);
int	 cbs_measures(struct cbs_run *);

/* status.c */
int	 cbs_statuses(struct cbs_run *);
int	 cbs_provisional(const struct cbs_run *, const char *);

/* widths.c */
int	 cbs_widths(struct cbs_run *);

/* obs.c */

/* What a period code says (cbs_per_of). */
struct cbs_per {
	char		 code[32];	/* trimmed, as in the row */
	unsigned	 type;		/* CBS_YEAR, ...; 0: unknown */
	int		 normed;	/* the host took it: norm */
	char		 norm[32];	/* 2020, 2020-Q3, 2020-07 */
	int		 prov;		/* cbs_provisional() */
};

/*
 * What a v3 row says before its cells: the same for every series of a
 * page loop, worked out once per row by the first series (v3.c).
 */
struct cbs_rowkey {
	int		 known;		/* worked out */
	int		 skip;		/* other filter codes or region */
	long		 off;		/* skipped for filter off's code
					   alone, or -1 */
	char		 offcode[CBS_CODE_MAX + 1];
	char		 reg[CBS_CODE_MAX + 1];
	struct cbs_per	 per;
};

/*
 * The codes of a series' filters that do have data where its own
 * combination has none ("Geslacht=3000"), as the rows read show them,
 * distinct, in the order met; gathered only while the series has no
 * value yet.
 */
struct cbs_with {
	char	**v;
	size_t	 n, cap;
};

/* The keys of the rows of one chunk, shared by a page loop's series. */
struct cbs_keys {
	struct cbs_rowkey	*v;
	size_t			 cap;
};

struct cbs_acc;

struct cbs_emit {
	struct cbs_keys		*keys;		/* v3 flat rows, or NULL */
	struct cbs_acc		*acc;		/* a combined series, or NULL */
	const struct cbs_series	*series;
	size_t			 matched;	/* rows of this series */
	size_t			 values;	/* of them not missing */
	size_t			*rcount;	/* rows per region, or NULL */
	size_t			 early;		/* rows before 1970, skipped */
	size_t			 page;
	const char		*url;
	size_t			 rhint;		/* last region found */
	struct cbs_with		 with;		/* other codes with data */
	struct cbs_with		 mwith;		/* measures with data (a
						   probe of CBS_DROP_MEASURE) */
	int			 probe;		/* rows of a probe: a
						   CBS_DROP_*, else 0 */
	int			 probed;	/* the probe was answered */
	char			 why[64];	/* why it failed, or "" */
};
void	 cbs_per_of(const struct cbs_run *, const char *, struct cbs_per *);
int	 cbs_emit_per(struct cbs_run *, struct cbs_emit *, const char *,
	    const struct cbs_per *, double, int, size_t);
int	 cbs_emit_row(struct cbs_run *, struct cbs_emit *, const char *,
	    const char *, double, int, size_t);
long	 cbs_region_index(struct cbs_emit *, const char *);
int	 cbs_with_add(struct cbs_run *, struct cbs_emit *, const char *,
	    const char *);
int	 cbs_with_addn(struct cbs_run *, struct cbs_with *, const char *,
	    const char *, size_t);
void	 cbs_with_free(struct cbs_with *);
int	 cbs_obs_take(struct cbs_run *, struct cbs_emit *, const char *,
	    const struct cbs_per *, size_t, size_t *);
int	 cbs_emit_obs(struct cbs_run *, struct cbs_emit *, const char *,
	    const struct cbs_per *, double, int);

/* combine.c */
int	 cbs_combined(const struct cbs_conf *, const struct cbs_series *);
size_t	 cbs_parts(const struct cbs_series *);
struct cbs_acc *cbs_acc_new(const struct cbs_series *);
void	 cbs_acc_free(struct cbs_acc *);
int	 cbs_acc_put(struct cbs_run *, struct cbs_emit *, const char *,
	    const struct cbs_per *, size_t, double, int, size_t);
int	 cbs_acc_done(struct cbs_run *, struct cbs_emit *);
size_t	 cbs_acc_periods(const struct cbs_acc *);
int	 cbs_period_back(const char *, int, char *, size_t);

/* v3.c */
char	*cbs_v3_query(struct cbs_run *, const struct cbs_series *);
char	*cbs_v3_query_n(struct cbs_run *, const struct cbs_series *, size_t);
char	*cbs_v3_probe_query(struct cbs_run *, const struct cbs_series *, int);
int	 cbs_v3_rows(struct cbs_run *, json_t *, const char *, size_t,
	    size_t, void *);
int	 cbs_v3_flat(struct cbs_run *, const struct cbs_flat *, const char *,
	    size_t, size_t, void *);

/* v4.c */
char	*cbs_v4_query(struct cbs_run *, const struct cbs_series *);
char	*cbs_v4_probe_query(struct cbs_run *, const struct cbs_series *, int);
int	 cbs_v4_rows(struct cbs_run *, json_t *, const char *, size_t,
	    size_t, void *);

#endif /* CBS_H */
