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
#define RM_ABI_MINOR	4	/* members appended */

#define RM_EXPORT	__attribute__((__visibility__("default")))
#define RM_PERIOD_MAX	16	/* period_norm()'s text, with its NUL */

/* True when the host table is new enough to have member m. */
#define RM_HOST_HAS(h, m) \
	((h)->size >= offsetof(struct rm_host, m) + sizeof((h)->m))
/* True when plugin p fills in member m (1.3): a NULL one is not offered. */
#define RM_PLUGIN_HAS(p, m) \
	((p)->size >= offsetof(struct rm_plugin, m) + sizeof((p)->m) && \
	    (p)->m != NULL)

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
struct rm_buf;				/* opaque, a host-owned buffer (1.1) */

/* What a config value must be, for conf_keys() and conf_type() (1.1). */
enum rm_conf_type {
	RM_CONF_ANY = 0,	/* anything: the plugin checks it */
	RM_CONF_STRING,		/* a non-empty string */
	RM_CONF_BOOL,		/* true or false */
	RM_CONF_NUMBER,		/* an integer or a real */
	RM_CONF_OBJECT,
	RM_CONF_ARRAY,
	RM_CONF_STRINGS		/* an array of strings */
};

/*
 * One key a config object may have (1.1).  what completes "expected ..."
 * when the value has the wrong type, e.g. "a URL".  A table of these is
 * read by the host and never grows: a new layout would be a new member.
 */
struct rm_conf_key {
	const char	*name;
	int		 type;		/* enum rm_conf_type */
	const char	*what;
};

/* One observation, borrowed for the emit() call; the host copies it. */
struct rm_obs {
	const char	*indicator;	/* catalog indicator id */
	const char	*region;	/* catalog region id */
	const char	*period;	/* "2020", "2020-Q3", "2020-07" */
	double		 value;		/* at most 1e300 in magnitude; ignored
					   when missing */
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
	 * backoff, honouring Retry-After.  Follows redirects within the
	 * URL's origin (others only to hosts the source's config allows, and
	 * then without the request's headers).  RM_OK on a 2xx answer; RM_ERR
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

	/* Members of ABI 1.1: test RM_HOST_HAS() before using them. */

	/*
	 * The candidate closest to s when it is close enough to be a typo
	 * (at most a third of its length, and at least 1, edits away; a
	 * swap of neighbours is one edit), or NULL.  Borrowed from cand.
	 */
	const char *(*did_you_mean)(const char *, const char *const *,
		    size_t);
	/* That edit distance; SIZE_MAX when the second is over 255 bytes. */
	size_t	(*edit_distance)(const char *, const char *);

	/*
	 * Check config object obj at path ("" for the top) against a table
	 * of keys, in obj's order: an unknown key is reported at
	 * "path.key" as "unknown key" with a did-you-mean from the table,
	 * a value of the wrong type as "expected <what>".  RM_OK, or
	 * RM_ERR when something was reported.
	 */
	int	(*conf_keys)(struct rm_ctx *, const char *, const json_t *,
		    const struct rm_conf_key *, size_t);
	/*
	 * Check one value v at path: "expected <what>" when it is not of
	 * the type; for RM_CONF_STRINGS, "expected a string" at
	 * "path[i]" for the first element that is not.  RM_OK or RM_ERR.
	 */
	int	(*conf_type)(struct rm_ctx *, const char *, const json_t *,
		    int, const char *);

	/*
	 * A growable buffer: new, or NULL when out of memory.  buf_add and
	 * buf_printf append (RM_OK, or RM_ERR when out of memory, which
	 * sticks); buf_take ends the buffer and returns its bytes, NUL-
	 * terminated and new (free with release()), their length in *len
	 * if len is not NULL, or NULL if an append failed.  All three take
	 * the NULL of a failed buf_new and fail.
	 */
	struct rm_buf *(*buf_new)(void);
	int	(*buf_add)(struct rm_buf *, const void *, size_t);
	int	(*buf_printf)(struct rm_buf *, const char *, ...)
		    __attribute__((__format__ (printf, 2, 3)));
	char	*(*buf_take)(struct rm_buf *, size_t *);
	/* Free memory the host handed out (buf_take); NULL does nothing. */
	void	(*release)(void *);

	/* ABI 1.2: secret files. */
	/*
	 * Read the secret file at path (an API key) into buf, NUL-
	 * terminated: opened without following a symlink or blocking on a
	 * FIFO, a regular file of the daemon's user with no group or other
	 * bits, smaller than size bytes.  RM_OK, or RM_ERR with the reason
	 * (naming the file) in err.
	 */
	int	(*read_secret)(const char *, char *, size_t, char *, size_t);
	/*
	 * For init(): check the secret file at path, given at config path
	 * key, as read_secret() will read it, when the config is being
	 * checked (check-config, the daemon loading a config); a run reads
	 * it at use instead, and this does nothing.  RM_OK, or RM_ERR
	 * reported at key.
	 */
	int	(*check_secret)(struct rm_ctx *, const char *, const char *);

	/* ABI 1.3: a source that waits for its secret. */
	/*
	 * For init(), before check_secret(): what the secret file holds
	 * and where the admin gets it ("an API key", "request one from
	 * ...").  A secret file that does not exist yet then makes the
	 * source wait ("waiting: needs an API key in PATH (request one
	 * from ...)") instead of failing the config: the daemon starts,
	 * the source is not run until the file is there.
	 */
	void	(*secret_wanted)(struct rm_ctx *, const char *, const char *);

	/* ABI 1.4: test RM_HOST_HAS(h, check_only). */
	/*
	 * 1 when this run only checks the source against what the service
	 * says of it (`regiomon fetch --check`): a plugin that can checks
	 * its references (the table, its measures, dimensions and codes)
	 * without reading the data, emits nothing and sets no mark.  0 in
	 * a real run.  A plugin that cannot just runs; a check stores
	 * nothing either way.
	 */
	int	(*check_only)(struct rm_ctx *);

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

	/* ABI 1.3, optional: the host tests RM_PLUGIN_HAS(p, describe). */
	/*
	 * `regiomon describe`: what the source offers (a table's measures
	 * and dimensions, a dataset's codes, a variable's levels), as a new
	 * JSON object in *doc in the shape regiomon-plugin(7) gives.  req
	 * is an object: "what" (the table, dataset or variable) and the
	 * options the user gave ("base_url", "api", "filters", ...; for
	 * "source_config": "name", "indicator", "measure", "regions").
	 * Runs in a child, without init(): it may do I/O with http_get().
	 * RM_OK, or RM_ERR after logging why.
	 */
	int	(*describe)(struct rm_ctx *, const json_t *, json_t **);

	/* Append new members here only. */
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
