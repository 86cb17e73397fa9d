/* SPDX-License-Identifier: ISC */
/*
 * cmd_graph.c: `regiomon graph INDICATOR REGION -o FILE.png|FILE.svg`,
 * one series drawn to a file, the format named by the file's extension,
 * the file replaced atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "report/report.h"
#include "app/app.h"
#include "app/cmd.h"

/* The format a file name asks for: 0, or -1 if neither .png nor .svg. */
static int
format_of(const char *path, enum graph_fmt *fmt)
{
	const char	*dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	if (strcasecmp(dot, ".png") == 0)
		*fmt = GRAPH_PNG;
	else if (strcasecmp(dot, ".svg") == 0)
		*fmt = GRAPH_SVG;
	else
		return -1;
	return 0;
}

/* A size in pixels within the limits: 0, or -1. */
static int
size_arg(const char *s, int *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < GRAPH_SIZE_MIN ||
	    n > GRAPH_SIZE_MAX)
		return -1;
	*v = (int)n;
	return 0;
}

/*
 * data to path through a temp file in the same directory: a reader (a
 * web server, a viewer) sees the old image or the new one.  Mode 0644
 * less the umask, like any file a user writes.  0, or -1 (logged).
 */
static int
write_image(const char *path, const unsigned char *data, size_t len)
{
	char	*tmp;
	size_t	 off = 0;
	ssize_t	 n;
	int	 fd, ok;

	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) == -1) {
		log_warn("graph");
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("%s", tmp);
		free(tmp);
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, data + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	ok = off == len && fsync(fd) == 0;
	if (close(fd) == -1)
		ok = 0;
	if (!ok) {
		log_warn("%s", tmp);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		log_warn("rename %s", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int
cmd_graph(struct regiomon *rm, const struct opts *o, int argc, char **argv)
{
	struct graph_req	 rq;
	struct report_conf	 rc;
	const char		*pos[2], *out = NULL, *lang = NULL;
	unsigned char		*img;
	size_t			 len;
	int			 i, npos = 0, r;

	(void)o;
	memset(&rq, 0, sizeof(rq));
	rq.width = GRAPH_WIDTH;
	rq.height = GRAPH_HEIGHT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
			if ((out = v) == NULL)
				goto needs;
			i++;
		} else if (strcmp(a, "-w") == 0 ||
		    strcmp(a, "--width") == 0) {
			if (v == NULL || size_arg(v, &rq.width) == -1) {
				out_printf(stderr, "regiomon: graph: %s: "
				    "expected a width from %d to %d pixels\n",
				    a, GRAPH_SIZE_MIN, GRAPH_SIZE_MAX);
				return EXIT_USAGE;
			}
			i++;
		} else if (strcmp(a, "-h") == 0 ||
		    strcmp(a, "--height") == 0) {
			if (v == NULL || size_arg(v, &rq.height) == -1) {
				out_printf(stderr, "regiomon: graph: %s: "
				    "expected a height from %d to %d "
				    "pixels\n", a, GRAPH_SIZE_MIN,
				    GRAPH_SIZE_MAX);
				return EXIT_USAGE;
			}
			i++;
		} else if (strcmp(a, "--lang") == 0) {
			if ((lang = v) == NULL)
				goto needs;
			i++;
		} else if (a[0] == '-' && a[1] != '\0') {
			out_printf(stderr, "regiomon: graph: unknown option "
			    "\"%s\"\n", a);
			return EXIT_USAGE;
		} else if (npos < 2)
			pos[npos++] = a;
		else {
			out_printf(stderr, "regiomon: graph: unexpected "
			    "argument \"%s\"\n", a);
			return EXIT_USAGE;
		}
	}
	if (npos != 2 || out == NULL) {
		out_printf(stderr, "regiomon: graph: %s is required\n",
		    npos != 2 ? "INDICATOR REGION" : "-o FILE");
		return EXIT_USAGE;
	}
	if (format_of(out, &rq.fmt) == -1) {
		out_printf(stderr, "regiomon: graph: -o %s: expected a "
		    "file name ending in .png or .svg\n", out);
		return EXIT_USAGE;
	}
	if ((rq.ind = cmd_indicator(rm->catalog, "graph", pos[0])) == NULL ||
	    (rq.reg = cmd_region(rm->catalog, "graph", pos[1])) == NULL)
		return EXIT_USAGE;
	if (lang != NULL) {
		if (label_lang(lang, &rq.lang) == -1) {
			out_printf(stderr, "regiomon: graph: --lang %s: "
			    "expected nl or en\n", lang);
			return EXIT_USAGE;
		}
	} else {
		if (report_conf_get(rm->conf, &rc) == -1)
			return 1;
		rq.lang = rc.lang;
		report_conf_free(&rc);
	}
	if ((r = graph_series(rm, &rq, &img, &len)) == 1) {
		out_printf(stderr, "regiomon: graph: nothing stored for %s/%s "
		    "yet\n", rq.ind->id, rq.reg->id);
		return 1;
	}
	if (r == -1)
		return 1;
	r = write_image(out, img, len);
	free(img);
	return r == -1 ? 1 : 0;
needs:
	/* main.c prints the usage line after this. */
	out_printf(stderr, "regiomon: graph: %s needs a value\n", argv[i]);
	return EXIT_USAGE;
}
