/* SPDX-License-Identifier: ISC */
/*
 * mail.c: turns a struct mail_msg into the bytes of an RFC 5322 message.
 * Header values are stripped of control characters and RFC 2047-encoded
 * when not plain ASCII; bodies are quoted-printable (text, HTML) or base64
 * (images); every line ends in CRLF.  No I/O: outbox.c stores what this
 * builds, smtp.c and maildir.c deliver it.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"

/*
 * RFC 2047 wants lines with encoded words to stay within 76 columns, and
 * RFC 2045 says the same of quoted-printable and base64 lines; headers
 * use the same limit so no line of a message is longer.
 */
#define LINE_LIM	76
#define EW_MAX		75	/* one encoded word, RFC 2047 section 2 */
#define EW_OVERHEAD	12	/* "=?UTF-8?Q?" and "?=" */
#define TOKEN_MAX	60	/* longer unbroken ASCII runs are encoded */
#define CID_MAX		200

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hexchars[] = "0123456789ABCDEF";

/* A growing byte buffer; after one failed allocation it stays failed. */
struct mbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

static void
mb_add(struct mbuf *b, const void *s, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (b->oom)
		return;
	if (n >= b->cap - b->len || b->p == NULL) {
		ncap = b->cap == 0 ? 4096 : b->cap;
		while (ncap - b->len <= n) {
			if (ncap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			ncap *= 2;
		}
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
mb_str(struct mbuf *b, const char *s)
{
	mb_add(b, s, strlen(s));
}

static void
mb_char(struct mbuf *b, char c)
{
	mb_add(b, &c, 1);
}

static void __attribute__((__format__ (printf, 2, 3)))
mb_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n == -1) {
		b->oom = 1;
		return;
	}
	mb_add(b, s, (size_t)n);
	free(s);
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * it is not one: overlong forms, surrogates and values past U+10FFFF are
 * refused, as a mail reader would show them as garbage anyway.
 */
static size_t
utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		 len, i;
	uint32_t	 c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/*
 * A header value made safe: every run of control characters (C0, DEL,
 * C1, and the Unicode line and paragraph separators) becomes one space,
 * invalid UTF-8 becomes U+FFFD, and leading and trailing spaces go.
 * Titles and region names come from config and sources, so this is what
 * keeps a "\r\nBcc: x@y" in one of them from becoming a header.  New,
 * caller frees; NULL when out of memory.
 */
char *
mail_header_clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct mbuf		 b;
	size_t			 n = strlen(s), i, len;
	uint32_t		 cp;
	int			 space = 0;

	memset(&b, 0, sizeof(b));
	mb_add(&b, "", 0);
	for (i = 0; i < n; i += len) {
		if ((len = utf8_len(p + i, n - i, &cp)) == 0) {
			len = 1;
			cp = 0xfffd;
		}
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
		    cp == 0x2028 || cp == 0x2029 || cp == ' ') {
			space = 1;
			continue;
		}
		if (space && b.len > 0)
			mb_char(&b, ' ');
		space = 0;
		if (cp == 0xfffd && len == 1)
			mb_str(&b, "\xef\xbf\xbd");
		else
			mb_add(&b, p + i, len);
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* 1 if c may stand for itself in a Q-encoded word, in any header. */
static int
q_literal(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

static size_t
q_len(const unsigned char *s, size_t n)
{
	size_t	 i, len = 0;

	for (i = 0; i < n; i++)
		len += q_literal(s[i]) || s[i] == ' ' ? 1 : 3;
	return len;
}

/*
 * Whether a clean value must go out as encoded words: any non-ASCII byte,
 * a "=?" that a reader would take for the start of one, or a run without
 * spaces too long to fold.
 */
static int
needs_encoding(const char *s)
{
	size_t	 run = 0;

	if (strstr(s, "=?") != NULL)
		return 1;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80)
			return 1;
		run = *s == ' ' ? 0 : run + 1;
		if (run > TOKEN_MAX)
			return 1;
	}
	return 0;
}

/*
 * Append s as RFC 2047 Q-encoded words, starting at column *col and
 * folding before a word that would pass LINE_LIM.  Words split only
 * between UTF-8 characters, and the folding white space between two
 * encoded words is not part of the text, so the value decodes back
 * exactly.
 */
static void
put_encoded(struct mbuf *b, const char *s, size_t *col)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, j, len, clen, room;
	uint32_t		 cp;

	while (i < n) {
		room = *col + EW_OVERHEAD < LINE_LIM ? LINE_LIM - *col : 0;
		if (room > EW_MAX)
			room = EW_MAX;
		if (room < EW_OVERHEAD)
			room = EW_OVERHEAD;
		room -= EW_OVERHEAD;
		/* Take whole characters while they fit. */
		for (j = i, len = 0; j < n; j += clen) {
			if ((clen = utf8_len(p + j, n - j, &cp)) == 0)
				clen = 1;
			if (len + q_len(p + j, clen) > room)
				break;
			len += q_len(p + j, clen);
		}
		/*
		 * Not even one character fits after the header name: start
		 * the words on the next line, where a whole word fits.
		 */
		if (j == i && *col > 1) {
			mb_str(b, "\r\n ");
			*col = 1;
			continue;
		}
		/* Cannot happen (a character takes at most 12); never loop. */
		if (j == i) {
			if ((clen = utf8_len(p + i, n - i, &cp)) == 0)
				clen = 1;
			j = i + clen;
			len = q_len(p + i, clen);
		}
		mb_str(b, "=?UTF-8?Q?");
		for (; i < j; i++) {
			if (q_literal(p[i]))
				mb_char(b, (char)p[i]);
			else if (p[i] == ' ')
				mb_char(b, '_');
			else {
				mb_char(b, '=');
				mb_char(b, hexchars[p[i] >> 4]);
				mb_char(b, hexchars[p[i] & 0xf]);
			}
		}
		mb_str(b, "?=");
		*col += len + EW_OVERHEAD;
		if (i < n) {
			mb_str(b, "\r\n ");
			*col = 1;
		}
	}
}

/*
 * Append ASCII text s, folding at its spaces: the space stays at the
 * start of the next line, so unfolding (removing the CRLF) gives back s.
 */
static void
put_folded(struct mbuf *b, const char *s, size_t *col, size_t start)
{
	const char	*seg, *end;
	size_t		 len;

	for (seg = s; *seg != '\0'; seg = end) {
		/* A segment is its leading spaces and the word after them. */
		for (end = seg; *end == ' '; end++)
			;
		for (; *end != '\0' && *end != ' '; end++)
			;
		len = (size_t)(end - seg);
		if (*col + len > LINE_LIM && *col > start && *seg == ' ') {
			mb_str(b, "\r\n");
			*col = 0;
		}
		mb_add(b, seg, len);
		*col += len;
	}
}

/* "Name: value" with value (already clean) encoded or folded; CRLF. */
static void
put_header(struct mbuf *b, const char *name, const char *value)
{
	size_t	 col = strlen(name) + 2;

	mb_str(b, name);
	mb_str(b, ": ");
	if (needs_encoding(value))
		put_encoded(b, value, &col);
	else
		put_folded(b, value, &col, col);
	mb_str(b, "\r\n");
}

/*
 * "From: name <addr>".  A plain ASCII name goes out as a quoted string,
 * anything else as encoded words (which a phrase may hold too, given the
 * restricted character set of q_literal).
 */
static void
put_from(struct mbuf *b, const char *name, const char *addr)
{
	size_t	 col = 6;

	mb_str(b, "From: ");
	if (name != NULL && *name != '\0') {
		if (needs_encoding(name) || strlen(name) > TOKEN_MAX)
			put_encoded(b, name, &col);
		else {
			mb_char(b, '"');
			for (; *name != '\0'; name++) {
				if (*name == '"' || *name == '\\')
					mb_char(b, '\\');
				mb_char(b, *name);
				col++;
			}
			mb_char(b, '"');
			col += 2;
		}
		if (col + strlen(addr) + 3 > LINE_LIM) {
			mb_str(b, "\r\n");
			col = 0;
		}
		mb_str(b, " ");
	}
	mb_printf(b, "<%s>\r\n", addr);
}

static void
put_to(struct mbuf *b, char *const *to, size_t nto)
{
	size_t	 i, col = 4;

	mb_str(b, "To:");
	for (i = 0; i < nto; i++) {
		if (col + strlen(to[i]) + 2 > LINE_LIM && i > 0) {
			mb_str(b, "\r\n");
			col = 0;
		}
		mb_printf(b, " %s%s", to[i], i + 1 < nto ? "," : "");
		col += strlen(to[i]) + 2;
	}
	mb_str(b, "\r\n");
}

/*
 * RFC 5322 date in local time with its UTC offset; the names are spelt
 * out here because strftime's follow the locale.
 */
static void
put_date(struct mbuf *b, time_t t)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
	};
	struct tm	 tm;
	long		 off;

	if (localtime_r(&t, &tm) == NULL) {
		gmtime_r(&t, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff / 60;
	mb_printf(b, "Date: %s, %d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

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
			mb_str(b, "\r\n");
			col = 0;
			continue;
		}
		lit = qp_literal(s, n, i, col);
		len = lit ? 1 : 3;
		/* One column stays free for the "=" of a soft break. */
		if (col + len > LINE_LIM - 1) {
			mb_str(b, "=\r\n");
			col = 0;
			lit = qp_literal(s, n, i, col);
			len = lit ? 1 : 3;
		}
		if (lit)
			mb_char(b, (char)s[i]);
		else {
			mb_char(b, '=');
			mb_char(b, hexchars[s[i] >> 4]);
			mb_char(b, hexchars[s[i] & 0xf]);
		}
		col += len;
	}
	if (col > 0)
		mb_str(b, "=\r\n");
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
		mb_add(b, q, 4);
		col += 4;
		if (col >= LINE_LIM) {
			mb_str(b, "\r\n");
			col = 0;
		}
	}
	if (col > 0)
		mb_str(b, "\r\n");
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
		buf[o++] = hexchars[r[i] >> 4];
		buf[o++] = hexchars[r[i] & 0xf];
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

/* filename reduced to [A-Za-z0-9._-]; a fallback when nothing is left. */
static void
put_filename(struct mbuf *b, const char *name, size_t idx)
{
	size_t	 n = 0;

	mb_char(b, '"');
	for (; name != NULL && *name != '\0' && n < 100; name++, n++) {
		if ((*name >= 'a' && *name <= 'z') ||
		    (*name >= 'A' && *name <= 'Z') ||
		    (*name >= '0' && *name <= '9') ||
		    *name == '.' || *name == '-' || *name == '_')
			mb_char(b, *name);
		else
			mb_char(b, '_');
	}
	if (n == 0)
		mb_printf(b, "image%zu.png", idx + 1);
	mb_char(b, '"');
}

static void
put_qp_part(struct mbuf *b, const char *type, const char *text)
{
	mb_printf(b, "Content-Type: %s; charset=utf-8\r\n"
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
	mb_printf(b, "Content-Type: multipart/related;\r\n"
	    " boundary=\"%s\"; type=\"text/html\"\r\n\r\n", bnd);
	mb_printf(b, "--%s\r\n", bnd);
	put_qp_part(b, "text/html", m->html);
	for (i = 0; i < m->nimages; i++) {
		img = &m->images[i];
		mb_printf(b, "\r\n--%s\r\nContent-Type: image/png; name=", bnd);
		put_filename(b, img->filename, i);
		mb_printf(b, "\r\nContent-Transfer-Encoding: base64\r\n"
		    "Content-ID: <%s>\r\n"
		    "Content-Disposition: inline; filename=", img->cid);
		put_filename(b, img->filename, i);
		mb_str(b, "\r\n\r\n");
		put_base64(b, img->data, img->len);
	}
	mb_printf(b, "\r\n--%s--\r\n", bnd);
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
 * only, no line longer than 76 characters but for an overlong address.
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
	put_from(&b, from_name, h->from);
	put_to(&b, h->to, h->nto);
	put_header(&b, "Subject", *subject != '\0' ? subject :
	    "(no subject)");
	put_date(&b, h->date);
	mb_printf(&b, "Message-ID: %s\r\n", h->msgid);
	mb_str(&b, "MIME-Version: 1.0\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "User-Agent: regiomon/" REGIOMON_VERSION "\r\n");
	if (m->html == NULL) {
		put_qp_part(&b, "text/plain", text);
	} else {
		if (new_boundary(bnd, sizeof(bnd)) == -1) {
			log_warn("mail: getrandom");
			goto fail;
		}
		mb_printf(&b, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n--%s\r\n", bnd, bnd);
		put_qp_part(&b, "text/plain", text);
		mb_printf(&b, "\r\n--%s\r\n", bnd);
		if (put_html(&b, m) == -1) {
			log_warn("mail: getrandom");
			goto fail;
		}
		mb_printf(&b, "\r\n--%s--\r\n", bnd);
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
