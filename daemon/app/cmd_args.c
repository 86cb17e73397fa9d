/* SPDX-License-Identifier: ISC */
/*
 * cmd_args.c: the arguments several commands share, checked against the
 * catalog the one way: a series as INDICATOR/REGION (`silence add`,
 * `history`), an indicator or a region id, a name out of a fixed list;
 * each unknown name with the "did you mean" the config check gives; an
 * option's value; and the one way --json prints a document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "app/app.h"
#include "app/cmd.h"

/*
 * Print "regiomon: CMD: unknown WHAT "name"; did you mean "x"?" for a name
 * not among the n known ones, and with list the known ones after it.
 */
void
cmd_unknown(const char *cmd, const char *what, const char *name,
    const char *const *known, size_t n, int list)
{
	const char	*hint = did_you_mean(name, known, n);
	size_t		 i;

	out_printf(stderr, "regiomon: %s: unknown %s \"%s\"", cmd, what, name);
	if (hint != NULL)
		out_printf(stderr, "; did you mean \"%s\"?", hint);
	if (list) {
		out_printf(stderr, " (expected one of:");
		for (i = 0; i < n; i++)
			out_printf(stderr, "%s %s", i > 0 ? "," : "", known[i]);
		fputc(')', stderr);
	}
	fputc('\n', stderr);
}

/*
 * The indicator id in the catalog, or NULL after saying so: with the
 * closest id, or where to find them when none is close (there are many).
 */
const struct indicator *
cmd_indicator(const struct catalog *cat, const char *cmd, const char *id)
{
	const struct indicator	*ind;
	const char		**names;
	size_t			 i;

	if ((ind = catalog_indicator(cat, id)) != NULL)
		return ind;
	names = xcalloc(cat->nindicators + 1, sizeof(*names));
	for (i = 0; i < cat->nindicators; i++)
		names[i] = cat->indicators[i].id;
	if (did_you_mean(id, names, cat->nindicators) != NULL)
		cmd_unknown(cmd, "indicator", id, names, cat->nindicators, 0);
	else
		out_printf(stderr, "regiomon: %s: unknown indicator \"%s\" "
		    "(`regiomon status` lists them)\n", cmd, id);
	free(names);
	return NULL;
}

/* The region id in the catalog, or NULL after saying so. */
const struct region *
cmd_region(const struct catalog *cat, const char *cmd, const char *id)
{
	const struct region	*reg;
	const char		**names;
	size_t			 i;

	if ((reg = catalog_region(cat, id)) != NULL)
		return reg;
	names = xcalloc(cat->nregions + 1, sizeof(*names));
	for (i = 0; i < cat->nregions; i++)
		names[i] = cat->regions[i].id;
	cmd_unknown(cmd, "region", id, names, cat->nregions, 0);
	free(names);
	return NULL;
}

/*
 * Split "INDICATOR/REGION" into ind and reg (ID_MAX bytes each) and check
 * both against the catalog; without need_region "INDICATOR" alone is a
 * series too (every region: reg is ""), as `silence add` takes it.
 * 0, or -1 after saying what is wrong.
 */
int
cmd_series(const struct catalog *cat, const char *cmd, const char *arg,
    int need_region, char *ind, char *reg)
{
	const char	*slash = strchr(arg, '/');
	size_t		 len = slash != NULL ? (size_t)(slash - arg) :
			    strlen(arg);

	ind[0] = reg[0] = '\0';
	if (len == 0 || len >= ID_MAX || (slash == NULL && need_region) ||
	    (slash != NULL && (slash[1] == '\0' || strchr(slash + 1, '/') !=
	    NULL || strlen(slash + 1) >= ID_MAX))) {
		out_printf(stderr, "regiomon: %s: expected %s, got \"%s\"\n",
		    cmd, need_region ? "INDICATOR/REGION or INDICATOR REGION" :
		    "INDICATOR or INDICATOR/REGION", arg);
		return -1;
	}
	memcpy(ind, arg, len);
	ind[len] = '\0';
	if (slash != NULL)
		strlcpy(reg, slash + 1, ID_MAX);
	if (cmd_indicator(cat, cmd, ind) == NULL)
		return -1;
	if (slash != NULL && cmd_region(cat, cmd, reg) == NULL)
		return -1;
	return 0;
}

/*
 * The value of option name at argv[*i], as "--name VALUE" (*i moves on)
 * or "--name=VALUE"; NULL when argv[*i] is another option, or with
 * *missing set when the value is not there.
 */
const char *
cmd_opt_value(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t	 len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

/*
 * Print doc to stdout as the commands' --json print a document: indented,
 * in its order, exact numbers in their shortest form (65.7, never
 * 65.700000000000003); doc is released.  0, or -1 out of memory.
 */
int
cmd_print_json(json_t *doc)
{
	char	*text;

	text = json_dumps_exact(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (text == NULL)
		return -1;
	fputs(text, stdout);
	putchar('\n');
	free(text);
	return 0;
}
