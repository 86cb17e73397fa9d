/* SPDX-License-Identifier: ISC */
/*
 * cmd_describe.c: `regiomon describe PLUGIN WHAT`: what a table, dataset
 * or variable offers (or, `describe swing --search TEXT`, which variables
 * a service has), as the plugin's describe() (ABI 1.3) finds it, run
 * in a child (run/describe.c).  Printed as text, as JSON (--json), or as
 * a source block for the config (--source-config).  The text is drawn
 * from the JSON by one set of rules, whichever the plugin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "app/app.h"
#include "app/cmd.h"

/* The options that become members of the request, and their keys. */
static const struct {
	const char	*opt;
	const char	*key;
	int		 many;		/* repeatable: an array */
} describe_opts[] = {
	{ "--api", "api", 0 },
	{ "--base-url", "base_url", 0 },
	{ "--other-base-url", "other_base_url", 0 },
	{ "--name", "name", 0 },
	{ "--indicator", "indicator", 0 },
	{ "--measure", "measure", 1 },
	{ "--region", "regions", 1 },
	{ "--filter", "filters", 1 },
	{ "--api-key-file", "api_key_file", 0 },
	{ "--search", "search", 0 },
};

#define NOPTS	(sizeof(describe_opts) / sizeof(describe_opts[0]))

/*
 * The request of argv (after PLUGIN) into req, with --json and
 * --source-config in *json and *sc.  0, or EXIT_USAGE (said).
 */
static int
describe_args(struct regiomon *rm, int argc, char **argv, json_t *req,
    int *json, int *sc)
{
	const struct indicator	*ind;
	const char		*v;
	json_t			*a;
	size_t			 k;
	int			 i, missing = 0, what = 0;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			*json = 1;
			continue;
		}
		if (strcmp(argv[i], "--source-config") == 0) {
			*sc = 1;
			continue;
		}
		for (k = 0, v = NULL; k < NOPTS && v == NULL && !missing; k++)
			v = cmd_opt_value(argc, argv, &i,
			    describe_opts[k].opt, &missing);
		if (missing) {
			out_printf(stderr, "regiomon: describe: %s needs a "
			    "value\n", argv[i]);
			return EXIT_USAGE;
		}
		if (v == NULL && argv[i][0] == '-') {
			out_printf(stderr, "regiomon: describe: unknown option "
			    "\"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
		if (v == NULL) {
			if (what++ > 0) {
				out_printf(stderr, "regiomon: describe: one "
				    "thing at a time: \"%s\" after \"%s\"\n",
				    argv[i], json_string_value(
				    json_object_get(req, "what")));
				return EXIT_USAGE;
			}
			json_object_set_new(req, "what", json_string(argv[i]));
			continue;
		}
		k--;
		if (strcmp(describe_opts[k].key, "regions") == 0 &&
		    catalog_region(rm->catalog, v) == NULL) {
			out_printf(stderr, "regiomon: describe: --region %s: "
			    "no such region in the catalog\n", v);
			return EXIT_USAGE;
		}
		if (strcmp(describe_opts[k].key, "indicator") == 0) {
			if ((ind = catalog_indicator(rm->catalog,
			    v)) == NULL) {
				out_printf(stderr, "regiomon: describe: "
				    "--indicator %s: no such indicator in the "
				    "catalog\n", v);
				return EXIT_USAGE;
			}
			/* Its period type picks the source's. */
			json_object_set_new(req, "indicator_freq",
			    json_string(freq_name(ind->freq)));
		}
		if (!describe_opts[k].many) {
			json_object_set_new(req, describe_opts[k].key,
			    json_string(v));
			continue;
		}
		if ((a = json_object_get(req, describe_opts[k].key)) == NULL) {
			a = json_array();
			json_object_set_new(req, describe_opts[k].key, a);
		}
		json_array_append_new(a, json_string(v));
	}
	/* --search TEXT lists what a plugin offers instead (swing). */
	v = json_string_value(json_object_get(req, "search"));
	if (v != NULL && (what || *v == '\0')) {
		out_printf(stderr, "regiomon: describe: --search %s\n", what ?
		    "lists variables; give no WHAT with it" : "needs a text to "
		    "look for");
		return EXIT_USAGE;
	}
	if (!what && v == NULL) {
		out_printf(stderr, "regiomon: describe: say what to describe: "
		    "a table, dataset or variable (or --search TEXT)\n");
		return EXIT_USAGE;
	}
	if (*sc && *json) {
		out_printf(stderr, "regiomon: describe: --json and "
		    "--source-config exclude each other\n");
		return EXIT_USAGE;
	}
	if (!*sc && (json_object_get(req, "measure") != NULL ||
	    json_object_get(req, "regions") != NULL ||
	    json_object_get(req, "indicator") != NULL ||
	    json_object_get(req, "name") != NULL)) {
		out_printf(stderr, "regiomon: describe: --name, --indicator, "
		    "--measure and --region go with --source-config\n");
		return EXIT_USAGE;
	}
	if (*sc)
		json_object_set_new(req, "source_config", json_true());
	return 0;
}

/* A scalar as text: "" for null, the key's name for true. */
static void
describe_scalar(FILE *fp, const char *key, const json_t *v)
{
	char	*s;

	if (json_is_string(v))
		out_printf(fp, "%s", json_string_value(v));
	else if (json_is_true(v))
		out_printf(fp, "%s", key);
	else if (json_is_false(v))
		out_printf(fp, "false");
	else if (json_is_number(v) &&
	    (s = json_dumps(v, JSON_ENCODE_ANY)) != NULL) {
		out_printf(fp, "%s", s);
		free(s);
	}
}

static int
describe_is_scalar(const json_t *v)
{
	return json_is_string(v) || json_is_number(v) || json_is_boolean(v) ||
	    json_is_null(v);
}

/*
 * One item of a list, on a line: its "key", "code" or "id" first, then
 * its "title" quoted, then the other scalars as name=value (true ones as
 * their name, null left out), arrays of scalars as name=a,b;
 * lists of objects below it, indented.
 */
static void
describe_item(FILE *fp, const json_t *o, int depth)
{
	static const char *const first[] = { "key", "code", "id" };
	const char	*k, *lead = "";
	const json_t	*v, *e;
	size_t		 i, j;
	int		 n = 0;

	out_printf(fp, "%*s", depth * 2, "");
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		if (json_is_string(v = json_object_get(o, first[i]))) {
			out_printf(fp, "%s", json_string_value(v));
			lead = first[i];
			n++;
			break;
		}
	if (json_is_string(v = json_object_get(o, "title")))
		out_printf(fp, "%s\"%s\"", n++ > 0 ? "  " : "",
		    json_string_value(v));
	json_object_foreach((json_t *)o, k, v) {
		if (strcmp(k, lead) == 0 ||
		    strcmp(k, "title") == 0 || json_is_null(v) ||
		    json_is_object(v))
			continue;
		if (json_is_array(v)) {
			if (json_array_size(v) == 0 ||
			    !describe_is_scalar(json_array_get(v, 0)))
				continue;
			out_printf(fp, "%s%s=", n++ > 0 ? "  " : "", k);
			json_array_foreach(v, j, e) {
				out_printf(fp, "%s", j > 0 ? "," : "");
				describe_scalar(fp, k, e);
			}
			continue;
		}
		out_printf(fp, "%s", n++ > 0 ? "  " : "");
		if (!json_is_true(v))
			out_printf(fp, "%s=", k);
		describe_scalar(fp, k, v);
	}
	out_printf(fp, "\n");
	json_object_foreach((json_t *)o, k, v) {
		if (!json_is_array(v) || json_array_size(v) == 0 ||
		    !json_is_object(json_array_get(v, 0)))
			continue;
		out_printf(fp, "%*s%s (%zu):\n", depth * 2 + 2, "", k,
		    json_array_size(v));
		json_array_foreach(v, j, e)
			describe_item(fp, e, depth + 2);
	}
}

/*
 * The description as text: "WHAT: title", then each member: a scalar as
 * "name: value", an object of scalars as "name:" and "  name: value"
 * lines, a list of scalars on one line, a list of objects an item a line.
 */
static void
describe_text(FILE *fp, const json_t *doc)
{
	const char	*k, *k2;
	const json_t	*v, *v2;
	size_t		 i;

	out_printf(fp, "%s %s", json_string_value(json_object_get(doc,
	    "plugin")), json_string_value(json_object_get(doc, "what")) !=
	    NULL ? json_string_value(json_object_get(doc, "what")) : "");
	if (json_is_string(v = json_object_get(doc, "title")))
		out_printf(fp, ": %s", json_string_value(v));
	out_printf(fp, "\n");
	json_object_foreach((json_t *)doc, k, v) {
		if (strcmp(k, "plugin") == 0 || strcmp(k, "what") == 0 ||
		    strcmp(k, "title") == 0 || strcmp(k, "source") == 0 ||
		    json_is_null(v))
			continue;
		if (describe_is_scalar(v)) {
			out_printf(fp, "%s: ", k);
			describe_scalar(fp, k, v);
			out_printf(fp, "\n");
		} else if (json_is_object(v)) {
			out_printf(fp, "%s:\n", k);
			json_object_foreach((json_t *)v, k2, v2) {
				if (!describe_is_scalar(v2) || json_is_null(v2))
					continue;
				out_printf(fp, "  %s: ", k2);
				describe_scalar(fp, k2, v2);
				out_printf(fp, "\n");
			}
		} else if (json_array_size(v) == 0) {
			out_printf(fp, "%s: none\n", k);
		} else if (describe_is_scalar(json_array_get(v, 0))) {
			out_printf(fp, "%s (%zu): ", k, json_array_size(v));
			json_array_foreach(v, i, v2) {
				out_printf(fp, "%s", i > 0 ? ", " : "");
				describe_scalar(fp, k, v2);
			}
			out_printf(fp, "\n");
		} else {
			out_printf(fp, "%s (%zu):\n", k, json_array_size(v));
			json_array_foreach(v, i, v2)
				if (json_is_object(v2))
					describe_item(fp, v2, 1);
		}
	}
}

static int
describe_dump(const json_t *doc)
{
	char	*text;

	if ((text = json_dumps_exact(doc, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER)) == NULL)
		return 1;
	fputs(text, stdout);
	putchar('\n');
	free(text);
	return 0;
}

int
cmd_describe(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	const struct plugin	*p;
	json_t			*req, *doc = NULL;
	char			 why[1024];
	int			 rc, json = 0, sc = 0;

	(void)o;
	req = json_object();
	if ((rc = describe_args(rm, argc, argv, req, &json, &sc)) != 0) {
		json_decref(req);
		return rc;
	}
	if ((p = plugins_get(&rm->plugins, rm->conf->plugin_dir, argv[1],
	    why, sizeof(why))) == NULL) {
		out_printf(stderr, "regiomon: describe: %s\n", why);
		json_decref(req);
		return 1;
	}
	rc = describe_run(rm, p, req, &doc, why, sizeof(why));
	json_decref(req);
	if (rc == -1) {
		out_printf(stderr, "regiomon: describe: %s\n", why);
		return 1;
	}
	if (sc && !json_is_object(json_object_get(doc, "source"))) {
		out_printf(stderr, "regiomon: describe: plugin %s gave no "
		    "source block\n", p->name);
		rc = 1;
	} else if (sc)
		rc = describe_dump(json_object_get(doc, "source"));
	else if (json)
		rc = describe_dump(doc);
	else {
		describe_text(stdout, doc);
		rc = 0;
	}
	json_decref(doc);
	return rc != 0 || fflush(stdout) == EOF ? 1 : 0;
}
