/* SPDX-License-Identifier: ISC */
/*
 * regiomon-plugin.h: the one public header for regiomon source plugins.
 * A plugin exports rm_plugin_init(), which fills in a struct rm_plugin and
 * keeps the host table.  Both structs carry an ABI major/minor and their size
 * and only ever grow at the end (the sqlite3_api_routines rule).
 */
#ifndef REGIOMON_PLUGIN_H
#define REGIOMON_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {		/* a C++ plugin exports rm_plugin_init unmangled */
#endif

#define RM_ABI_MAJOR	1	/* incompatible change */
#define RM_ABI_MINOR	0	/* members appended */

#define RM_EXPORT	__attribute__((__visibility__("default")))
#define RM_PERIOD_MAX	16	/* period_norm()'s text, with its NUL */

/* True when the host table is new enough to have member m. */
#define RM_HOST_HAS(h, m) \
	((h)->size >= offsetof(struct rm_host, m) + sizeof((h)->m))

enum rm_status {
	RM_OK = 0,		/* success, observations emitted */
	RM_ERR = -1,		/* failure, the run stores nothing */
	RM_UNCHANGED = -2	/* success, source unchanged since last run */
};

/* Log priorities, the syslog numbers. */
enum rm_prio {
	RM_LOG_ERR = 3,
	RM_LOG_WARNING = 4,
	RM_LOG_NOTICE = 5,
	RM_LOG_INFO = 6,
	RM_LOG_DEBUG = 7
};

struct rm_ctx;				/* opaque, one per source instance */

/* One observation, borrowed for the emit() call; the host copies it. */
struct rm_obs {
	const char	*indicator;	/* catalog indicator id */
	const char	*region;	/* catalog region id */
	const char	*period;	/* "2020", "2020-Q3", "2020-07" */
	double		 value;		/* ignored when missing */
	int		 missing;	/* 1: no value for this period */
	int		 provisional;	/* 1: the source calls it provisional */
};

/* A GET request.  headers is NULL or a NULL-terminated "Name: value" list. */
struct rm_request {
	const char		*url;
	const char *const	*headers;
	size_t			 max_bytes;	/* 0: the host's size cap */
};

/*
 * The answer to a request.  body is NUL-terminated, host-owned, and freed
 * with host->response_free().  status is the HTTP status (200 for file://).
 */
struct rm_response {
	long	 status;
	char	*body;
	size_t	 len;
};

struct rm_host {			/* daemon-owned, read-only */
	uint16_t	 abi_major, abi_minor;
	uint32_t	 size;			/* sizeof in the daemon */
	const char	*version;		/* regiomon version */

	/* Log a line; the host prefixes the source name. */
	void	(*log)(struct rm_ctx *, int, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));

	/*
	 * Report a config error at a JSON path below the source's "config"
	 * object, e.g. conf_error(ctx, "series[2].measure", "expected ...").
	 */
	void	(*conf_error)(struct rm_ctx *, const char *, const char *, ...)
		    __attribute__((__format__ (printf, 3, 4)));

	/* Hand one observation to the host.  RM_OK or RM_ERR (invalid). */
	int	(*emit)(struct rm_ctx *, const struct rm_obs *);

	/*
	 * GET a URL (http, https or file).  Retries 429/5xx and resets with
	 * backoff, honouring Retry-After.  RM_OK on a 2xx answer; RM_ERR
	 * otherwise, logged, with resp->status and body filled in when the
	 * server answered.  Free resp with response_free() in both cases.
	 */
	int	(*http_get)(struct rm_ctx *, const struct rm_request *,
		    struct rm_response *);
	void	(*response_free)(struct rm_response *);

	/*
	 * The code of a catalog region in a scheme ("cbs", "nuts", "swing",
	 * "am"), or NULL.  Borrowed for the life of the plugin instance.
	 */
	const char *(*region_code)(struct rm_ctx *, const char *, const char *);
	/* The region id whose code in scheme is code, or NULL.  Borrowed. */
	const char *(*region_by_code)(struct rm_ctx *, const char *,
		    const char *);
	/* 1 if the catalog has this indicator id, else 0. */
	int	(*has_indicator)(struct rm_ctx *, const char *);
	/* 1 if the catalog has this region id, else 0. */
	int	(*has_region)(struct rm_ctx *, const char *);

	/*
	 * Turn a period in any known notation (2020, 2020-Q3, 2020-07,
	 * 2020JJ00, 2020KW03, 2020MM07, 2020Q3, 2020M07) into the canonical
	 * text, in out of len bytes: RM_PERIOD_MAX always suffices (a
	 * smaller one that is too small gives RM_ERR).  RM_OK, or RM_ERR for
	 * anything else (nothing is guessed).
	 */
	int	(*period_norm)(const char *, char *, size_t);

	/*
	 * The mark this source saved with set_mark() on its last successful
	 * run (e.g. a table's modification stamp), or NULL.  Borrowed.
	 */
	const char *(*get_mark)(struct rm_ctx *);
	/* Save a mark; it is kept only if this run succeeds. */
	void	(*set_mark)(struct rm_ctx *, const char *);

	/* Append new members here only. */
};

struct rm_plugin {			/* filled in by the plugin */
	uint16_t	 abi_major, abi_minor;	/* values built against */
	uint32_t	 size;			/* sizeof in the plugin */
	const char	*name;
	const char	*description;

	/*
	 * Validate conf (the source's "config" object, borrowed) and build
	 * the instance state.  Reports every problem with conf_error() and
	 * returns RM_ERR.  No I/O here: check-config calls it too.
	 */
	int	(*init)(struct rm_ctx *, const json_t *, void **);
	/* Fetch and emit.  Runs in a child process. */
	int	(*collect)(struct rm_ctx *, void *);
	/* Free the state; fini(NULL) does nothing. */
	void	(*fini)(void *);
};

#define RM_PLUGIN_INIT(p) do {						\
	(p)->abi_major = RM_ABI_MAJOR;					\
	(p)->abi_minor = RM_ABI_MINOR;					\
	(p)->size = sizeof(*(p));					\
} while (0)

/* The one symbol a plugin exports.  Returns RM_OK or RM_ERR. */
RM_EXPORT int	rm_plugin_init(const struct rm_host *, struct rm_plugin *);

#ifdef __cplusplus
}
#endif

#endif /* REGIOMON_PLUGIN_H */
