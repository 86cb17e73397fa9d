/* SPDX-License-Identifier: ISC */
/*
 * exec.c: the exec source plugin, for sources written in any language.  It
 * runs a configured program (an argv list, no shell) with a clean
 * environment, reads observation JSON lines from its stdout (the format
 * `regiomon fetch` prints), logs its stderr, and kills its whole process
 * group when the plugin's own timeout passes.  Exit status 0 is success.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "regiomon-plugin.h"

#define EX_PATH		"/usr/bin:/bin"
#define EX_LANG		"C.UTF-8"
#define EX_TIMEOUT	240		/* seconds; the source default is 5m */
#define EX_LINE_MAX	(1024 * 1024)	/* a longer line is garbage */
#define EX_STDERR_MAX	200		/* stderr lines logged per run */
#define EX_TICK_MS	100		/* how soon the leader's exit is seen */
#define EX_PERIOD	16

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct rm_conf_key ex_keys[] = {
	{ "command", 0, NULL }, { "env", 0, NULL }, { "timeout", 0, NULL }
};

/* The keys of an observation line, as the daemon reads them (obs.c). */
static const char *const ex_obs_keys[] = {
	"indicator", "region", "period", "value", "status", "source", "note"
};

/* The one static a plugin keeps: the host table, read-only. */
static const struct rm_host *host;

/* The program's process group while it runs, for ex_term(). */
static volatile sig_atomic_t ex_group;

/*
 * regiomon stops a source past its timeout (or the daemon stopping) with
 * SIGTERM, then SIGKILL: take the program's whole group along, or what
 * it started (a "sleep", a daemonized helper) would outlive us.
 */
static void
ex_term(int sig)
{
	(void)sig;
	if (ex_group > 0)
		kill(-(pid_t)ex_group, SIGKILL);
	_exit(1);
}

struct ex_state {
	char	**argv;		/* NULL-terminated */
	size_t	  argc;
	char	**envp;		/* NULL-terminated "NAME=value" */
	size_t	  nenv;
	long	  timeout;	/* seconds */
};

/* One pipe from the program, split into lines. */
struct ex_pipe {
	int	 fd;
	char	*buf;
	size_t	 len, size;
	size_t	 lineno;
	int	 eof;
};

static void
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
	char		 path[32];
	size_t		 i;
	int		 rc = 0;

	if (v == NULL) {
		host->conf_error(ctx, "command", "missing: give the program "
		    "and its arguments as a list, e.g. [\"/usr/bin/python3\", "
		    "\"/srv/regiomon/source.py\"]");
		return -1;
	}
	if (!json_is_array(v) || json_array_size(v) == 0) {
		host->conf_error(ctx, "command", "expected a non-empty list: "
		    "the program, then its arguments (no shell is used)");
		return -1;
	}
	if ((st->argv = calloc(json_array_size(v) + 1,
	    sizeof(char *))) == NULL) {
		host->conf_error(ctx, "command", "out of memory");
		return -1;
	}
	json_array_foreach(v, i, e) {
		snprintf(path, sizeof(path), "command[%zu]", i);
		if (!json_is_string(e) ||
		    strlen(json_string_value(e)) != json_string_length(e) ||
		    (i == 0 && json_string_length(e) == 0)) {
			host->conf_error(ctx, path, "expected a string%s",
			    i == 0 ? " naming the program" : "");
			rc = -1;
			continue;
		}
		if ((st->argv[st->argc] = strdup(json_string_value(e))) ==
		    NULL) {
			host->conf_error(ctx, path, "out of memory");
			return -1;
		}
		st->argc++;
	}
	if (rc == 0 && st->argv[0][0] == '/' &&
	    access(st->argv[0], X_OK) == -1) {
		host->conf_error(ctx, "command[0]", "%s: %s", st->argv[0],
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
		host->conf_error(ctx, "env", "expected an object of NAME: "
		    "\"value\"");
		return -1;
	}
	if ((st->envp = calloc(json_object_size(v) + 3,
	    sizeof(char *))) == NULL) {
		host->conf_error(ctx, "env", "out of memory");
		return -1;
	}
	if (ex_setenv(st, "PATH", EX_PATH) == -1 ||
	    ex_setenv(st, "LANG", EX_LANG) == -1) {
		host->conf_error(ctx, "env", "out of memory");
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
			host->conf_error(ctx, path, "expected a variable name "
			    "of letters, digits and \"_\"");
			rc = -1;
			continue;
		}
		if (!json_is_string(e) ||
		    strlen(json_string_value(e)) != json_string_length(e)) {
			host->conf_error(ctx, path, "expected a string value");
			rc = -1;
			continue;
		}
		if (ex_setenv(st, name, json_string_value(e)) == -1) {
			host->conf_error(ctx, path, "out of memory");
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
 * daemon's working directory.  "timeout" should stay below the source's
 * own timeout, so that this plugin, not the daemon, reports the hang.
 */
static int
ex_init(struct rm_ctx *ctx, const json_t *conf, void **statep)
{
	struct ex_state	*st;
	const json_t	*v;
	int		 rc = RM_OK;

	*statep = NULL;
	if (!json_is_object(conf)) {
		host->conf_error(ctx, "", "expected an object with at least "
		    "\"command\"");
		return RM_ERR;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		host->conf_error(ctx, "", "out of memory");
		return RM_ERR;
	}
	st->timeout = EX_TIMEOUT;
	if (host->conf_keys(ctx, "", conf, ex_keys, NELEM(ex_keys)) != RM_OK)
		rc = RM_ERR;
	if (ex_command(ctx, json_object_get(conf, "command"), st) == -1)
		rc = RM_ERR;
	if (ex_env(ctx, json_object_get(conf, "env"), st) == -1)
		rc = RM_ERR;
	if ((v = json_object_get(conf, "timeout")) != NULL &&
	    (!json_is_string(v) ||
	    ex_duration(json_string_value(v), &st->timeout) == -1)) {
		host->conf_error(ctx, "timeout", "expected a duration like "
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

/*
 * The program to execve: argv[0] itself when it holds a "/", else the
 * first executable match in the PATH of the program's environment.  New,
 * or NULL logged.
 */
static char *
ex_resolve(struct rm_ctx *ctx, const struct ex_state *st)
{
	const char	*path = EX_PATH, *p, *e;
	char		*cand;
	size_t		 i;

	if (strchr(st->argv[0], '/') != NULL) {
		if ((cand = strdup(st->argv[0])) == NULL)
			host->log(ctx, RM_LOG_ERR, "out of memory");
		return cand;
	}
	for (i = 0; i < st->nenv; i++)
		if (strncmp(st->envp[i], "PATH=", 5) == 0)
			path = st->envp[i] + 5;
	for (p = path; *p != '\0'; p = *e == ':' ? e + 1 : e) {
		e = p + strcspn(p, ":");
		if (e == p)
			continue;
		if (asprintf(&cand, "%.*s/%s", (int)(e - p), p,
		    st->argv[0]) == -1) {
			host->log(ctx, RM_LOG_ERR, "out of memory");
			return NULL;
		}
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
	}
	host->log(ctx, RM_LOG_ERR, "command[0]: \"%s\" not found in PATH %s",
	    st->argv[0], path);
	return NULL;
}

/*
 * The program's side of the fork: its own process group (so the whole
 * group can be killed), death with this process, /dev/null as stdin, the
 * pipes as stdout and stderr, nothing else open.  Never returns.
 */
static void
ex_child(const struct ex_state *st, const char *prog, pid_t parent,
    int outfd, int errfd)
{
	sigset_t	 none;
	int		 fd, i;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The parent may have died before prctl took hold. */
	if (getppid() != parent)
		_exit(127);
	if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(fd, STDIN_FILENO) == -1 || dup2(outfd, STDOUT_FILENO) == -1 ||
	    dup2(errfd, STDERR_FILENO) == -1)
		_exit(127);
	close_range(3, ~0U, 0);
	for (i = 1; i < NSIG; i++)
		signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(prog, st->argv, st->envp);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", prog, strerror(errno));
	_exit(127);
}

static double
ex_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 if tok stands in line as a bare word, not inside a longer one. */
static int
ex_has_token(const char *line, size_t len, const char *tok)
{
	size_t	 n = strlen(tok), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(line + i, tok, n) == 0 &&
		    (i == 0 || !isalnum((unsigned char)line[i - 1])) &&
		    (i + n == len || !isalnum((unsigned char)line[i + n])))
			return 1;
	return 0;
}

/*
 * Parse one stdout line as an observation, like the daemon's obs.c, and
 * emit it.  Blank lines are skipped.  0, or -1 logged with the line number.
 */
static int
ex_obs_line(struct rm_ctx *ctx, const char *line, size_t len, size_t lineno)
{
	json_t		*o;
	json_error_t	 jerr;
	const json_t	*v;
	const char	*key, *s, *what = NULL;
	struct rm_obs	 ob;
	char		 period[EX_PERIOD];
	size_t		 i;
	int		 rc = -1;

	for (i = 0; i < len && isspace((unsigned char)line[i]); i++)
		;
	if (i == len)
		return 0;
	if ((o = json_loadb(line, len, 0, &jerr)) == NULL) {
		/* Python's json.dumps() writes these for float('nan'). */
		host->log(ctx, RM_LOG_ERR, "program output line %zu: not JSON "
		    "(%s)%s", lineno, jerr.text,
		    ex_has_token(line, len, "NaN") ||
		    ex_has_token(line, len, "Infinity") ? "; NaN and Infinity "
		    "are not JSON: write null for a period without a value" :
		    "");
		return -1;
	}
	memset(&ob, 0, sizeof(ob));
	if (!json_is_object(o)) {
		what = "expected a JSON object";
		goto bad;
	}
	json_object_foreach(o, key, v) {
		for (i = 0; i < NELEM(ex_obs_keys); i++)
			if (strcmp(key, ex_obs_keys[i]) == 0)
				break;
		if (i == NELEM(ex_obs_keys)) {
			host->log(ctx, RM_LOG_ERR, "program output line %zu: "
			    "unknown key \"%.40s\"", lineno, key);
			goto out;
		}
	}
	ob.indicator = json_string_value(json_object_get(o, "indicator"));
	ob.region = json_string_value(json_object_get(o, "region"));
	if (ob.indicator == NULL || ob.region == NULL) {
		what = "expected \"indicator\" and \"region\" strings";
		goto bad;
	}
	s = json_string_value(json_object_get(o, "period"));
	if (s == NULL || host->period_norm(s, period, sizeof(period)) !=
	    RM_OK) {
		what = "\"period\": expected 2020, 2020-Q3 or 2020-07";
		goto bad;
	}
	ob.period = period;
	v = json_object_get(o, "value");
	if (v == NULL || json_is_null(v))
		ob.missing = 1;
	else if (json_is_number(v) && isfinite(json_number_value(v)))
		ob.value = json_number_value(v);
	else {
		what = "\"value\": expected a number or null";
		goto bad;
	}
	v = json_object_get(o, "status");
	s = json_string_value(v);
	if (v != NULL && (s == NULL || (strcmp(s, "final") != 0 &&
	    strcmp(s, "provisional") != 0))) {
		what = "\"status\": expected \"final\" or \"provisional\"";
		goto bad;
	}
	ob.provisional = s != NULL && strcmp(s, "provisional") == 0;
	if (host->emit(ctx, &ob) != RM_OK) {
		host->log(ctx, RM_LOG_ERR, "program output line %zu: "
		    "observation refused", lineno);
		goto out;
	}
	rc = 0;
	goto out;
bad:
	host->log(ctx, RM_LOG_ERR, "program output line %zu: %s", lineno,
	    what);
out:
	json_decref(o);
	return rc;
}

/* A stderr line for the log: controls shown as '?'. */
static void
ex_err_line(struct rm_ctx *ctx, char *line, size_t len, size_t lineno)
{
	size_t	 i;

	if (lineno > EX_STDERR_MAX) {
		if (lineno == EX_STDERR_MAX + 1)
			host->log(ctx, RM_LOG_NOTICE, "program stderr: more "
			    "than %d lines; the rest is not logged",
			    EX_STDERR_MAX);
		return;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len > 1000)
		len = 1000;
	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	host->log(ctx, RM_LOG_NOTICE, "program stderr: %.*s", (int)len, line);
}

/*
 * Read what the pipe holds and handle its complete lines; the last
 * line's missing newline is forgiven at EOF.  isout: stdout (observations)
 * or stderr (log).  0, or -1 logged.
 */
static int
ex_read(struct rm_ctx *ctx, struct ex_pipe *p, int isout)
{
	char	*nl, *start, *nb;
	ssize_t	 n;
	size_t	 nsize;
	int	 rc = 0;

	for (;;) {
		if (p->size - p->len < 4096) {
			nsize = p->size > 0 ? p->size * 2 : 65536;
			if (nsize > EX_LINE_MAX + 65536) {
				host->log(ctx, RM_LOG_ERR, "program %s line "
				    "%zu: longer than %d bytes", isout ?
				    "output" : "stderr", p->lineno + 1,
				    EX_LINE_MAX);
				return -1;
			}
			if ((nb = realloc(p->buf, nsize)) == NULL) {
				host->log(ctx, RM_LOG_ERR, "out of memory");
				return -1;
			}
			p->buf = nb;
			p->size = nsize;
		}
		n = read(p->fd, p->buf + p->len, p->size - p->len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			p->eof = 1;
			if (p->len > 0) {
				p->lineno++;
				if (isout)
					rc = ex_obs_line(ctx, p->buf, p->len,
					    p->lineno);
				else
					ex_err_line(ctx, p->buf, p->len,
					    p->lineno);
				p->len = 0;
			}
			return rc;
		}
		p->len += (size_t)n;
		start = p->buf;
		while ((nl = memchr(start, '\n', p->len -
		    (size_t)(start - p->buf))) != NULL) {
			p->lineno++;
			if (isout) {
				if (ex_obs_line(ctx, start,
				    (size_t)(nl - start), p->lineno) == -1)
					return -1;
			} else
				ex_err_line(ctx, start, (size_t)(nl - start),
				    p->lineno);
			start = nl + 1;
		}
		p->len -= (size_t)(start - p->buf);
		memmove(p->buf, start, p->len);
	}
}

/* Kill the program's process group and reap the leader; its status. */
static int
ex_kill(pid_t pid)
{
	int	 status = 0;

	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return status;
}

static void
ex_log_timeout(struct rm_ctx *ctx, const struct ex_state *st)
{
	host->log(ctx, RM_LOG_ERR, "program %s did not finish within %lds; "
	    "killed it and its process group", st->argv[0], st->timeout);
}

/*
 * Run the program and turn its stdout into observations.  The poll loop
 * wakes every EX_TICK_MS to notice the leader's exit even when something
 * it left behind keeps the pipes open; once it has exited, its group is
 * killed.  Long because it is one loop with four ways out.
 */
static int
ex_collect(struct rm_ctx *ctx, void *arg)
{
	const struct ex_state	*st = arg;
	struct ex_pipe		 p[2];
	struct pollfd		 pfd[2];
	char			*prog;
	double			 deadline;
	pid_t			 pid, self = getpid();
	int			 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	int			 i, ms, status = 0, exited = 0, rc = RM_ERR;

	memset(p, 0, sizeof(p));
	if ((prog = ex_resolve(ctx, st)) == NULL)
		return RM_ERR;
	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
		host->log(ctx, RM_LOG_ERR, "pipe: %s", strerror(errno));
		goto done;
	}
	if ((pid = fork()) == -1) {
		host->log(ctx, RM_LOG_ERR, "fork: %s", strerror(errno));
		goto done;
	}
	if (pid == 0)
		ex_child(st, prog, self, outp[1], errp[1]);
	/* Both sides set the group, so a kill never races the child. */
	setpgid(pid, pid);
	ex_group = pid;
	signal(SIGTERM, ex_term);
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	p[0].fd = outp[0];
	p[1].fd = errp[0];
	for (i = 0; i < 2; i++)
		fcntl(p[i].fd, F_SETFL, fcntl(p[i].fd, F_GETFL) | O_NONBLOCK);
	deadline = ex_now() + (double)st->timeout;
	while (!p[0].eof || !p[1].eof) {
		ms = (int)((deadline - ex_now()) * 1000) + 1;
		if (ms <= 0) {
			ex_kill(pid);
			ex_log_timeout(ctx, st);
			goto done;
		}
		for (i = 0; i < 2; i++) {
			pfd[i].fd = p[i].eof ? -1 : p[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, 2, ms < EX_TICK_MS ? ms : EX_TICK_MS) == -1 &&
		    errno != EINTR) {
			host->log(ctx, RM_LOG_ERR, "poll: %s",
			    strerror(errno));
			ex_kill(pid);
			goto done;
		}
		for (i = 0; i < 2; i++) {
			if (p[i].eof || pfd[i].revents == 0)
				continue;
			if (ex_read(ctx, &p[i], i == 0) == -1) {
				ex_kill(pid);
				goto done;
			}
		}
		/* The leader is done: drain, then end what it left. */
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			for (i = 0; i < 2; i++) {
				if (!p[i].eof && ex_read(ctx, &p[i],
				    i == 0) == -1) {
					kill(-pid, SIGKILL);
					goto done;
				}
			}
			kill(-pid, SIGKILL);
		}
	}
	/* Both pipes closed, but the program may still run: wait, in time. */
	while (!exited) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = 1;
			kill(-pid, SIGKILL);
		} else if (ex_now() >= deadline) {
			ex_kill(pid);
			ex_log_timeout(ctx, st);
			goto done;
		} else
			poll(NULL, 0, EX_TICK_MS);
	}
	if (WIFSIGNALED(status))
		host->log(ctx, RM_LOG_ERR, "program %s was killed by signal "
		    "%d (%s)", st->argv[0], WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		host->log(ctx, RM_LOG_ERR, "program %s exited with status %d",
		    st->argv[0], WEXITSTATUS(status));
	else {
		host->log(ctx, RM_LOG_DEBUG, "program %s: %zu output lines",
		    st->argv[0], p[0].lineno);
		rc = RM_OK;
	}
done:
	ex_group = 0;
	for (i = 0; i < 2; i++) {
		if (outp[i] != -1)
			close(outp[i]);
		if (errp[i] != -1)
			close(errp[i]);
		free(p[i].buf);
	}
	free(prog);
	return rc;
}

RM_EXPORT int
rm_plugin_init(const struct rm_host *h, struct rm_plugin *p)
{
	/* conf_keys came with ABI 1.1. */
	if (h == NULL || h->abi_major != RM_ABI_MAJOR ||
	    !RM_HOST_HAS(h, conf_keys))
		return RM_ERR;
	host = h;
	RM_PLUGIN_INIT(p);
	p->name = "exec";
	p->description = "any program printing observation JSON lines "
	    "(argv list, clean environment, timeout)";
	p->init = ex_init;
	p->collect = ex_collect;
	p->fini = ex_fini;
	return RM_OK;
}
