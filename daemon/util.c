/* SPDX-License-Identifier: ISC */
/*
 * util.c: small helpers every file needs: checked allocation, ids,
 * durations and sizes, paths, and writing a file so that a reader sees the
 * old or the new contents, never a mix.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "regiomon.h"

/* glibc before 2.38 has no strlcpy. */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* calloc that treats running out of memory as fatal; start-up use only. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL)
		fatal(NULL);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal(NULL);
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n == -1)
		fatal(NULL);
	return n;
}

/*
 * 1 if s is a valid id: [a-z0-9][a-z0-9_-]*, at most ID_MAX-1 bytes.  Ids
 * become path components, so this is what keeps "../" out of paths.
 */
int
id_valid(const char *s)
{
	size_t	 i;

	if (s == NULL || *s == '\0' || strlen(s) >= ID_MAX)
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i > 0 && (c == '_' || c == '-'))
			continue;
		return 0;
	}
	return 1;
}

/*
 * Parse a duration: a positive integer followed by s, m, h, d or w
 * ("90s", "6h", "1d", "7d").  0 and sets *secs, or -1.
 */
int
duration_parse(const char *s, long *secs)
{
	char		*end;
	long		 n, mult;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || n <= 0)
		return -1;
	switch (*end) {
	case 's':
		mult = 1;
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	case 'w':
		mult = 7 * 86400;
		break;
	default:
		return -1;
	}
	if (end[1] != '\0' || n > LONG_MAX / mult)
		return -1;
	*secs = n * mult;
	return 0;
}

/* Parse a size: an integer with an optional k, M or G suffix (powers of 2). */
int
size_parse(const char *s, size_t *bytes)
{
	char			*end;
	unsigned long long	 n, mult = 1;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno != 0 || end == s)
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mult = 1024;
		break;
	case 'M':
		mult = 1024 * 1024;
		break;
	case 'G':
		mult = 1024 * 1024 * 1024;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (n > SIZE_MAX / mult)
		return -1;
	*bytes = (size_t)(n * mult);
	return 0;
}

/* mkdir -p; 0 or -1 with errno set. */
int
mkdir_p(const char *path, mode_t mode)
{
	char	 buf[PATH_MAX];
	char	*p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, mode) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

/* fsync a directory so a rename in it survives a crash. */
int
fsync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Replace path with data: write a temp file in the same directory, fsync,
 * rename over path, fsync the directory.  0, or -1 (logged) with path
 * untouched.
 */
int
write_file_atomic(const char *path, const void *data, size_t len)
{
	char		*tmp, *dir;
	const char	*p = data;
	int		 fd, rc = -1;

	xasprintf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) == -1) {
		log_warn("%s", tmp);
		free(tmp);
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("write %s", tmp);
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1) {
		log_warn("fsync %s", tmp);
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_warn("close %s", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		log_warn("rename %s", path);
		goto fail;
	}
	dir = path_dirname(path);
	if (fsync_dir(dir) == -1)
		log_warn("fsync %s", dir);
	free(dir);
	rc = 0;
fail:
	if (fd != -1)
		close(fd);
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* dir/name, or name alone when it is absolute or dir is NULL.  New. */
char *
path_join(const char *dir, const char *name)
{
	char	*p;

	if (dir == NULL || *dir == '\0' || name[0] == '/')
		return xstrdup(name);
	xasprintf(&p, "%s/%s", dir, name);
	return p;
}

/* The directory part of path ("." if none).  New, caller frees. */
char *
path_dirname(const char *path)
{
	const char	*slash = strrchr(path, '/');
	char		*p;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	p = xstrdup(path);
	p[slash - path] = '\0';
	return p;
}

/* Levenshtein distance, for "did you mean" hints on short keys. */
size_t
edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	size_t	 row[64], prev, tmp;

	if (lb >= sizeof(row) / sizeof(row[0]))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/*
 * The candidate closest to s when it is close enough to be a typo (at most
 * a third of its length, and at least 1, edits away), else NULL.
 */
const char *
did_you_mean(const char *s, const char *const *cand, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = SIZE_MAX, limit;

	limit = strlen(s) / 3;
	if (limit < 1)
		limit = 1;
	for (i = 0; i < n; i++) {
		d = edit_distance(s, cand[i]);
		if (d < bestd) {
			bestd = d;
			best = cand[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

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
