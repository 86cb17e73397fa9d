/* SPDX-License-Identifier: ISC */
/*
 * mock_host.h: a fake struct rm_host for plugin unit tests.  It records
 * what a plugin emits, logs and reports as config errors, keeps a tiny
 * catalog the test fills in, and answers http_get with a canned body or
 * through the real http.c.  Include mock_host.c once in the test file.
 */
#ifndef MOCK_HOST_H
#define MOCK_HOST_H

#include <stddef.h>
#include <stdio.h>

#include "regiomon-plugin.h"

struct mock_obs {
	char	*indicator;
	char	*region;
	char	*period;
	double	 value;
	int	 missing;
	int	 provisional;
};

struct mock_msg {
	int	 prio;		/* log priority; RM_LOG_ERR for conf errors */
	char	*path;		/* conf errors only */
	char	*text;
};

void			 mock_reset(void);
const struct rm_host	*mock_host(void);
struct rm_ctx		*mock_ctx(void);

void	mock_add_indicator(const char *);
void	mock_add_region(const char *, const char *, const char *);
void	mock_set_body(const char *);
void	mock_set_confdir(const char *);

size_t			 mock_nobs(void);
const struct mock_obs	*mock_obs(size_t);
size_t			 mock_nlogs(void);
const struct mock_msg	*mock_log(size_t);
size_t			 mock_nconf_errors(void);
const struct mock_msg	*mock_conf_error(size_t);
int	mock_log_has(int, const char *);
int	mock_conf_error_has(const char *, const char *);
void	mock_dump(FILE *);

#endif /* MOCK_HOST_H */
