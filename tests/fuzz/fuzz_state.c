/* SPDX-License-Identifier: ISC */
/*
 * fuzz_state.c: loading STATE/state.json (state_load in
 * daemon/model/state.c: the packed reader, then jansson for anything
 * else) on arbitrary bytes, read-only as `regiomon status` loads it, and
 * each series' packed eval unpacked.  A file either loads or reads as
 * an empty state; what the packed reader accepts, jansson must accept
 * too.  Nothing may crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A state directory of our own, made once, removed at exit. */
static char	 st_dir[] = "/tmp/fuzz-state-XXXXXX";
static char	 st_path[sizeof(st_dir) + 16];

static void
st_cleanup(void)
{
	unlink(st_path);
	rmdir(st_dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*key;
	json_t		*s, *ss, *ev, *j;
	FILE		*fp;

	log_init(0, 0);
	if (st_path[0] == '\0') {
		if (mkdtemp(st_dir) == NULL)
			abort();
		snprintf(st_path, sizeof(st_path), "%s/state.json", st_dir);
		atexit(st_cleanup);
	}
	/* The packed reader alone, on the bytes as they are. */
	if ((s = state_read((const char *)data, len)) != NULL) {
		if ((j = json_loadb((const char *)data, len, 0, NULL)) ==
		    NULL)
			abort();
		json_decref(j);
		json_decref(s);
	}
	if ((fp = fopen(st_path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, len, fp) != len || fclose(fp) == EOF)
		abort();
	/* NULL: a newer version, left alone; otherwise a usable state. */
	if ((s = state_load(st_dir, 1)) == NULL)
		return 0;
	if (!json_is_object(json_object_get(s, "series")) ||
	    !json_is_object(json_object_get(s, "sources")))
		abort();
	json_object_foreach(json_object_get(s, "series"), key, ss) {
		if ((ev = state_eval_get(ss)) != NULL)
			json_decref(ev);
	}
	json_decref(s);
	return 0;
}
