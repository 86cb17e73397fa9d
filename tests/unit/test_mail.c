/* SPDX-License-Identifier: ISC */
/*
 * test_mail.c: the message encoder (mail.c, included to reach its static
 * helpers) checked by decoding what it writes: RFC 2047 subjects and
 * names, quoted-printable and base64 bodies with their line limits, header
 * sanitising, CRLF-only output and boundaries; then the mail config
 * checker and the SMTP URL and password-file rules.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../daemon/mail/mail.c"

#define SUBJECT_NL \
	"Werkloosheid S\xc3\xba" "dwest-Frysl\xc3\xa2n \xe2\x86\x91"

static const unsigned char png1[] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H',
	'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0
};

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode quoted-printable with CRLF hard breaks; fails on bad input. */
static char *
qp_decode(const char *s, size_t n)
{
	char	*out = calloc(1, n + 1);
	size_t	 i, o = 0;

	assert_non_null(out);
	for (i = 0; i < n; i++) {
		if (s[i] == '=' && i + 2 < n + 1 && s[i + 1] == '\r') {
			assert_true(i + 2 < n && s[i + 2] == '\n');
			i += 2;
		} else if (s[i] == '=') {
			assert_true(i + 2 < n);
			assert_true(hexval(s[i + 1]) >= 0);
			assert_true(hexval(s[i + 2]) >= 0);
			out[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '\r') {
			assert_true(i + 1 < n && s[i + 1] == '\n');
			out[o++] = '\n';
			i++;
		} else {
			assert_true(s[i] != '\n');
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Every line of s (CRLF-separated) is at most max characters. */
static void
assert_lines_within(const char *s, size_t n, size_t max)
{
	size_t	 i, col = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			assert_true(i + 1 < n && s[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(s[i] != '\n');
		col++;
		if (col > max)
			fail_msg("line longer than %zu: %.*s", max, (int)col,
			    s + i + 1 - col);
	}
}

/* 1 if every CR is followed by LF and every LF preceded by CR. */
static int
crlf_only(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
			return 0;
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return 0;
	}
	return 1;
}

static char *
qp(const char *text)
{
	struct mbuf	 b;

	memset(&b, 0, sizeof(b));
	mbuf_add(&b, "", 0);
	put_qp(&b, text, strlen(text));
	assert_false(b.oom);
	return b.p;
}

/* text encodes and decodes to expect (NULL: to text itself). */
static void
qp_roundtrip(const char *text, const char *expect)
{
	char	*enc = qp(text), *dec;

	assert_lines_within(enc, strlen(enc), 76);
	assert_true(crlf_only(enc, strlen(enc)));
	dec = qp_decode(enc, strlen(enc));
	assert_string_equal(dec, expect != NULL ? expect : text);
	free(dec);
	free(enc);
}

static void
test_qp(void **state)
{
	char	 longline[400], *enc;
	size_t	 i;

	(void)state;
	qp_roundtrip("", NULL);
	qp_roundtrip("plain text\n", NULL);
	qp_roundtrip("no newline at the end", NULL);
	qp_roundtrip("a = b, 100% =?UTF-8?Q?x?=\n", NULL);
	qp_roundtrip("trailing space \nand tab\t\nend ", NULL);
	qp_roundtrip("Súdwest-Fryslân ↑ €\n", NULL);
	/* A lone CR is data; CRLF, like LF, is a line break. */
	qp_roundtrip("bare\rcr and crlf\r\nline\n",
	    "bare\rcr and crlf\nline\n");
	qp_roundtrip(".starts with a dot\nFrom the start\n", NULL);
	for (i = 0; i < sizeof(longline) - 1; i++)
		longline[i] = i % 7 == 0 ? '=' : (char)('a' + i % 26);
	longline[sizeof(longline) - 1] = '\0';
	qp_roundtrip(longline, NULL);
	/* Soft breaks end in "=" and lines stay within 76. */
	enc = qp(longline);
	assert_non_null(strstr(enc, "=\r\n"));
	free(enc);
	/* Encoded where SMTP or mbox would read it specially. */
	enc = qp(".x\nFrom y\n");
	assert_string_equal(enc, "=2Ex\r\n=46rom y\r\n");
	free(enc);
	/* Whitespace before a line break is encoded, not left to be cut. */
	enc = qp("a \nb\t\n");
	assert_string_equal(enc, "a=20\r\nb=09\r\n");
	free(enc);
}

static void
test_base64(void **state)
{
	static const char *b64 =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char	 data[300], dec[300];
	struct mbuf	 b;
	size_t		 n, i, o, line;
	uint32_t	 v;
	int		 k;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n <= sizeof(data); n += 1) {
		memset(&b, 0, sizeof(b));
		mbuf_add(&b, "", 0);
		put_base64(&b, data, n);
		assert_false(b.oom);
		assert_true(crlf_only(b.p, b.len));
		assert_lines_within(b.p, b.len, 76);
		/* Every line but the last is exactly 76 characters. */
		for (i = 0, line = 0; i < b.len; i++) {
			if (b.p[i] == '\r') {
				if (i + 2 < b.len)
					assert_int_equal(line, 76);
				line = 0;
				i++;
			} else
				line++;
		}
		for (i = 0, o = 0, v = 0, k = 0; i < b.len; i++) {
			const char *p = strchr(b64, b.p[i]);

			if (b.p[i] == '\r' || b.p[i] == '\n' || b.p[i] == '=')
				continue;
			assert_non_null(p);
			v = v << 6 | (uint32_t)(p - b64);
			if (++k == 4) {
				dec[o++] = (unsigned char)(v >> 16);
				dec[o++] = (unsigned char)(v >> 8);
				dec[o++] = (unsigned char)v;
				v = 0;
				k = 0;
			}
		}
		if (k == 2)
			dec[o++] = (unsigned char)(v >> 4);
		else if (k == 3) {
			dec[o++] = (unsigned char)(v >> 10);
			dec[o++] = (unsigned char)(v >> 2);
		}
		assert_int_equal(o, n);
		assert_memory_equal(dec, data, n);
		free(b.p);
	}
}

static void
test_header_clean(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "Subject\r\nBcc: x@y", "Subject Bcc: x@y" },
		{ "\r\nBcc: x@y\r\n", "Bcc: x@y" },
		{ "a\nb\rc\td\x7f" "e\x01" "f", "a b c d e f" },
		{ "  lots   of\t\tspace  ", "lots of space" },
		/* NEL (C1), U+2028 and U+2029 are line breaks too. */
		{ "x\xc2\x85y\xe2\x80\xa8z\xe2\x80\xa9w", "x y z w" },
		/* Invalid UTF-8 becomes U+FFFD; valid stays. */
		{ "bad\xff\xfe!", "bad\xef\xbf\xbd\xef\xbf\xbd!" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "Frysl\xc3\xa2n \xe2\x86\x91",
		    "Frysl\xc3\xa2n \xe2\x86\x91" },
		{ "", "" },
	};
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(s = mail_header_clean(cases[i].in));
		assert_string_equal(s, cases[i].out);
		free(s);
	}
}

/*
 * Decode an unfolded header value: encoded words (Q or B not needed, we
 * only write Q) with the white space between adjacent words dropped.
 */
static char *
header_decode(const char *v)
{
	char		*out = calloc(1, strlen(v) * 3 + 1);
	const char	*p = v, *end, *ws;
	size_t		 o = 0;
	int		 prev_ew = 0;

	assert_non_null(out);
	while (*p != '\0') {
		if (strncmp(p, "=?UTF-8?Q?", 10) == 0) {
			p += 10;
			assert_non_null(end = strstr(p, "?="));
			for (; p < end; p++) {
				if (*p == '_')
					out[o++] = ' ';
				else if (*p == '=') {
					out[o++] = (char)(hexval(p[1]) * 16 +
					    hexval(p[2]));
					p += 2;
				} else
					out[o++] = *p;
			}
			p = end + 2;
			prev_ew = 1;
			continue;
		}
		for (ws = p; *ws == ' '; ws++)
			;
		if (prev_ew && ws != p && strncmp(ws, "=?UTF-8?Q?", 10) == 0) {
			p = ws;
			continue;
		}
		prev_ew = 0;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return out;
}

/* The value of header name in msg, unfolded; new. */
static char *
header_value(const char *msg, const char *name, size_t *nlines)
{
	char		 key[64], *out;
	const char	*p, *e;
	size_t		 o = 0;

	snprintf(key, sizeof(key), "%s: ", name);
	if (strncmp(msg, key, strlen(key)) == 0)
		p = msg;
	else {
		snprintf(key, sizeof(key), "\r\n%s: ", name);
		assert_non_null(p = strstr(msg, key));
		p += 2;
		snprintf(key, sizeof(key), "%s: ", name);
	}
	p += strlen(key);
	out = calloc(1, strlen(p) + 1);
	assert_non_null(out);
	*nlines = 1;
	for (;;) {
		assert_non_null(e = strstr(p, "\r\n"));
		memcpy(out + o, p, (size_t)(e - p));
		o += (size_t)(e - p);
		p = e + 2;
		if (*p != ' ' && *p != '\t')
			break;
		(*nlines)++;
	}
	out[o] = '\0';
	return out;
}

static char *
build(const char *subject, const char *name, const char *text,
    const char *html, struct mail_image *imgs, size_t nimgs, size_t *len)
{
	static char *const	 to[] = { "a@example.org", "b@example.org" };
	struct mail_head	 h;
	struct mail_msg		 m;
	char			*out = NULL;

	memset(&h, 0, sizeof(h));
	h.from = "regiomon@example.org";
	h.from_name = name;
	h.to = to;
	h.nto = 2;
	h.msgid = "<1.2.3@example.org>";
	h.date = 1700000000;
	memset(&m, 0, sizeof(m));
	m.subject = (char *)subject;
	m.text = (char *)text;
	m.html = (char *)html;
	m.images = imgs;
	m.nimages = nimgs;
	if (mail_build(&h, &m, &out, len) == -1)
		return NULL;
	return out;
}

static void
check_subject(const char *subject, const char *expect)
{
	char	*msg, *v, *dec, *head;
	size_t	 len, lines;

	assert_non_null(msg = build(subject, NULL, "x\n", NULL, NULL, 0,
	    &len));
	assert_true(crlf_only(msg, len));
	/* Within the headers, every line stays within 76 columns. */
	head = strndup(msg, (size_t)(strstr(msg, "\r\n\r\n") - msg) + 2);
	assert_lines_within(head, strlen(head), 76);
	v = header_value(msg, "Subject", &lines);
	dec = header_decode(v);
	assert_string_equal(dec, expect);
	free(dec);
	free(v);
	free(head);
	free(msg);
}

static void
test_subject(void **state)
{
	char	 longs[600], *msg, *v;
	size_t	 i, len, lines;

	(void)state;
	check_subject(SUBJECT_NL, SUBJECT_NL);
	check_subject("plain ascii", "plain ascii");
	check_subject("Title\r\nBcc: x@y", "Title Bcc: x@y");
	check_subject("", "(no subject)");
	check_subject("looks =?UTF-8?Q?encoded?= but is not",
	    "looks =?UTF-8?Q?encoded?= but is not");
	/* Long non-ASCII: many encoded words, no character split. */
	for (i = 0, len = 0; i < 40; i++)
		len += (size_t)snprintf(longs + len, sizeof(longs) - len,
		    "%s\xc3\xa2\xe2\x86\x91%zu", i > 0 ? " " : "", i);
	check_subject(longs, longs);
	/* A long ASCII subject folds at spaces and unfolds back. */
	for (i = 0; i < 300; i++)
		longs[i] = i % 9 == 8 ? ' ' : 'a' + (char)(i % 26);
	longs[300] = '\0';
	assert_non_null(msg = build(longs, NULL, "", NULL, NULL, 0, &len));
	v = header_value(msg, "Subject", &lines);
	assert_true(lines > 3);
	assert_string_equal(v, longs);
	assert_null(strstr(v, "=?"));
	free(v);
	free(msg);
	/* An injected header never becomes a header line. */
	assert_non_null(msg = build("x\r\nBcc: evil@example.org", NULL, "",
	    NULL, NULL, 0, &len));
	assert_null(strstr(msg, "\r\nBcc:"));
	free(msg);
}

static void
test_from(void **state)
{
	char	*msg, *v, *dec, *head;
	size_t	 len, lines;

	(void)state;
	assert_non_null(msg = build("s", "Regiomon \"GA\" \\ bot", "", NULL,
	    NULL, 0, &len));
	v = header_value(msg, "From", &lines);
	assert_string_equal(v,
	    "\"Regiomon \\\"GA\\\" \\\\ bot\" <regiomon@example.org>");
	free(v);
	free(msg);

	assert_non_null(msg = build("s", "Regio\r\nBcc: x@y", "", NULL, NULL,
	    0, &len));
	assert_null(strstr(msg, "\r\nBcc:"));
	v = header_value(msg, "From", &lines);
	assert_string_equal(v, "\"Regio Bcc: x@y\" <regiomon@example.org>");
	free(v);
	free(msg);

	assert_non_null(msg = build("s", "Fryslân ↑", "", NULL, NULL, 0,
	    &len));
	v = header_value(msg, "From", &lines);
	dec = header_decode(v);
	assert_string_equal(dec, "Fryslân ↑ <regiomon@example.org>");
	free(dec);
	free(v);
	v = header_value(msg, "To", &lines);
	assert_string_equal(v, "a@example.org, b@example.org");
	free(v);
	free(msg);

	/*
	 * 40 quotes are 80 characters once escaped: measured so, the name
	 * goes out as encoded words and every header line stays within 76
	 * (found by fuzz_mime).
	 */
	assert_non_null(msg = build("s",
	    "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\""
	    "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"", "", NULL, NULL, 0,
	    &len));
	head = strndup(msg, (size_t)(strstr(msg, "\r\n\r\n") - msg) + 2);
	assert_lines_within(head, strlen(head), 76);
	v = header_value(msg, "From", &lines);
	dec = header_decode(v);
	assert_string_equal(dec, "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\""
	    "\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\"\" <regiomon@example.org>");
	free(dec);
	free(v);
	free(head);
	free(msg);
}

static void
test_date(void **state)
{
	char	*msg, *v;
	size_t	 len, lines;

	(void)state;
	/* POSIX TZ strings need no tzdata: CET-1 is UTC+1. */
	setenv("TZ", "CET-1", 1);
	tzset();
	assert_non_null(msg = build("s", NULL, "", NULL, NULL, 0, &len));
	v = header_value(msg, "Date", &lines);
	assert_string_equal(v, "Tue, 14 Nov 2023 23:13:20 +0100");
	free(v);
	free(msg);
	setenv("TZ", "NST+3:30", 1);
	tzset();
	assert_non_null(msg = build("s", NULL, "", NULL, NULL, 0, &len));
	v = header_value(msg, "Date", &lines);
	assert_string_equal(v, "Tue, 14 Nov 2023 18:43:20 -0330");
	free(v);
	free(msg);
	setenv("TZ", "UTC0", 1);
	tzset();
	assert_non_null(msg = build("s", NULL, "", NULL, NULL, 0, &len));
	v = header_value(msg, "Date", &lines);
	assert_string_equal(v, "Tue, 14 Nov 2023 22:13:20 +0000");
	free(v);
	v = header_value(msg, "Message-ID", &lines);
	assert_string_equal(v, "<1.2.3@example.org>");
	free(v);
	v = header_value(msg, "MIME-Version", &lines);
	assert_string_equal(v, "1.0");
	free(v);
	free(msg);
}

/* The boundary="..." value following key in msg; new. */
static char *
boundary_after(const char *msg, const char *key)
{
	const char	*p, *e;

	assert_non_null(p = strstr(msg, key));
	assert_non_null(p = strstr(p, "boundary=\""));
	p += 10;
	assert_non_null(e = strchr(p, '"'));
	return strndup(p, (size_t)(e - p));
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
test_multipart(void **state)
{
	struct mail_image	 imgs[2];
	unsigned char		 png2[sizeof(png1) + 100];
	char			*msg, *b1, *b2, delim[128], *text, *p;
	size_t			 len, i;

	(void)state;
	memcpy(png2, png1, sizeof(png1));
	for (i = sizeof(png1); i < sizeof(png2); i++)
		png2[i] = (unsigned char)i;
	memset(imgs, 0, sizeof(imgs));
	imgs[0].cid = "unemployment-rate.groningen";
	imgs[0].filename = "unemployment rate/groningen.png";
	imgs[0].data = (unsigned char *)png1;
	imgs[0].len = sizeof(png1);
	imgs[1].cid = "jobs.drenthe@regiomon";
	imgs[1].filename = NULL;
	imgs[1].data = png2;
	imgs[1].len = sizeof(png2);
	/* Text that tries to contain a boundary and an end of data. */
	text = "--=_rm_0123\n.\n--\n=_rm_\n";
	assert_non_null(msg = build(SUBJECT_NL, NULL, text,
	    "<p><img src=\"cid:unemployment-rate.groningen\">"
	    "<img src=\"cid:jobs.drenthe@regiomon\"></p>\n", imgs, 2, &len));
	assert_int_equal(strlen(msg), len);
	assert_true(crlf_only(msg, len));
	assert_lines_within(msg, len, 76);
	b1 = boundary_after(msg, "multipart/alternative");
	b2 = boundary_after(msg, "multipart/related");
	assert_string_not_equal(b1, b2);
	/* Each boundary appears only on its own delimiter lines. */
	snprintf(delim, sizeof(delim), "\r\n--%s\r\n", b1);
	assert_int_equal(count(msg, delim), 2);
	snprintf(delim, sizeof(delim), "\r\n--%s--\r\n", b1);
	assert_int_equal(count(msg, delim), 1);
	assert_int_equal(count(msg, b1), 4);
	snprintf(delim, sizeof(delim), "\r\n--%s\r\n", b2);
	assert_int_equal(count(msg, delim), 3);
	assert_int_equal(count(msg, b2), 5);
	/* The text part's "=_" came out as "=3D_". */
	assert_non_null(strstr(msg, "--=3D_rm_0123\r\n=2E\r\n"));
	assert_non_null(strstr(msg, "Content-ID: <unemployment-rate.groningen>"
	    "\r\n"));
	assert_non_null(strstr(msg, "Content-ID: <jobs.drenthe@regiomon>\r\n"));
	assert_non_null(strstr(msg, "filename=\"unemployment_rate_groningen"
	    ".png\""));
	assert_non_null(strstr(msg, "filename=\"image2.png\""));
	assert_non_null(p = strstr(msg, "Content-Type: text/html; "
	    "charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"));
	assert_true(p > strstr(msg, "multipart/related"));
	free(b1);
	free(b2);
	free(msg);

	/*
	 * A long file name (an indicator and a region id of 63 bytes
	 * each) stays within 76 columns: fuzz_mime found 100 bytes of it
	 * after "Content-Type: image/png; name=".
	 */
	imgs[0].filename = "renewable-electricity-supply-per-inhabitant-"
	    "and-per-year.westerkwartier-het-hogeland-eemsdelta.png";
	assert_non_null(msg = build("s", NULL, "t\n", "<p>", imgs, 1, &len));
	assert_true(crlf_only(msg, len));
	assert_lines_within(msg, len, 76);
	assert_non_null(strstr(msg, "Content-Type: image/png;\r\n name=\""
	    "renewable-electricity-supply-per-inhabitant-and-per"
	    "-year.wes\"\r\n"));
	assert_non_null(strstr(msg, "Content-Disposition: inline;\r\n "
	    "filename=\"renewable-electricity-supply-per-inhabitant-and-per"
	    "-year.wes\"\r\n"));
	free(msg);

	/* Text only: a single text/plain part, no multipart. */
	assert_non_null(msg = build("s", NULL, "t\n", NULL, NULL, 0, &len));
	assert_null(strstr(msg, "multipart"));
	assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\n"));
	free(msg);
	/* HTML without images: alternative of text and HTML only. */
	assert_non_null(msg = build("s", NULL, "t\n", "<p>h</p>", NULL, 0,
	    &len));
	assert_non_null(strstr(msg, "multipart/alternative"));
	assert_null(strstr(msg, "multipart/related"));
	free(msg);
}

static void
test_refused(void **state)
{
	struct mail_image	 img;
	unsigned char		 gif[] = "GIF89a...........";
	size_t			 len;

	(void)state;
	memset(&img, 0, sizeof(img));
	img.cid = "a.b";
	img.data = (unsigned char *)png1;
	img.len = sizeof(png1);
	/* Images with nothing to show them in. */
	assert_null(build("s", NULL, "t", NULL, &img, 1, &len));
	/* A content id that would need escaping in "cid:" or a header. */
	img.cid = "a b";
	assert_null(build("s", NULL, "t", "<p>", &img, 1, &len));
	img.cid = "a>\r\nBcc: x@y";
	assert_null(build("s", NULL, "t", "<p>", &img, 1, &len));
	img.cid = "";
	assert_null(build("s", NULL, "t", "<p>", &img, 1, &len));
	/* Not a PNG. */
	img.cid = "a.b";
	img.data = gif;
	img.len = sizeof(gif);
	assert_null(build("s", NULL, "t", "<p>", &img, 1, &len));
}

/* mail_conf_check on json: the diags, one "where: msg" per line. */
static char *
conf_errors(const char *json)
{
	struct diags	 d;
	json_error_t	 jerr;
	json_t		*root;
	char		*out = NULL, *p;
	size_t		 i;

	memset(&d, 0, sizeof(d));
	assert_non_null(root = json_loads(json, JSON_DECODE_ANY, &jerr));
	mail_conf_check(root, "t.json", &d);
	out = strdup("");
	for (i = 0; i < d.n; i++) {
		assert_string_equal(d.v[i].file, "t.json");
		assert_int_not_equal(asprintf(&p, "%s%s: %s\n", out,
		    d.v[i].where != NULL ? d.v[i].where : "", d.v[i].msg), -1);
		free(out);
		out = p;
	}
	diag_free(&d);
	json_decref(root);
	return out;
}

static void
expect_conf(const char *json, const char *errors)
{
	char	*got = conf_errors(json);

	if (strcmp(got, errors) != 0)
		fail_msg("%s:\ngot:\n%sexpected:\n%s", json, got, errors);
	free(got);
}

static void
test_conf_check(void **state)
{
	char	 dir[] = "/tmp/test_mail.XXXXXX", pw[64], json[256];
	FILE	*fp;

	(void)state;
	expect_conf("{}", "");
	expect_conf("{\"from\": \"r@example.org\", \"from_name\": \"R\\r\\n\","
	    " \"to\": [\"a@x.org\", \"b@y.org\"], \"maildir\": \"m\"}", "");
	expect_conf("{\"to\": \"a@x.org\", \"smtp\": {\"url\": "
	    "\"smtps://mail.example.org\", \"timeout\": \"10s\"}}", "");
	expect_conf("{\"smtp\": {\"url\": \"smtp://mail.example.org:587\"}}",
	    "");
	expect_conf("{\"smtp\": {\"url\": \"smtp://127.0.0.1:2525\", "
	    "\"starttls\": false}}", "");
	expect_conf("{\"too\": []}", "mail: unknown key \"too\"; did you mean "
	    "\"to\"?\n");
	expect_conf("{\"smtp\": {\"url\": \"smtp://x.org\", \"usrname\": "
	    "\"u\"}}", "mail.smtp: unknown key \"usrname\"; did you mean "
	    "\"username\"?\n");
	expect_conf("{\"from\": \"Regiomon <r@example.org>\"}", "mail.from: "
	    "expected an address like \"analist@example.org\" (no name, <> "
	    "or spaces), got \"Regiomon <r@example.org>\"\n");
	expect_conf("{\"to\": [\"a@x.org\", \"b@x.org\\r\\nRCPT TO:<c@d>\"]}",
	    "mail.to[1]: expected an address like \"analist@example.org\" "
	    "(no name, <> or spaces), got \"b@x.org\\u000d\\u000aRCPT TO:"
	    "<c@d>\"\n");
	expect_conf("{\"to\": []}", "mail.to: expected at least one address, "
	    "got []\n");
	expect_conf("{\"to\": 5}", "mail.to: expected an array of addresses, "
	    "got number\n");
	expect_conf("{\"smtp\": {\"url\": \"smtp://m.org\"}, \"maildir\": "
	    "\"x\"}", "mail: \"smtp\" and \"maildir\" exclude each other: "
	    "mail goes to an SMTP server or into a Maildir\n");
	expect_conf("{\"smtp\": {}}", "mail.smtp: missing required key "
	    "\"url\"\n");
	expect_conf("{\"smtp\": {\"url\": \"http://m.org\"}}", "mail.smtp.url: "
	    "\"http://m.org\": expected smtp://HOST[:PORT] or "
	    "smtps://HOST[:PORT], not http://\n");
	expect_conf("{\"smtp\": {\"url\": \"smtp://u:p@m.org\"}}",
	    "mail.smtp.url: \"smtp://u:p@m.org\": no user or password in the "
	    "URL: put the user in \"username\" and the password in the file "
	    "named by \"password_file\"\n");
	expect_conf("{\"smtp\": {\"url\": \"smtp://smtp.invalid\", "
	    "\"starttls\": false}}", "mail.smtp.starttls: false is only "
	    "allowed for a loopback host (localhost, 127.0.0.0/8, ::1): to "
	    "\"smtp://smtp.invalid\" the mail would cross the network in "
	    "clear text; use STARTTLS or smtps://\n");
	expect_conf("{\"smtp\": {\"url\": \"smtp://m.org\", \"username\": "
	    "\"u\"}}", "mail.smtp: \"username\" and \"password_file\" go "
	    "together: give both or neither\n");
	expect_conf("{\"smtp\": {\"url\": \"smtp://m.org\", \"timeout\": 30}}",
	    "mail.smtp.timeout: expected a duration like \"30s\", got "
	    "number\n");
	expect_conf("\"x\"", "mail: expected an object, got \"x\"\n");

	/* Password files: absolute here, so the config's dir is moot. */
	assert_non_null(mkdtemp(dir));
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	assert_non_null(fp = fopen(pw, "w"));
	fputs("s3cret\n", fp);
	fclose(fp);
	chmod(pw, 0644);
	snprintf(json, sizeof(json), "{\"smtp\": {\"url\": \"smtp://m.org\", "
	    "\"username\": \"u\", \"password_file\": \"%s\"}}", pw);
	{
		char	*got = conf_errors(json);

		assert_non_null(strstr(got, "mail.smtp.password_file: "));
		assert_non_null(strstr(got, "is readable or writable by group "
		    "or others (mode 0644)"));
		assert_non_null(strstr(got, "chmod 600"));
		free(got);
	}
	chmod(pw, 0600);
	expect_conf(json, "");
	unlink(pw);
	rmdir(dir);
}

/*
 * smtp_url_check() parses the URL itself (reading a config must not load
 * libcurl): what it accepts, and why it refuses the rest.
 */
static void
test_smtp_url(void **state)
{
	static const struct {
		const char	*url;
		int		 ok, implicit, loopback;
		const char	*why;	/* in the error, when refused */
	} cases[] = {
		{ "smtp://127.0.0.1:2525", 1, 0, 1, NULL },
		{ "smtp://127.4.5.6", 1, 0, 1, NULL },
		{ "smtp://[::1]:25", 1, 0, 1, NULL },
		{ "smtp://[::1]", 1, 0, 1, NULL },
		{ "smtp://[::ffff:127.0.0.1]:25", 1, 0, 1, NULL },
		{ "smtp://[::1%25lo]:25", 1, 0, 1, NULL },
		{ "smtp://[fe80::1%25eth0]:25", 1, 0, 0, NULL },
		{ "smtp://127.1", 1, 0, 1, NULL },
		{ "smtp://2130706433:2525", 1, 0, 1, NULL },
		{ "smtp://0x7f000001", 1, 0, 1, NULL },
		{ "smtp://localhost.:25", 1, 0, 1, NULL },
		{ "smtp://localhost", 1, 0, 1, NULL },
		{ "smtp://LocalHost:587", 1, 0, 1, NULL },
		{ "smtps://127.0.0.1", 1, 1, 1, NULL },
		{ "SMTPS://Mail.Example.org:465", 1, 1, 0, NULL },
		{ "smtp://smtp.invalid", 1, 0, 0, NULL },
		{ "smtp://128.0.0.1", 1, 0, 0, NULL },
		{ "smtp://localhost.example.org", 1, 0, 0, NULL },
		{ "smtp://[::2]", 1, 0, 0, NULL },
		{ "smtps://mail.example.org:465", 1, 1, 0, NULL },
		{ "smtp://mail.example.org/ehlo.example.org", 1, 0, 0, NULL },
		{ "smtp://mail_relay.example.org:25/", 1, 0, 0, NULL },
		{ "http://mail.example.org", 0, 0, 0, "not http://" },
		{ "mail.example.org", 0, 0, 0, "expected smtp://HOST" },
		{ "smtp:/mail.example.org", 0, 0, 0, "expected smtp://HOST" },
		{ "smtp://mail.example.org/?x=1", 0, 0, 0, "\"?\" or \"#\"" },
		{ "smtp://mail.example.org#top", 0, 0, 0, "\"?\" or \"#\"" },
		{ "smtp://user@mail.example.org", 0, 0, 0, "no user" },
		{ "smtp://u:p@mail.example.org:25", 0, 0, 0, "no user" },
		{ "smtp://", 0, 0, 0, "no host" },
		{ "smtp://:25", 0, 0, 0, "no host" },
		{ "smtp://mail.example.org:", 0, 0, 0, "bad port \"\"" },
		{ "smtp://mail.example.org:0", 0, 0, 0, "bad port \"0\"" },
		{ "smtp://mail.example.org:65536", 0, 0, 0, "bad port" },
		{ "smtp://mail.example.org:25x", 0, 0, 0, "bad port" },
		{ "smtp://mail.example.org:99999999999999999999", 0, 0, 0,
		    "bad port" },
		{ "smtp://[::1", 0, 0, 0, "bad host" },
		{ "smtp://[nonsense]:25", 0, 0, 0, "bad host" },
		{ "smtp://[fe80::1%25]:25", 0, 0, 0, "bad host" },
		{ "smtp://[fe80::1%25e/th]:25", 0, 0, 0, "bad host" },
		{ "smtp://mail!.example.org", 0, 0, 0, "bad host" },
		{ "smtp://mail.example.org\r\nRCPT", 0, 0, 0, "control" },
		{ "smtp://mail example.org", 0, 0, 0, "spaces" },
	};
	char	 err[256];
	size_t	 i;
	int	 implicit, loopback, rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		implicit = loopback = -1;
		err[0] = '\0';
		rc = smtp_url_check(cases[i].url, &implicit, &loopback, err,
		    sizeof(err));
		if (!cases[i].ok) {
			if (rc != -1)
				fail_msg("%s accepted", cases[i].url);
			if (strstr(err, cases[i].why) == NULL)
				fail_msg("%s: \"%s\", want \"%s\" in it",
				    cases[i].url, err, cases[i].why);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", cases[i].url, err);
		if (implicit != cases[i].implicit)
			fail_msg("%s: implicit %d", cases[i].url, implicit);
		if (loopback != cases[i].loopback)
			fail_msg("%s: loopback %d", cases[i].url, loopback);
	}
}

static void
test_password_file(void **state)
{
	char	 dir[] = "/tmp/test_mail.XXXXXX", path[64], buf[64];
	char	 err[256];
	FILE	*fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pw", dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs("s3cret\r\n", fp);
	fclose(fp);
	chmod(path, 0640);
	assert_int_equal(smtp_read_password(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "(mode 0640)"));
	assert_non_null(strstr(err, "chmod 600"));
	chmod(path, 0604);
	assert_int_equal(smtp_read_password(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	chmod(path, 0600);
	assert_int_equal(smtp_read_password(path, buf, sizeof(buf), err,
	    sizeof(err)), 0);
	assert_string_equal(buf, "s3cret");
	/* Two lines: a mistake, not a password with a newline in it. */
	assert_non_null(fp = fopen(path, "w"));
	fputs("a\nb\n", fp);
	fclose(fp);
	assert_int_equal(smtp_read_password(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	unlink(path);
	assert_int_equal(smtp_read_password(path, buf, sizeof(buf), err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_header_clean),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_from),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_conf_check),
		cmocka_unit_test(test_smtp_url),
		cmocka_unit_test(test_password_file),
	};

	log_init(0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
