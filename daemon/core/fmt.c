/* SPDX-License-Identifier: ISC */
/*
 * fmt.c: numbers as text: for data, the fewest digits that read back as
 * the same double; for people, rounded to a few significant digits with
 * trailing zeros cut.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/*
 * Format v with the fewest digits that read back as the same double, so
 * 4.4 prints as "4.4", not "4.4000000000000004", and nothing is lost.
 */
void
fmt_double(char *buf, size_t size, double v)
{
	int	 prec;

	for (prec = 15; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, size, "%.17g", v);
}

/*
 * Decimals to show v with in text for people: those of its shortest
 * exact notation (the figures are decimal: 4.4 has one), but at most
 * maxdec and at most as many as leave FMT_HUMAN_SIG significant digits, so
 * a derived 37.60022227514487 shows as 37.6002 and 1234.56789 as 1234.57.
 */
int
fmt_human_decimals(double v, int maxdec)
{
	char		 buf[400];
	const char	*dot;
	int		 d, intdigits;

	if (!isfinite(v))
		return 0;
	fmt_double(buf, sizeof(buf), v);
	if (strchr(buf, 'e') != NULL)
		d = maxdec;
	else if ((dot = strchr(buf, '.')) == NULL)
		d = 0;
	else
		d = (int)strlen(dot + 1);
	if (d > maxdec)
		d = maxdec;
	/* Digits before the point: "%.0f" of 0.3 is "0", which has none. */
	snprintf(buf, sizeof(buf), "%.0f", fabs(v));
	intdigits = strcmp(buf, "0") == 0 ? 0 : (int)strlen(buf);
	if (d > FMT_HUMAN_SIG - intdigits)
		d = FMT_HUMAN_SIG - intdigits;
	return d < 0 ? 0 : d;
}

/*
 * v as people read it: fmt_human_decimals(v, maxdec) decimals, trailing
 * zeros cut ("37.6", never "37.6000"), "." as the decimal point, never
 * "-0", "-" for a NaN or an infinity.  Text only: the digits cut are
 * gone, so data (JSON, RRD files, the state) keeps fmt_double().
 * label_num() writes the same digits the way a language writes them.
 */
void
fmt_human(char *buf, size_t size, double v, int maxdec)
{
	size_t	 n;

	if (size == 0)
		return;
	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%.*f", fmt_human_decimals(v, maxdec), v);
	if (strchr(buf, '.') != NULL) {
		n = strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '.')
			buf[--n] = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, size, "0");
}
