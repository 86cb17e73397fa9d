/* SPDX-License-Identifier: ISC */
/*
 * cmd_forget.c: `regiomon forget INDICATOR/REGION ...` and `regiomon
 * forget --source NAME`: removing series on purpose, each its RRD file
 * and its state, after a confirmation (or --yes).  Only what is named
 * goes: a set-aside file (".corrupt", ".from-SOURCE") stays, and so do
 * the other series of an indicator or a source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "app/app.h"
#include "app/cmd.h"

/* The series to remove, "INDICATOR/REGION" each. */
struct targets {
	char	**v;
	size_t	  n;
};

static void
targets_add(struct targets *t, const char *key)
{
	size_t	 i;
	char	**v;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i], key) == 0)
			return;
	if ((v = reallocarray(t->v, t->n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	t->v = v;
	t->v[t->n++] = xstrdup(key);
}

static void
targets_free(struct targets *t)
{
	size_t	 i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

/* Split "INDICATOR/REGION" into ind and reg (ID_MAX each).  0 or -1. */
static int
split_key(const char *key, char *ind, char *reg)
{
	const char	*slash = strchr(key, '/');
	size_t		 len;

	if (slash == NULL || (len = (size_t)(slash - key)) == 0 ||
	    len >= ID_MAX || strlen(slash + 1) >= ID_MAX)
		return -1;
	memcpy(ind, key, len);
	ind[len] = '\0';
	strlcpy(reg, slash + 1, ID_MAX);
	return id_valid(ind) && id_valid(reg) ? 0 : -1;
}

/* 1 if the series key has a file or a state entry. */
static int
stored(struct regiomon *rm, const char *key)
{
	char	 ind[ID_MAX], reg[ID_MAX];

	if (json_object_get(json_object_get(rm->state, "series"), key) !=
	    NULL)
		return 1;
	return split_key(key, ind, reg) == 0 &&
	    store_exists(rm->conf->state_dir, ind, reg) == 1;
}

/*
 * Every series the state says source name feeds.  0, or EXIT_USAGE for
 * a name that neither the config nor the state knows.
 */
static int
add_source(struct regiomon *rm, const char *name, struct targets *t)
{
	const char	*key, *src;
	json_t		*ss;

	if (conf_source(rm->conf, name) == NULL && json_object_get(
	    json_object_get(rm->state, "sources"), name) == NULL) {
		out_printf(stderr, "regiomon: forget: no source \"%s\" in %s "
		    "or in the state\n", name, rm->conf->path);
		return EXIT_USAGE;
	}
	json_object_foreach(json_object_get(rm->state, "series"), key, ss) {
		src = json_string_value(json_object_get(ss, "source"));
		if (src != NULL && strcmp(src, name) == 0)
			targets_add(t, key);
	}
	return 0;
}

/*
 * Ask "forget N series (list)? [y/N]" on the terminal.  1 if the answer
 * is yes; 0 (said) if no, or if standard input is no terminal.
 */
static int
confirm(const struct targets *t)
{
	char	 line[64];
	size_t	 i;

	if (!isatty(STDIN_FILENO)) {
		out_printf(stderr, "regiomon: forget: would remove %zu "
		    "series; standard input is not a terminal to confirm "
		    "on: add --yes\n", t->n);
		return 0;
	}
	out_printf(stderr, "forget %zu series (", t->n);
	for (i = 0; i < t->n; i++)
		out_printf(stderr, "%s%s", i > 0 ? ", " : "", t->v[i]);
	out_printf(stderr, ")? [y/N] ");
	fflush(stderr);
	if (fgets(line, sizeof(line), stdin) == NULL ||
	    (strcmp(line, "y\n") != 0 && strcmp(line, "yes\n") != 0 &&
	    strcmp(line, "Y\n") != 0)) {
		out_printf(stderr, "regiomon: forget: nothing removed\n");
		return 0;
	}
	return 1;
}

/*
 * Remove the series key: its file and its state.  The mark of the source
 * that fed it is forgotten, so that if that source still feeds the
 * series, its next run fetches everything and stores it anew.  0, or -1
 * (logged) if the file could not be removed (the state stays then).
 */
static int
forget_one(struct regiomon *rm, const char *key)
{
	const char	*src;
	char		 ind[ID_MAX], reg[ID_MAX], *path = NULL;
	json_t		*ss;
	int		 had;

	if (split_key(key, ind, reg) == 0) {
		had = store_exists(rm->conf->state_dir, ind, reg);
		if (store_remove(rm->conf->state_dir, ind, reg) == -1) {
			log_errx("forget %s: its file could not be removed; "
			    "its state is kept", key);
			return -1;
		}
		if (had)
			path = store_path(rm->conf->state_dir, ind, reg);
	}
	ss = json_object_get(json_object_get(rm->state, "series"), key);
	if ((src = json_string_value(json_object_get(ss, "source"))) != NULL)
		json_object_del(json_object_get(json_object_get(rm->state,
		    "sources"), src), "mark");
	json_object_del(json_object_get(rm->state, "series"), key);
	log_notice("forgot series %s%s%s", key, path != NULL ?
	    ": removed " : "", path != NULL ? path : "");
	free(path);
	return 0;
}

int
cmd_forget(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	struct targets	 t;
	char		 ind[ID_MAX], reg[ID_MAX];
	int		 i, yes = 0, rc = 0;

	(void)o;
	memset(&t, 0, sizeof(t));
	for (i = 1; i < argc && rc == 0; i++) {
		if (strcmp(argv[i], "--yes") == 0 || strcmp(argv[i], "-y") == 0)
			yes = 1;
		else if (strcmp(argv[i], "--source") == 0 && i + 1 < argc)
			rc = add_source(rm, argv[++i], &t);
		else if (strncmp(argv[i], "--source=", 9) == 0)
			rc = add_source(rm, argv[i] + 9, &t);
		else if (strcmp(argv[i], "--source") == 0) {
			out_printf(stderr, "regiomon: forget: --source needs "
			    "a NAME\n");
			rc = EXIT_USAGE;
		}
		else if (argv[i][0] == '-') {
			out_printf(stderr, "regiomon: forget: unknown option "
			    "\"%s\"\n", argv[i]);
			rc = EXIT_USAGE;
		} else if (split_key(argv[i], ind, reg) == -1) {
			out_printf(stderr, "regiomon: forget: \"%s\" is no "
			    "series (expected INDICATOR/REGION, e.g. "
			    "unemployment-rate/groningen)\n", argv[i]);
			rc = EXIT_USAGE;
		} else if (!stored(rm, argv[i])) {
			out_printf(stderr, "regiomon: forget: nothing is "
			    "stored for %s (no file, no state); nothing "
			    "removed\n", argv[i]);
			rc = 1;
		} else
			targets_add(&t, argv[i]);
	}
	if (rc != 0 || t.n == 0) {
		if (rc == 0)
			out_printf(stderr, "regiomon: forget: no series to "
			    "remove\n");
		targets_free(&t);
		return rc;
	}
	if (!yes && !confirm(&t)) {
		targets_free(&t);
		return 1;
	}
	for (i = 0; (size_t)i < t.n; i++)
		if (forget_one(rm, t.v[i]) == -1)
			rc = 1;
	if (state_save(rm->conf->state_dir, rm->state) == -1)
		rc = 1;
	targets_free(&t);
	return rc;
}
