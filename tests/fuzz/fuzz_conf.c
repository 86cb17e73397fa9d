/* SPDX-License-Identifier: ISC */
/*
 * fuzz_conf.c: setup_conf_buffer() and catalog_load() on arbitrary bytes.
 * A config either loads or yields at least one error; nothing may crash,
 * leak or read out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct diags	 d = { NULL, 0 };
	struct conf	*c;
	struct catalog	*cat;
	char		 path[] = "/tmp/fuzz-catalog-XXXXXX";
	char		*paths[1];
	int		 fd;

	log_init(0, 0);
	c = setup_conf_buffer((const char *)data, len, "fuzz.json", &d);
	if (c == NULL && d.n == 0)
		abort();
	conf_free(c);
	diag_free(&d);

	/* The same bytes as a catalog file. */
	if ((fd = mkstemp(path)) == -1)
		return 0;
	if (write(fd, data, len) == (ssize_t)len) {
		paths[0] = path;
		cat = catalog_load(paths, 1, NULL, &d);
		if (cat == NULL && d.n == 0)
			abort();
		catalog_free(cat);
		diag_free(&d);
	}
	close(fd);
	unlink(path);
	return 0;
}
