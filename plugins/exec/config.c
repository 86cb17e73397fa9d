/* SPDX-License-Identifier: ISC */
/*
 * config.c: the exec plugin's config: the program's argv, its
 * environment and its timeout, every problem reported with its JSON
 * path.  No I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"

static const struct rm_conf_key ex_keys[] = {
	{ "command", 0, NULL }, { "env", 0, NULL }, { "timeout", 0, NULL }
};

/* Free the state built by ex_init(); ex_fini(NULL) does nothing. */
void
ex_fini(void *arg)
{
	struct ex_state	*st = arg;
	size_t		 i;

	if (st == NULL)
		return;
	for (i = 0; st->argv != NULL && i < st->argc; i++)
		free(st->argv[i]);
	free(st->argv);
	for (i = 0; st->envp != NULL && i < st->nenv; i++)
		free(st->envp[i]);
	free(st->envp);
	free(st);
}

/* "90s", "30m", "6h", "1d" into seconds.  0, or -1. */
static int
ex_duration(const char *s, long *secs)
{
	char	*end;
	long	 n, mul;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || n <= 0 || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's':
		mul = 1;
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	default:
		return -1;
	}
	if (n > 86400 / mul)
		return -1;
	*secs = n * mul;
	return 0;
}

static int
ex_command(struct rm_ctx *ctx, const json_t *v, struct ex_state *st)
{
	const json_t	*e;
	char		 path[32], dir[PATH_MAX];
	const char	*cwd;
	size_t		 i;
	int		 rc = 0;

	if (v == NULL) {
		ex_host->conf_error(ctx, "command", "missing: give the program "
		    "and its arguments as a list, e.g. [\"/usr/bin/python3\", "
		    "\"/srv/regiomon/source.py\"]");
		return -1;
	}
	if (!json_is_array(v) || json_array_size(v) == 0) {
		ex_host->conf_error(ctx, "command", "expected a non-empty "
		    "list: the program, then its arguments (no shell is used)");
		return -1;
	}
	if ((st->argv = calloc(json_array_size(v) + 1,
	    sizeof(char *))) == NULL) {
		ex_host->conf_error(ctx, "command", "out of memory");
		return -1;
	}
	json_array_foreach(v, i, e) {
		snprintf(path, sizeof(path), "command[%zu]", i);
		if (!json_is_string(e) ||
		    strlen(json_string_value(e)) != json_string_length(e) ||
		    (i == 0 && json_string_length(e) == 0)) {
			ex_host->conf_error(ctx, path, "expected a string%s",
			    i == 0 ? " naming the program" : "");
			rc = -1;
			continue;
		}
		if ((st->argv[st->argc] = strdup(json_string_value(e))) ==
		    NULL) {
			ex_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		st->argc++;
	}
	if (rc == 0 && st->argv[0][0] == '/' &&
	    access(st->argv[0], X_OK) == -1) {
		ex_host->conf_error(ctx, "command[0]", "%s: %s", st->argv[0],
		    strerror(errno));
		rc = -1;
	}
	/*
	 * A relative path is taken from the config's directory: the host
	 * calls init() (and check-config checks) from there, as it runs it.
	 */
	if (rc == 0 && st->argv[0][0] != '/' &&
	    strchr(st->argv[0], '/') != NULL &&
	    access(st->argv[0], X_OK) == -1) {
		cwd = getcwd(dir, sizeof(dir));
		ex_host->conf_error(ctx, "command[0]", "%s (relative to the "
		    "configuration's directory %s): %s; give the program's "
		    "absolute path", st->argv[0], cwd != NULL ? cwd : "?",
		    strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Set NAME=value in the environment list, replacing an earlier NAME. */
static int
ex_setenv(struct ex_state *st, const char *name, const char *value)
{
	char	*s;
	size_t	 i, n = strlen(name);

	if (asprintf(&s, "%s=%s", name, value) == -1)
		return -1;
	for (i = 0; i < st->nenv; i++) {
		if (strncmp(st->envp[i], name, n) == 0 &&
		    st->envp[i][n] == '=') {
			free(st->envp[i]);
			st->envp[i] = s;
			return 0;
		}
	}
	st->envp[st->nenv++] = s;
	return 0;
}

static int
ex_env(struct rm_ctx *ctx, const json_t *v, struct ex_state *st)
{
	const json_t	*e;
	const char	*name, *p;
	char		 path[160];
	int		 rc = 0;

	if (v != NULL && !json_is_object(v)) {
		ex_host->conf_error(ctx, "env", "expected an object of NAME: "
		    "\"value\"");
		return -1;
	}
	if ((st->envp = calloc(json_object_size(v) + 3,
	    sizeof(char *))) == NULL) {
		ex_host->conf_error(ctx, "env", "out of memory");
		return -1;
	}
	if (ex_setenv(st, "PATH", EX_PATH) == -1 ||
	    ex_setenv(st, "LANG", EX_LANG) == -1) {
		ex_host->conf_error(ctx, "env", "out of memory");
		return -1;
	}
	if (v == NULL)
		return 0;
	json_object_foreach((json_t *)v, name, e) {
		snprintf(path, sizeof(path), "env.%s", name);
		for (p = name; *p != '\0'; p++)
			if (!isalnum((unsigned char)*p) && *p != '_')
				break;
		if (*name == '\0' || isdigit((unsigned char)*name) ||
		    *p != '\0') {
			ex_host->conf_error(ctx, path, "expected a variable "
			    "name of letters, digits and \"_\"");
			rc = -1;
			continue;
		}
		if (!json_is_string(e) ||
		    strlen(json_string_value(e)) != json_string_length(e)) {
			ex_host->conf_error(ctx, path, "expected a string "
			"value");
			rc = -1;
			continue;
		}
		if (ex_setenv(st, name, json_string_value(e)) == -1) {
			ex_host->conf_error(ctx, path, "out of memory");
			return -1;
		}
	}
	return rc;
}

/*
 * The config:
 *
 *	{"command": ["/usr/bin/python3", "/srv/regiomon/wsjg.py", "-q"],
 *	 "env": {"WSJG_TOKEN_FILE": "/etc/regiomon/wsjg.token"},
 *	 "timeout": "4m"}
 *
 * The program gets PATH=/usr/bin:/bin and LANG=C.UTF-8 plus "env", and
 * nothing else of the daemon's environment.  A program without a "/" is
 * looked up in that PATH; a relative path with a "/" is taken from the
 * configuration's directory (the host's working directory for init()
 * and collect(), in check-config as in a run).  "timeout" should stay
 * below the source's own timeout, so that this plugin, not the daemon,
 * reports the hang.
 */
int
ex_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct ex_state	*st;
	const json_t	*v;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		ex_host->conf_error(ctx, "", "expected an object with at least "
		    "\"command\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		ex_host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	st->timeout = EX_TIMEOUT;
	if (ex_host->conf_keys(ctx, "", conf, ex_keys, NELEM(ex_keys)) != RM_OK)
		rc = RM_ERR;
	if (ex_command(ctx, json_object_get(conf, "command"), st) == -1)
		rc = RM_ERR;
	if (ex_env(ctx, json_object_get(conf, "env"), st) == -1)
		rc = RM_ERR;
	if ((v = json_object_get(conf, "timeout")) != NULL &&
	    (!json_is_string(v) ||
	    ex_duration(json_string_value(v), &st->timeout) == -1)) {
		ex_host->conf_error(ctx, "timeout", "expected a duration like "
		    "\"90s\", \"5m\" or \"1h\" (at most 1d)");
		rc = RM_ERR;
	}
	if (rc != RM_OK) {
		ex_fini(st);
		return RM_ERR;
	}
	*statep = st;
	return RM_OK;
}

