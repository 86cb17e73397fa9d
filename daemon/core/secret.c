/* SPDX-License-Identifier: ISC */
/*
 * secret.c: the one opener of secret files (the SMTP password, an API
 * key), used at use and by check-config alike, so that what the check
 * passes is what a run reads.  A secret file is opened without following
 * a symlink and without blocking on a FIFO; it must be a regular file
 * owned by this process's user, with no group or other bits, and small.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

/*
 * Read the secret file path into buf (size bytes, NUL-terminated), its
 * length in *lenp (may be NULL).  0, or -1 with the reason in err, which
 * names the file ("PATH: ..."); buf is then zeroed.
 */
int
secret_read(const char *path, char *buf, size_t size, size_t *lenp,
    char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if (size == 0) {
		snprintf(err, errlen, "%s: no room to read it", path);
		return -1;
	}
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY);
	if (fd == -1) {
		if (errno == ELOOP)
			snprintf(err, errlen, "%s is a symbolic link; a "
			    "secret file is never followed: name the file "
			    "itself", path);
		else
			snprintf(err, errlen, "%s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s belongs to uid %lu, not to this "
		    "user (uid %lu); a secret file must belong to the user "
		    "regiomon runs as: chown it to that user", path,
		    (unsigned long)st.st_uid, (unsigned long)geteuid());
		goto fail;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s is readable or writable by group or "
		    "others (mode %04o); a secret file must not be: chmod 600 "
		    "%s", path, (unsigned)(st.st_mode & 07777), path);
		goto fail;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size >= size) {
		snprintf(err, errlen, "%s: larger than %zu bytes; a secret "
		    "file holds one short line", path, size - 1);
		goto fail;
	}
	while (len + 1 < size) {
		if ((n = read(fd, buf + len, size - 1 - len)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	/* A file that grew while it was read would give a cut-off secret. */
	if ((unsigned long long)len != (unsigned long long)st.st_size) {
		snprintf(err, errlen, "%s changed while it was read; try "
		    "again", path);
		goto fail;
	}
	close(fd);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return 0;
fail:
	close(fd);
	explicit_bzero(buf, size);
	return -1;
}
