/* SPDX-License-Identifier: ISC */
/*
 * fuzz_csv.c: the CSV reader and number parser the csv and uwv plugins
 * share, on arbitrary bytes with each separator.
 */
#include <stdint.h>
#include <stdlib.h>

#include "csvparse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const char seps[] = ";,\t";
	struct csv	 c;
	double		 v;
	size_t		 i, k;

	for (k = 0; k < sizeof(seps) - 1; k++) {
		csv_init(&c, (const char *)data, len, seps[k]);
		while (csv_next(&c) == 1) {
			for (i = 0; i < csv_nfields(&c); i++) {
				csv_number(csv_field(&c, i), ',', &v);
				csv_number(csv_field(&c, i), '.', &v);
			}
		}
		csv_fini(&c);
	}
	return 0;
}
