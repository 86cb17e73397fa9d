/* SPDX-License-Identifier: ISC */
/*
 * fakehost.h: the one fake struct rm_host of the tests, for the plugin
 * unit tests (tests/unit/) and the plugin fuzz targets (tests/fuzz/).  It
 * holds a real catalog (struct catalog) the test fills in, checks what a
 * plugin emits with the daemon's own functions (host_obs_from and
 * host_obs_check in daemon/run/host.c), records what it accepts, logs
 * and reports as config errors, and answers http_get with a canned body,
 * a test's own function or the daemon's http.c.  Include fakehost.c once
 * in the test file (it is built with the plugin's sources, -Itests/host).
 */
#ifndef FAKEHOST_H
#define FAKEHOST_H

#include <stddef.h>
#include <stdio.h>

#include "regiomon-plugin.h"

struct fh_obs {
	char	*indicator;
	char	*region;
	char	*period;	/* as the plugin gave it */
	double	 value;
	int	 missing;
	int	 provisional;
};

struct fh_msg {
	int	 prio;		/* log priority; RM_LOG_ERR for conf errors */
	char	*path;		/* conf errors only */
	char	*text;
};

/* An http_get of the test's own; as rm_host's, resp zeroed. */
typedef int	 fh_http_fn(const struct rm_request *, struct rm_response *);

void			 fh_reset(void);
void			 fh_clear(void);
const struct rm_host	*fh_host(void);
struct rm_ctx		*fh_ctx(void);

void	fh_add_indicator(const char *, const char *);
void	fh_add_region(const char *, const char *, const char *);
void	fh_set_body(const char *);
void	fh_set_http(fh_http_fn *);
void	fh_set_confdir(const char *);

size_t			 fh_nobs(void);
const struct fh_obs	*fh_obs(size_t);
size_t			 fh_nrefused(void);
size_t			 fh_nlogs(void);
const struct fh_msg	*fh_log(size_t);
size_t			 fh_nconf_errors(void);
const struct fh_msg	*fh_conf_error(size_t);
int	fh_log_has(int, const char *);
int	fh_conf_error_has(const char *, const char *);
void	fh_dump(FILE *);

#endif /* FAKEHOST_H */
