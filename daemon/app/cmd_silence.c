/* SPDX-License-Identifier: ISC */
/*
 * cmd_silence.c: `regiomon silence add INDICATOR[/REGION] --until DATE
 * --comment TEXT`, `silence list` and `silence remove ID`: the analysts'
 * way to stop alert mail about a series for a while, with a reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "app/app.h"
#include "app/cmd.h"

/* Load the silences; print every problem and return -1 if unreadable. */
static int
load(struct regiomon *rm, struct silences *ss)
{
	struct diags	 d;

	memset(&d, 0, sizeof(d));
	if (silences_load(rm->conf->state_dir, ss, &d) == 0)
		return 0;
	diag_print(&d, stderr);
	diag_free(&d);
	out_printf(stderr, "regiomon: silence: fix or remove the file; it was "
	    "left as it is\n");
	return -1;
}

static int
silence_cmd_add(struct regiomon *rm, int argc, char **argv)
{
	struct silences	 ss;
	const char	*until = NULL, *comment = NULL, *target = NULL;
	char		 ind[ID_MAX], reg[ID_MAX], *path;
	time_t		 ends, now = time(NULL);
	long		 id;
	int		 i, lock, rc;

	/* silences.json must stay readable for the daemon. */
	if (state_dir_owner_check(rm->conf->state_dir) == -1)
		return 1;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--until") == 0 && i + 1 < argc)
			until = argv[++i];
		else if (strncmp(argv[i], "--until=", 8) == 0)
			until = argv[i] + 8;
		else if (strcmp(argv[i], "--comment") == 0 && i + 1 < argc)
			comment = argv[++i];
		else if (strncmp(argv[i], "--comment=", 10) == 0)
			comment = argv[i] + 10;
		else if (argv[i][0] != '-' && target == NULL)
			target = argv[i];
		else {
			out_printf(stderr, "regiomon: silence add: unexpected "
			    "argument \"%s\"\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (target == NULL || until == NULL || comment == NULL) {
		out_printf(stderr, "regiomon: silence add: %s is required\n",
		    target == NULL ? "INDICATOR[/REGION]" : until == NULL ?
		    "--until YYYY-MM-DD" : "--comment TEXT (why)");
		return EXIT_USAGE;
	}
	if (cmd_series(rm->catalog, "silence add", target, 0, ind,
	    reg) == -1)
		return EXIT_USAGE;
	if (silence_date_parse(until, &ends) == -1) {
		out_printf(stderr, "regiomon: silence add: --until: expected a "
		    "date like 2027-01-31, got \"%s\"\n", until);
		return EXIT_USAGE;
	}
	if (ends <= now) {
		out_printf(stderr, "regiomon: silence add: --until %s is over "
		    "already; a silence must end in the future\n", until);
		return EXIT_USAGE;
	}
	if (!text_ok(comment)) {
		out_printf(stderr, "regiomon: silence add: --comment: "
		    "expected UTF-8 text without control characters (tabs, "
		    "newlines, escapes), got \"%s\"\n", comment);
		return EXIT_USAGE;
	}
	if (!silence_comment_ok(comment)) {
		out_printf(stderr, "regiomon: silence add: --comment: "
		    "expected one line of text saying why\n");
		return EXIT_USAGE;
	}
	if (mkdir_p(rm->conf->state_dir, 0750) == -1) {
		log_warn("%s", rm->conf->state_dir);
		return 1;
	}
	/* Read, add, write: one change at a time, or ids collide. */
	if ((lock = silences_lock(rm->conf->state_dir)) == -1)
		return 1;
	if (load(rm, &ss) == -1) {
		silences_unlock(lock);
		return 1;
	}
	if ((id = silence_add(&ss, ind, reg, until, ends, comment,
	    now)) == -1) {
		silences_unlock(lock);
		path = silence_path(rm->conf->state_dir);
		log_warnx("%s: next_id: every silence id up to 999999999 was "
		    "given out, and ids are never reused", path);
		free(path);
		silences_free(&ss);
		return 1;
	}
	rc = silences_save(rm->conf->state_dir, &ss);
	silences_unlock(lock);
	silences_free(&ss);
	if (rc == -1)
		return 1;
	out_printf(stdout, "silence %ld: %s%s%s until %s (the end of that "
	    "day, UTC)\n", id, ind, reg[0] != '\0' ? "/" : " in every region",
	    reg[0] != '\0' ? reg : "", until);
	return 0;
}

/*
 * `silence list --json`: {"silences": [...]}, each with its id, indicator,
 * region (null: every region), until, state, comment and created.
 */
static int
list_json(const struct silences *ss, time_t now)
{
	const struct silence	*s;
	json_t			*doc, *arr, *o;
	size_t			 i;

	if ((doc = json_pack("{s:[]}", "silences")) == NULL)
		goto oom;
	arr = json_object_get(doc, "silences");
	for (i = 0; i < ss->n; i++) {
		s = &ss->v[i];
		o = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:o}", "id",
		    (json_int_t)s->id, "indicator", s->indicator, "region",
		    s->region[0] != '\0' ? json_string(s->region) :
		    json_null(), "until", s->until, "state",
		    silence_expired(s, now) ? "expired" : "active", "comment",
		    s->comment, "created", s->created != NULL ?
		    json_string(s->created) : json_null());
		if (json_array_append_new(arr, o) == -1) {
			json_decref(doc);
			goto oom;
		}
	}
	if (cmd_print_json(doc) == -1)
		goto oom;
	return fflush(stdout) == EOF ? 1 : 0;
oom:
	log_errx("silence list: out of memory");
	return 1;
}

static int
silence_cmd_list(struct regiomon *rm, int argc, char **argv)
{
	struct silences		 ss;
	const struct silence	*s;
	char			 target[2 * ID_MAX + 1];
	time_t			 now = time(NULL);
	size_t			 i, w = strlen("series");
	int			 a, json = 0, rc;

	for (a = 2; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = 1;
		else {
			out_printf(stderr, "regiomon: silence list: "
			    "unexpected argument \"%s\"\n", argv[a]);
			return EXIT_USAGE;
		}
	}
	if (load(rm, &ss) == -1)
		return 1;
	if (json) {
		rc = list_json(&ss, now);
		silences_free(&ss);
		return rc;
	}
	if (ss.n == 0) {
		out_printf(stdout, "no silences\n");
		silences_free(&ss);
		return 0;
	}
	for (i = 0; i < ss.n; i++) {
		s = &ss.v[i];
		snprintf(target, sizeof(target), "%s/%s", s->indicator,
		    s->region[0] != '\0' ? s->region : "*");
		if (strlen(target) > w)
			w = strlen(target);
	}
	out_printf(stdout, "%-4s %-*s  %-10s  %-8s  %s\n", "id", (int)w,
	    "series", "until", "state", "comment");
	for (i = 0; i < ss.n; i++) {
		s = &ss.v[i];
		snprintf(target, sizeof(target), "%s/%s", s->indicator,
		    s->region[0] != '\0' ? s->region : "*");
		out_printf(stdout, "%-4ld %-*s  %-10s  %-8s  %s\n", s->id,
		    (int)w, target, s->until, silence_expired(s, now) ?
		    "expired" : "active", s->comment);
	}
	silences_free(&ss);
	return 0;
}

static int
silence_cmd_remove(struct regiomon *rm, int argc, char **argv)
{
	struct silences	 ss;
	char		*end;
	long		 id;
	int		 lock, rc;

	/* silences.json must stay readable for the daemon. */
	if (state_dir_owner_check(rm->conf->state_dir) == -1)
		return 1;

	if (argc != 3) {
		out_printf(stderr, "regiomon: silence remove: %s\n", argc < 3 ?
		    "ID is required" : "expected one ID");
		return EXIT_USAGE;
	}
	id = strtol(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || id < 1) {
		out_printf(stderr, "regiomon: silence remove: expected an id "
		    "from `regiomon silence list`, got \"%s\"\n", argv[2]);
		return EXIT_USAGE;
	}
	if (access(rm->conf->state_dir, F_OK) == -1 && errno == ENOENT) {
		fprintf(stderr, "regiomon: silence remove: no silence %ld "
		    "(see `regiomon silence list`)\n", id);
		return 1;
	}
	/* Read, remove, write: one change at a time. */
	if ((lock = silences_lock(rm->conf->state_dir)) == -1)
		return 1;
	if (load(rm, &ss) == -1) {
		silences_unlock(lock);
		return 1;
	}
	if (silence_remove(&ss, id) == -1) {
		silences_unlock(lock);
		out_printf(stderr, "regiomon: silence remove: no silence %ld "
		    "(see `regiomon silence list`)\n", id);
		silences_free(&ss);
		return 1;
	}
	rc = silences_save(rm->conf->state_dir, &ss);
	silences_unlock(lock);
	silences_free(&ss);
	if (rc == -1)
		return 1;
	out_printf(stdout, "silence %ld removed\n", id);
	return 0;
}

int
cmd_silence(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	(void)o;
	if (argc < 2)
		return EXIT_USAGE;
	if (strcmp(argv[1], "add") == 0)
		return silence_cmd_add(rm, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return silence_cmd_list(rm, argc, argv);
	if (strcmp(argv[1], "remove") == 0)
		return silence_cmd_remove(rm, argc, argv);
	out_printf(stderr, "regiomon: silence: unknown subcommand \"%s\"\n",
	    argv[1]);
	return EXIT_USAGE;
}
