/* SPDX-License-Identifier: ISC */
/*
 * run/run.h: running sources: loading plugins, probing them in a child, the
 * host table plugins call, the runner, and applying a run's spool to the
 * store.
 */
#ifndef REGIOMON_RUN_H
#define REGIOMON_RUN_H

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"

/* plugin.c */
int	plugin_load_file(const char *, const char *, struct plugin *, char *,
	    size_t);
const struct plugin *plugins_get(struct plugins *, const char *,
	    const char *, char *, size_t);
int	plugins_list(const char *, char ***, size_t *);
void	plugins_unload(struct plugins *);

/* probe.c */
typedef int	 probe_fn(void *, int);
int	probe_run(probe_fn *, void *, const char *, char **, size_t *,
	    char *, size_t);
int	probe_run_within(probe_fn *, void *, const char *, int, char **,
	    size_t *, char *, size_t);

/* describe.c */
int	describe_run(struct regiomon *, const struct plugin *, json_t *,
	    json_t **, char *, size_t);

/* host.c */
struct rm_ctx *host_ctx_new(struct regiomon *, const struct source *,
	    FILE *, struct diags *);
int	host_ctx_failed(const struct rm_ctx *);
const char *host_ctx_error(const struct rm_ctx *);
const json_t *host_ctx_warnings(const struct rm_ctx *);
void	host_ctx_free(struct rm_ctx *);
const struct rm_host *host_table(void);
int	host_obs_from(const struct rm_obs *, struct obs *, char *, size_t);
int	host_obs_check(const struct catalog *, const struct obs *, char *,
	    size_t);
/* What host_check_source() does with a secret file a config names. */
#define HOST_SECRETS_NO		0	/* nothing: a run reads it at use */
#define HOST_SECRETS_CHECK	1	/* read it as a run will */
#define HOST_SECRETS_WAITING	2	/* only see whether it is there yet */
int	host_check_source(struct regiomon *, const struct plugin *,
	    struct source *, int, char **, struct diags *);

/* sdk.c: the helpers of ABI 1.1 and 1.2, shared with the tests' fakes */
int	sdk_read_secret(const char *, char *, size_t, char *, size_t);
int	sdk_conf_keys(const struct rm_host *, struct rm_ctx *, const char *,
	    const json_t *, const struct rm_conf_key *, size_t);
int	sdk_conf_type(const struct rm_host *, struct rm_ctx *, const char *,
	    const json_t *, int, const char *);
struct rm_buf *sdk_buf_new(void);
int	sdk_buf_add(struct rm_buf *, const void *, size_t);
int	sdk_buf_printf(struct rm_buf *, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
char	*sdk_buf_take(struct rm_buf *, size_t *);

/* host.c */
void	host_release(void *);

/* runner.c */
/*
 * Room for why a run failed: a plugin's last error comes whole (an HTTP
 * error with the server's body, see net.h), and goes to "last_error".
 */
#define RUN_WHY_MAX	(HTTP_ERR_MAX + 256)
enum job_result {
	JOB_OK,
	JOB_UNCHANGED,
	JOB_FAILED
};
struct job;
struct job *job_start(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *);
struct job *job_start_captured(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *);
int	job_fd(const struct job *);
pid_t	job_pid(const struct job *);
const struct source *job_source(const struct job *);
size_t	job_nobs(const struct job *);
int	job_finish(struct job *, char **, char *, size_t);
void	job_free(struct job *);
struct ahead;
int	job_run(struct regiomon *, const struct source *,
	    const struct plugin *, FILE *, struct ahead *, char **, size_t *,
	    char *, size_t);

/* job_log.c */
int	job_log_fd(const struct job *);
int	job_read_log(struct job *);
const char *job_log(const struct job *);

/* job_read.c */
int	job_read(struct job *);

/* job_stop.c */
double	job_deadline(const struct job *);
int	job_check_timeout(struct job *, double);

/* apply.c */
#define APPLY_CORRUPT	(-2)	/* a spool line is not an observation */
#define APPLY_PARTIAL	(-3)	/* the store committed part of it */
int	apply_spool(struct regiomon *, const char *, const char *,
	    struct ahead *);
int	apply_pending(struct regiomon *);
int	apply_set_aside(struct regiomon *, const char *, const char *,
	    int, int, char *, size_t);

/* ahead.c */
struct ahead *ahead_start(struct regiomon *, const char *, const char *);
int	ahead_step(struct ahead *, off_t);
void	ahead_free(struct ahead *);

/* spool.c */
char	*spool_path(const struct conf *, const char *, int);

/* run_store.c */
void	run_note_source(struct regiomon *, const struct source *, int,
	    const char *, const char *);
void	run_note_observations(struct regiomon *, const struct source *,
	    size_t);
FILE	*run_spool_open(const struct conf *, const struct source *);
int	run_store(struct regiomon *, const struct source *, FILE *, int,
	    const char *, char *, size_t, struct ahead *, int *);

#endif /* REGIOMON_RUN_H */
