/* SPDX-License-Identifier: ISC */
/*
 * rebuild_loop: rewrite the series crash/test (300 months from 2002-01)
 * alternately with value set A (i + 0.25) and set B (i + 0.75), so that
 * every store_write is a full rebuild.  tests/integration/
 * test_store_crash.py kills it at random moments and checks that the file
 * always holds all of A or all of B.  Prints nothing; exits 1 on error.
 *
 * usage: rebuild_loop STATE_DIR [ITERATIONS]   (default: forever)
 */
#include <stdio.h>
#include <stdlib.h>

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

#define NPOINTS	300

static int
write_set(const char *dir, double offset)
{
	struct point	 pts[NPOINTS];
	struct period	 p;
	size_t		 i;
	int		 changed;

	p.year = 2002;
	p.freq = FREQ_MONTH;
	p.index = 1;
	for (i = 0; i < NPOINTS; i++) {
		pts[i].period = p;
		pts[i].value = (double)i + offset;
		period_next(&p, &p);
	}
	if (store_write(dir, "crash", "test", FREQ_MONTH, pts, NPOINTS,
	    &changed) == -1)
		return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	long	 n = -1, i;
	char	*end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: rebuild_loop STATE_DIR [ITERATIONS]\n");
		return 2;
	}
	if (argc == 3) {
		n = strtol(argv[2], &end, 10);
		if (*argv[2] == '\0' || *end != '\0' || n < 0) {
			fprintf(stderr, "rebuild_loop: bad count %s\n",
			    argv[2]);
			return 2;
		}
	}
	log_init(0, 0);
	for (i = 0; n < 0 || i < n; i++)
		if (write_set(argv[1], i % 2 == 0 ? 0.25 : 0.75) == -1)
			return 1;
	return 0;
}
