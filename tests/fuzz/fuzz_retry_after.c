/* SPDX-License-Identifier: ISC */
/*
 * fuzz_retry_after.c: http_retry_after_parse() (daemon/net/http.c) on
 * arbitrary header values: delta-seconds, the three HTTP-date forms and
 * anything else.  A value is read (a wait of 0 or more seconds) or
 * refused; nothing may crash or read past the string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "net/net.h"
#include "net/http_private.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	/* Now, the epoch and the last second curl_getdate() can give. */
	static const time_t	 nows[] = { 1765000000, 0, INT32_MAX };
	char			*s;
	long			 secs;
	size_t			 i;

	log_init(0, 0);
	/* A header value as curl hands it over: one string, no NUL in it. */
	if ((s = malloc(len + 1)) == NULL)
		return 0;
	memcpy(s, data, len);
	s[len] = '\0';
	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		secs = -1;
		if (http_retry_after_parse(s, nows[i], &secs) == 0 &&
		    secs < 0)
			abort();
	}
	free(s);
	return 0;
}
