/* SPDX-License-Identifier: ISC */
/*
 * mail/mail_private.h: what the message builder (mail.c), its headers
 * (header.c), their byte buffer (mbuf.c) and the outbox (outbox.c,
 * flush.c) share.  Private to mail/.
 */
#ifndef REGIOMON_MAIL_PRIVATE_H
#define REGIOMON_MAIL_PRIVATE_H

#include <stddef.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"

/*
 * RFC 2047 wants lines with encoded words to stay within 76 columns, and
 * RFC 2045 says the same of quoted-printable and base64 lines; headers
 * use the same limit so no line of a message is longer.
 */
#define LINE_LIM	76

/* Upper-case hex digits, as quoted-printable and encoded words write. */
#define HEXCHARS	"0123456789ABCDEF"

/* A growing byte buffer; after one failed allocation it stays failed. */
struct mbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

/* mbuf.c */
void	mbuf_add(struct mbuf *, const void *, size_t);
void	mbuf_str(struct mbuf *, const char *);
void	mbuf_char(struct mbuf *, char);
void	mbuf_printf(struct mbuf *, const char *, ...)
	    __attribute__((__format__ (printf, 2, 3)));

/* header.c */
void	header_put(struct mbuf *, const struct mail_head *, const char *,
	    const char *);

/* outbox.c */
char	*outbox_dir(const struct conf *);
char	*outbox_path(const char *, const char *, const char *);
json_t	*outbox_retry_load(const char *, const char *);

#endif /* REGIOMON_MAIL_PRIVATE_H */
