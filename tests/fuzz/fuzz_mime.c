/* SPDX-License-Identifier: ISC */
/*
 * fuzz_mime.c: the MIME builder (mail_build in daemon/mail/mail.c, the
 * headers of header.c) on arbitrary strings.  The input is split at NUL
 * bytes into subject, sender name, text, HTML, two recipients (used
 * when they are addresses mailconf.c would let through) and an image's
 * content id and file name; its first byte says which of HTML, sender
 * name and images are there.  A message is refused (logged) or
 * built as its comment promises: CRLF line ends only, no NUL, and no
 * line over 76 characters but for a header holding an address or a
 * Content-ID.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MI_FIELDS	8

/* Check the built message; abort on a broken one. */
static void
mi_check(const char *out, size_t len)
{
	const char	*p, *e = out + len, *line;

	if (strlen(out) != len)
		abort();	/* a NUL inside */
	for (line = p = out; p < e; p++) {
		if (*p == '\r' && (p + 1 == e || p[1] != '\n'))
			abort();	/* a bare CR */
		if (*p != '\n')
			continue;
		if (p == out || p[-1] != '\r')
			abort();	/* a bare LF */
		/* An overlong address or Content-ID cannot be folded. */
		if (p - 1 - line > 76 && memchr(line, '@', (size_t)(p - line))
		    == NULL && strncmp(line, "Content-ID: <", 13) != 0) {
			fprintf(stderr, "overlong line: %.*s\n",
			    (int)(p - line), line);
			abort();
		}
		line = p + 1;
	}
	if (line != e)
		abort();	/* the last line has no CRLF */
}

/*
 * 1 if s may stand as a recipient: mailconf.c lets only bare addresses
 * through (letters, digits and a few signs, one "@"), so the builder
 * never sees another.  A conservative subset of those.
 */
static int
mi_addr(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 n = strlen(s);

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') !=
	    NULL || n > 254)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789@.+_-") == n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static unsigned char	 png[] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0
	};
	const char		*f[MI_FIELDS];
	char			*buf, *p, *e, *to[2], *out = NULL;
	struct mail_head	 h;
	struct mail_msg		 m;
	struct mail_image	 img[2];
	size_t			 i, outlen;
	unsigned		 flags;

	log_init(0, 0);
	if (len < 1)
		return 0;
	flags = data[0];
	if ((buf = malloc(len + 1)) == NULL)
		return 0;
	memcpy(buf, data + 1, len - 1);
	buf[len - 1] = '\0';
	/* Fields past the last NUL are empty. */
	for (i = 0, p = buf, e = buf + len - 1; i < MI_FIELDS; i++) {
		f[i] = p;
		p += strlen(p);
		if (p < e)
			p++;
	}
	memset(&h, 0, sizeof(h));
	to[0] = (char *)(mi_addr(f[4]) ? f[4] : "a@example.org");
	to[1] = (char *)f[5];
	h.from = "regiomon@example.org";
	h.from_name = flags & 1 ? f[1] : NULL;
	h.to = to;
	h.nto = mi_addr(f[5]) ? 2 : 1;
	h.msgid = "<fuzz@example.org>";
	h.date = 1765000000;
	memset(&m, 0, sizeof(m));
	m.subject = (char *)f[0];
	m.text = (char *)f[2];
	m.html = flags & 2 ? (char *)f[3] : NULL;
	memset(img, 0, sizeof(img));
	for (i = 0; i < 2; i++) {
		img[i].cid = (char *)(i == 0 ? f[6] : "graph.1");
		img[i].filename = (char *)f[7];
		img[i].data = png;
		img[i].len = sizeof(png);
	}
	m.images = img;
	m.nimages = (flags >> 2) % 3;
	if (mail_build(&h, &m, &out, &outlen) == 0) {
		mi_check(out, outlen);
		free(out);
	}
	free(buf);
	return 0;
}
