/* SPDX-License-Identifier: ISC */
/*
 * floor.c: the cost no implementation of the benchmark's job can avoid:
 * regiomon's own store_write() filling the same RRD files with the same
 * values, computed in memory (no fetching, no parsing, no spool), made
 * durable the way regiomon does, with one batch commit at the end.  The
 * values are those of tests/bench/cbsgen.py's value(), bit for bit.
 * With -p the files are written by regiomon's writer threads (writer.c,
 * one per core), as `regiomon run` writes them: the floor of a parallel
 * implementation.  Without, in this one thread.
 *
 *	floor [-p] STATE_DIR REGIONS [MEASURES [MONTHS]]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define FIRST_YEAR	2005

/* cbsgen.py's value(): the same integer steps and one IEEE addition. */
static double
cell(uint32_t r, uint32_t m, uint32_t t)
{
	uint32_t	 h;

	h = r * 2654435761u + m * 40503u + t * 2246822519u;
	h ^= h >> 15;
	h *= 2246822519u;
	h ^= h >> 13;
	if (h % 97 == 0)
		return NAN;
	return (double)(1000 + r + 100 * m) + (double)(h % 100) / 10.0;
}

static long
arg(const char *s, long max)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "floor: bad number \"%s\"\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct writer	*w = NULL;
	struct point	*pts;
	const long	*failed;
	char		 ind[ID_MAX], reg[ID_MAX];
	long		 nreg, nmeas = 10, nmon = 250, r, m, t;
	size_t		 files = 0;
	int		 changed, rc, par = 0;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		par = 1;
		argc--;
		argv++;
	}
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: floor [-p] STATE_DIR REGIONS [MEASURES "
		    "[MONTHS]]\n");
		return 2;
	}
	log_init(0, 0);
	nreg = arg(argv[2], 100000);
	if (argc > 3)
		nmeas = arg(argv[3], 99);
	if (argc > 4)
		nmon = arg(argv[4], 700);
	if (store_batch_begin(argv[1]) == -1)
		return 1;
	if (par && (w = writer_start(argv[1])) == NULL) {
		store_batch_abort();
		return 1;
	}
	for (m = 0; m < nmeas; m++) {
		snprintf(ind, sizeof(ind), "bench-m%02ld", m + 1);
		for (r = 0; r < nreg; r++) {
			snprintf(reg, sizeof(reg), "bench-r%04ld", r);
			pts = xcalloc((size_t)nmon, sizeof(*pts));
			for (t = 0; t < nmon; t++) {
				pts[t].period.year = FIRST_YEAR + (int)(t / 12);
				pts[t].period.freq = FREQ_MONTH;
				pts[t].period.index = (int)(t % 12) + 1;
				pts[t].value = cell((uint32_t)r, (uint32_t)m,
				    (uint32_t)t);
			}
			files++;
			if (w != NULL) {
				writer_put(w, (long)files, ind, reg, FREQ_MONTH,
				    pts, (size_t)nmon);
				continue;
			}
			rc = store_write(argv[1], ind, reg, FREQ_MONTH, pts,
			    (size_t)nmon, &changed);
			free(pts);
			if (rc == -1) {
				store_batch_abort();
				return 1;
			}
		}
	}
	if (w != NULL) {
		if (writer_wait(w, &failed) > 0) {
			writer_stop(w, 1);
			store_batch_abort();
			return 1;
		}
		writer_stop(w, 0);
	}
	if (store_batch_commit() == -1)
		return 1;
	printf("%ld cells, %zu files\n", nreg * nmeas * nmon, files);
	return 0;
}
