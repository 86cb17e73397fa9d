/* SPDX-License-Identifier: ISC */
/*
 * fuzz_silences.c: loading STATE/silences.json (silences_load in
 * daemon/model/silence.c) on arbitrary bytes.  A file either loads, and
 * then matches, adds a silence (a new id, or none once 999999999 was
 * given out) and saves and loads again to the same list, or yields at
 * least one error and an empty list.  Nothing may
 * crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 si_dir[] = "/tmp/fuzz-silences-XXXXXX";
static char	*si_path;

static void
si_cleanup(void)
{
	unlink(si_path);
	rmdir(si_dir);
	free(si_path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct diags	 d = { NULL, 0 };
	struct silences	 ss, again;
	FILE		*fp;
	size_t		 i;
	long		 id;

	log_init(0, 0);
	if (si_path == NULL) {
		if (mkdtemp(si_dir) == NULL)
			abort();
		si_path = silence_path(si_dir);
		atexit(si_cleanup);
	}
	if ((fp = fopen(si_path, "w")) == NULL)
		abort();
	if (fwrite(data, 1, len, fp) != len || fclose(fp) == EOF)
		abort();
	if (silences_load(si_dir, &ss, &d) == -1) {
		if (d.n == 0 || ss.n != 0)
			abort();
		diag_free(&d);
		silences_free(&ss);
		return 0;
	}
	if (d.n != 0 || ss.next_id < 1)
		abort();
	for (i = 0; i < ss.n; i++) {
		if (ss.v[i].id < 1 || ss.v[i].id >= ss.next_id)
			abort();
		silence_match(&ss, ss.v[i].indicator, ss.v[i].region, 0);
	}
	silence_match(&ss, "x", "y", 1765000000);
	/* A new silence gets an id no other has, or none is left. */
	if ((id = silence_add(&ss, "fuzz", "", "2099-12-31", 4102444800,
	    "fuzz", 1765000000)) == -1 && ss.next_id <= 999999999)
		abort();
	for (i = 0; id != -1 && i + 1 < ss.n; i++)
		if (ss.v[i].id == id)
			abort();
	/* What was loaded saves, and loads again the same. */
	if (silences_save(si_dir, &ss) == -1)
		abort();
	if (silences_load(si_dir, &again, &d) == -1 || again.n != ss.n ||
	    again.next_id != ss.next_id)
		abort();
	silences_free(&again);
	silences_free(&ss);
	diag_free(&d);
	return 0;
}
