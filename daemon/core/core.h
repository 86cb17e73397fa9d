/* SPDX-License-Identifier: ISC */
/*
 * core/core.h: the ground floor: logging, small utilities and the clocks,
 * diagnostics (errors found in a file) and statistical periods. Includes
 * nothing of regiomon's but common/ and the plugin ABI's limits.
 */
#ifndef REGIOMON_CORE_H
#define REGIOMON_CORE_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "common/keytab.h"
#include "regiomon-plugin.h"
#ifndef REGIOMON_VERSION
#define REGIOMON_VERSION	"0.1.0"
#endif
#ifndef REGIOMON_CONF
#define REGIOMON_CONF		"/etc/regiomon/regiomon.json"
#endif
#ifndef REGIOMON_USER
#define REGIOMON_USER		"regiomon"
#endif

/* Exit codes of the command line (sysexits for the config). */
#define EXIT_USAGE	2
#define EXIT_CONFIG	78

#define ID_MAX		KEYTAB_ID_MAX	/* indicator, region and source ids */
#define PERIOD_MAX	RM_PERIOD_MAX	/* "2020-Q3" and friends, with room */

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __dead
#define __dead		__attribute__((__noreturn__))
#endif

enum freq {
	FREQ_YEAR,
	FREQ_QUARTER,
	FREQ_MONTH
};

/* A statistical period: a year, a quarter (index 1-4) or a month (1-12). */
struct period {
	int		year;
	enum freq	freq;
	int		index;		/* 0 for a year */
};

/*
 * One error found while reading a file: the file, where in it (a JSON path
 * like "sources[1].interval" or "line 3, column 7") and what was expected.
 */
struct diag {
	char	*file;
	char	*where;
	char	*msg;
};

struct diags {
	struct diag	*v;
	size_t		 n;
};

/* log.c */
void	log_init(int, int);
int	log_journal(void);
void	log_forked(void);
void	log_set_tag(const char *);
void	log_err(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_errx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_notice(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
void	log_prio(int, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	log_vprio(int, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));
__dead void fatal(const char *, ...) __attribute__((__format__ (printf, 1, 2)));
__dead void fatalx(const char *, ...)
	    __attribute__((__format__ (printf, 1, 2)));

/* util.c */
#define FNV_START	14695981039346656037ULL
uint64_t fnv1a(uint64_t, const char *);
size_t	strlcpy(char *, const char *, size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	xasprintf(char **, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
int	id_valid(const char *);
int	duration_parse(const char *, long *);
int	size_parse(const char *, size_t *);
int	mkdir_p(const char *, mode_t);
int	fsync_dir(const char *);
long	env_long(const char *, long, long, long);
int	set_aside(const char *, char **);
int	set_aside_as(const char *, const char *, char **);
int	write_all(int, const void *, size_t);
int	reap_by(pid_t, double, int *);
pid_t	fork_tied(void);
int	write_file_atomic(const char *, const void *, size_t);
char	*path_join(const char *, const char *);
char	*path_dirname(const char *);
const char *did_you_mean(const char *, const char *const *, size_t);
time_t	wall_now(void);
double	mono_now(void);
char	*json_dumps_exact(const json_t *, size_t);

/* nofollow.c */
const char *file_kind(mode_t);
int	dir_nofollow(const char *, mode_t);
int	mkdir_beneath(const char *, const char *, mode_t);
int	open_nofollow(const char *, int, mode_t);
int	flock_wait(int, double);

/* fmt.c */
void	fmt_double(char *, size_t, double);
/* Numbers in text for people: at most 4 decimals, 6 significant digits. */
#define FMT_HUMAN_DEC	4
#define FMT_HUMAN_SIG	6
int	fmt_human_decimals(double, int);
void	fmt_human(char *, size_t, double, int);

/* confine.c */
int	confine_shut(const char *const *, size_t, char *, size_t);

/* secret.c */
int	secret_read(const char *, char *, size_t, size_t *, char *, size_t);

/* text.c */
size_t	utf8_seq(const unsigned char *, size_t, uint32_t *);
int	text_ok(const char *);
size_t	text_visn(char *, size_t, const char *, size_t);
size_t	text_vis(char *, size_t, const char *);
void	text_redact(char *, size_t, const char *);
void	out_printf(FILE *, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));
void	out_vprintf(FILE *, const char *, va_list)
	    __attribute__((__format__ (printf, 2, 0)));

/* diag.c */
void	diag_add(struct diags *, const char *, const char *, const char *, ...)
	    __attribute__((__format__ (printf, 4, 5)));
void	diag_vadd(struct diags *, const char *, const char *, const char *,
	    va_list) __attribute__((__format__ (printf, 4, 0)));
void	diag_print(const struct diags *, FILE *);
void	diag_log(const struct diags *);
void	diag_free(struct diags *);

/* period.c */
int	period_parse(const char *, struct period *);
int	period_format(const struct period *, char *, size_t);
time_t	period_start(const struct period *);
time_t	period_end(const struct period *);
int	period_cmp(const struct period *, const struct period *);
void	period_next(const struct period *, struct period *);
int	period_valid(const struct period *);
int	freq_parse(const char *, enum freq *);
const char *freq_name(enum freq);
long	freq_max_seconds(enum freq);

#endif /* REGIOMON_CORE_H */
