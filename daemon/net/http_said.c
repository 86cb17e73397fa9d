/* SPDX-License-Identifier: ISC */
/*
 * http_said.c: what a server said when it refused: the text of an error
 * body, made fit for a one-line message.
 */
#include <stddef.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "net/http_private.h"

/*
 * The text of an error body for a message, in out: HTML tags dropped,
 * runs of blanks made one space, control bytes shown as '?' (the log
 * writer escapes what is not UTF-8), cut at outlen - 8 bytes with
 * "..." (http.c gives HTTP_ERR_BODY: `sources` shows a long API error
 * whole).  A body is the server's own
 * words on what went wrong (an OData error names the missing resource or
 * the limit that was hit), which "HTTP 404" alone drops.  The length.
 */
size_t
http_server_text(const char *body, size_t len, char *out, size_t outlen)
{
	size_t	 i, n = 0;
	int	 tag = 0, space = 0;
	char	 ch;

	if (outlen < 9) {
		if (outlen > 0)
			out[0] = '\0';
		return 0;
	}
	for (i = 0; i < len && body[i] != '\0'; i++) {
		ch = body[i];
		if (ch == '<') {
			tag = 1;
			continue;
		}
		if (tag) {
			if (ch == '>') {
				tag = 0;
				space = 1;
			}
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			space = 1;
			continue;
		}
		if (n + (space && n > 0) >= outlen - 8) {
			/* Not inside a UTF-8 sequence. */
			while (n > 0 && ((unsigned char)out[n - 1] & 0xc0) ==
			    0x80)
				n--;
			if (n > 0 && (unsigned char)out[n - 1] >= 0xc0)
				n--;
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		out[n++] = (unsigned char)ch < 0x20 || ch == 0x7f ? '?' : ch;
	}
	out[n] = '\0';
	return n;
}
