/* SPDX-License-Identifier: ISC */
/*
 * exec.h: what the exec plugin's files share: the source's state (its
 * checked config), a pipe from the program and the host table.
 * Plugin-internal: nothing here is exported from the .so.
 */
#ifndef EXEC_H
#define EXEC_H

#include <stddef.h>

#include "regiomon-plugin.h"

#define EX_PATH		"/usr/bin:/bin"
#define EX_LANG		"C.UTF-8"
#define EX_TIMEOUT	240		/* seconds; the source default is 5m */
#define EX_LINE_MAX	(1024 * 1024)	/* a longer line is garbage */
#define EX_STDERR_MAX	200		/* stderr lines logged per run */
#define EX_TICK_MS	100		/* how soon the leader's exit is seen */
#define EX_PERIOD	16

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The host table, set once by rm_plugin_init(), read-only after. */
extern const struct rm_host	*ex_host;

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

/* config.c */
int	ex_init(struct rm_ctx *, const json_t *, void **);
void	ex_fini(void *);

/* output.c */
int	ex_read(struct rm_ctx *, struct ex_pipe *, int);

#endif /* EXEC_H */
