/* SPDX-License-Identifier: ISC */
/*
 * mail.c: turns a struct mail_msg into the bytes of an RFC 5322 message.
 * The header lines are header.c's; bodies are quoted-printable (text,
 * HTML) or base64 (images); every line ends in CRLF.  No I/O: outbox.c
 * stores what this builds, smtp.c and maildir.c deliver it.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "mail/mail_private.h"

#define CID_MAX		200
#define FILENAME_SHOWN	60

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Whether the byte at s[i] may stand for itself in quoted-printable at
 * column col: printable ASCII but "=", spaces not at the end of a line,
 * and neither a "." nor the "F" of "From " at the start of a line (SMTP
 * and mbox treat those specially; encoding them costs nothing).
 */
static int
qp_literal(const unsigned char *s, size_t n, size_t i, size_t col)
{
	unsigned char	 c = s[i];

	if (c == ' ' || c == '\t')
		return i + 1 < n && s[i + 1] != '\n' &&
		    !(s[i + 1] == '\r' && i + 2 < n && s[i + 2] == '\n');
	if (c < 33 || c > 126 || c == '=')
		return 0;
	if (col == 0 && c == '.')
		return 0;
	if (col == 0 && c == 'F' && n - i >= 5 &&
	    memcmp(s + i, "From ", 5) == 0)
		return 0;
	return 1;
}

/*
 * Append n bytes of text as quoted-printable (RFC 2045 6.7): "\n" and
 * "\r\n" become CRLF hard breaks, other bytes that are not printable
 * ASCII become =XX, and soft breaks keep every line within LINE_LIM.
 * Ends with a soft break when the text does not end in a newline, so the
 * part decodes back to exactly the text given.
 */
static void
put_qp(struct mbuf *b, const char *text, size_t n)
{
	const unsigned char	*s = (const unsigned char *)text;
	size_t			 i, col = 0, len;
	int			 lit;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' ||
		    (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
			if (s[i] == '\r')
				i++;
			mbuf_str(b, "\r\n");
			col = 0;
			continue;
		}
		lit = qp_literal(s, n, i, col);
		len = lit ? 1 : 3;
		/* One column stays free for the "=" of a soft break. */
		if (col + len > LINE_LIM - 1) {
			mbuf_str(b, "=\r\n");
			col = 0;
			lit = qp_literal(s, n, i, col);
			len = lit ? 1 : 3;
		}
		if (lit)
			mbuf_char(b, (char)s[i]);
		else {
			mbuf_char(b, '=');
			mbuf_char(b, HEXCHARS[s[i] >> 4]);
			mbuf_char(b, HEXCHARS[s[i] & 0xf]);
		}
		col += len;
	}
	if (col > 0)
		mbuf_str(b, "=\r\n");
}

/* Append n bytes as base64 in lines of LINE_LIM characters, each CRLF. */
static void
put_base64(struct mbuf *b, const unsigned char *s, size_t n)
{
	size_t		 i, col = 0;
	uint32_t	 v;
	char		 q[4];

	for (i = 0; i < n; i += 3) {
		v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64chars[(v >> 18) & 0x3f];
		q[1] = b64chars[(v >> 12) & 0x3f];
		q[2] = i + 1 < n ? b64chars[(v >> 6) & 0x3f] : '=';
		q[3] = i + 2 < n ? b64chars[v & 0x3f] : '=';
		mbuf_add(b, q, 4);
		col += 4;
		if (col >= LINE_LIM) {
			mbuf_str(b, "\r\n");
			col = 0;
		}
	}
	if (col > 0)
		mbuf_str(b, "\r\n");
}

/*
 * A boundary no encoded body can contain: quoted-printable writes every
 * "=" as "=3D" or a soft break, and base64 has no "_", so "=_" never
 * occurs in a part.  The random part tells nested boundaries apart.
 */
static int
new_boundary(char *buf, size_t size)
{
	unsigned char	 r[12];
	size_t		 i, o;

	if (size < 5 + 2 * sizeof(r) + 1 || mail_random(r, sizeof(r)) == -1)
		return -1;
	memcpy(buf, "=_rm_", 5);
	o = 5;
	for (i = 0; i < sizeof(r); i++) {
		buf[o++] = HEXCHARS[r[i] >> 4];
		buf[o++] = HEXCHARS[r[i] & 0xf];
	}
	buf[o] = '\0';
	return 0;
}

/*
 * 1 if a Content-ID is safe to put between "<" and ">" and to reference
 * as "cid:..." from HTML without any escaping.
 */
static int
cid_valid(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++, n++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		    *s == '_' || *s == '@' || *s == '+')
			continue;
		return 0;
	}
	return n > 0 && n <= CID_MAX;
}

/*
 * filename reduced to [A-Za-z0-9._-] and FILENAME_SHOWN bytes, so that
 * ' filename="..."' fits a 76-column line; a fallback when nothing is
 * left.
 */
static void
put_filename(struct mbuf *b, const char *name, size_t idx)
{
	size_t	 n = 0;

	mbuf_char(b, '"');
	for (; name != NULL && *name != '\0' && n < FILENAME_SHOWN; name++,
	    n++) {
		if ((*name >= 'a' && *name <= 'z') ||
		    (*name >= 'A' && *name <= 'Z') ||
		    (*name >= '0' && *name <= '9') ||
		    *name == '.' || *name == '-' || *name == '_')
			mbuf_char(b, *name);
		else
			mbuf_char(b, '_');
	}
	if (n == 0)
		mbuf_printf(b, "image%zu.png", idx + 1);
	mbuf_char(b, '"');
}

static void
put_qp_part(struct mbuf *b, const char *type, const char *text)
{
	mbuf_printf(b, "Content-Type: %s; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n", type);
	put_qp(b, text, strlen(text));
}

/*
 * The HTML part and its images as multipart/related, or the bare HTML
 * part when there are no images.
 */
static int
put_html(struct mbuf *b, const struct mail_msg *m)
{
	const struct mail_image	*img;
	char			 bnd[64];
	size_t			 i;

	if (m->nimages == 0) {
		put_qp_part(b, "text/html", m->html);
		return 0;
	}
	if (new_boundary(bnd, sizeof(bnd)) == -1)
		return -1;
	mbuf_printf(b, "Content-Type: multipart/related;\r\n"
	    " boundary=\"%s\"; type=\"text/html\"\r\n\r\n", bnd);
	mbuf_printf(b, "--%s\r\n", bnd);
	put_qp_part(b, "text/html", m->html);
	for (i = 0; i < m->nimages; i++) {
		img = &m->images[i];
		/* The file names folded onto lines of their own. */
		mbuf_printf(b, "\r\n--%s\r\nContent-Type: image/png;\r\n"
		    " name=", bnd);
		put_filename(b, img->filename, i);
		mbuf_printf(b, "\r\nContent-Transfer-Encoding: base64\r\n"
		    "Content-ID: <%s>\r\n"
		    "Content-Disposition: inline;\r\n filename=", img->cid);
		put_filename(b, img->filename, i);
		mbuf_str(b, "\r\n\r\n");
		put_base64(b, img->data, img->len);
	}
	mbuf_printf(b, "\r\n--%s--\r\n", bnd);
	return 0;
}

/* Refuse what would make a broken message, with the reason logged. */
static int
msg_check(const struct mail_msg *m)
{
	static const unsigned char png[8] = {
		0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
	};
	const struct mail_image	*img;
	char			 q[128];
	size_t			 i, j;

	if (m->nimages > 0 && m->html == NULL) {
		log_warnx("mail: %zu inline images but no HTML part to show "
		    "them", m->nimages);
		return -1;
	}
	for (i = 0; i < m->nimages; i++) {
		img = &m->images[i];
		if (img->cid == NULL || !cid_valid(img->cid)) {
			log_warnx("mail: image %zu: content id %s is not "
			    "1-%d characters of A-Z a-z 0-9 . - _ @ +", i + 1,
			    conf_quote(img->cid != NULL ? img->cid : "", q,
			    sizeof(q)), CID_MAX);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (strcmp(m->images[j].cid, img->cid) == 0) {
				log_warnx("mail: images %zu and %zu have the "
				    "same content id \"%s\"", j + 1, i + 1,
				    img->cid);
				return -1;
			}
		}
		if (img->data == NULL || img->len < sizeof(png) ||
		    memcmp(img->data, png, sizeof(png)) != 0) {
			log_warnx("mail: image %zu (%s) is not a PNG", i + 1,
			    img->cid);
			return -1;
		}
	}
	return 0;
}

/*
 * Build the message h and m describe.  On success *out is new (caller
 * frees), NUL-terminated, and *outlen its length in bytes: CRLF line ends
 * only, no line longer than 76 characters but for an overlong address or
 * Content-ID (a message id cannot be folded; an image's cid may have
 * CID_MAX characters).
 * Returns 0, or -1 (logged) for a message that cannot be built.
 */
int
mail_build(const struct mail_head *h, const struct mail_msg *m, char **out,
    size_t *outlen)
{
	struct mbuf	 b;
	char		*subject = NULL, *from_name = NULL, bnd[64];
	const char	*text = m->text != NULL ? m->text : "";

	if (msg_check(m) == -1)
		return -1;
	memset(&b, 0, sizeof(b));
	if ((subject = mail_header_clean(m->subject != NULL ? m->subject :
	    "")) == NULL || (h->from_name != NULL && (from_name =
	    mail_header_clean(h->from_name)) == NULL))
		goto oom;
	header_put(&b, h, from_name, subject);
	mbuf_printf(&b, "Message-ID: %s\r\n", h->msgid);
	mbuf_str(&b, "MIME-Version: 1.0\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "User-Agent: regiomon/" REGIOMON_VERSION "\r\n");
	if (m->html == NULL) {
		put_qp_part(&b, "text/plain", text);
	} else {
		if (new_boundary(bnd, sizeof(bnd)) == -1) {
			log_warn("mail: getrandom");
			goto fail;
		}
		mbuf_printf(&b, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n--%s\r\n", bnd, bnd);
		put_qp_part(&b, "text/plain", text);
		mbuf_printf(&b, "\r\n--%s\r\n", bnd);
		if (put_html(&b, m) == -1) {
			log_warn("mail: getrandom");
			goto fail;
		}
		mbuf_printf(&b, "\r\n--%s--\r\n", bnd);
	}
	if (b.oom)
		goto oom;
	free(subject);
	free(from_name);
	*out = b.p;
	*outlen = b.len;
	return 0;
oom:
	log_warnx("mail: out of memory building the message");
fail:
	free(subject);
	free(from_name);
	free(b.p);
	return -1;
}

/* Fill buf with n random bytes.  0, or -1 with errno set. */
int
mail_random(void *buf, size_t n)
{
	unsigned char	*p = buf;
	ssize_t		 r;

	while (n > 0) {
		if ((r = getrandom(p, n, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * This machine's name as it may appear in a Message-ID or a default
 * address: letters, digits, "-" and "." only, "localhost" if nothing is
 * left.
 */
void
mail_hostname(char *buf, size_t size)
{
	char	 name[256];
	size_t	 i, o = 0;

	if (gethostname(name, sizeof(name)) == -1)
		name[0] = '\0';
	name[sizeof(name) - 1] = '\0';
	for (i = 0; name[i] != '\0' && o + 1 < size; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.')
			buf[o++] = c;
	}
	if (o == 0)
		o = strlcpy(buf, "localhost", size);
	if (size > 0)
		buf[o < size ? o : size - 1] = '\0';
}
