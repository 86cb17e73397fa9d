/* SPDX-License-Identifier: ISC */
/*
 * maildir.c: delivers a message into a Maildir the way qmail defined it:
 * written and fsynced under tmp/, then linked into new/ under a name no
 * other delivery can take, so a reader sees a whole message or none.
 * The default transport, needing no mail server.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"

#define NAME_TRIES	10

/*
 * Write data to path (a new file), converting CRLF to LF: messages in a
 * Maildir are local files, and mail readers expect the local line end.
 * 0, -2 when path exists, or -1 with the reason in err.
 */
static int
write_lf(const char *path, const char *data, size_t len, char *err,
    size_t errlen)
{
	char		*buf;
	size_t		 i, o = 0, off = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((buf = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < len; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			continue;
		buf[o++] = data[i];
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		rc = errno == EEXIST ? -2 : -1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(buf);
		return rc;
	}
	while (off < o) {
		if ((n = write(fd, buf + off, o - off)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "write %s: %s", path,
			    strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) == -1) {
		snprintf(err, errlen, "fsync %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (close(fd) == -1 && rc == 0) {
		snprintf(err, errlen, "close %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == -1)
		unlink(path);
	free(buf);
	return rc;
}

/*
 * A unique file name as the Maildir convention builds it: seconds, then
 * microseconds, process id and a random number, then the host name
 * (which mail_hostname() keeps free of the "/" and ":" the convention
 * would have escaped).
 */
static int
unique_name(char *buf, size_t size)
{
	struct timeval	 tv;
	unsigned int	 r;
	char		 host[256];
	int		 n;

	gettimeofday(&tv, NULL);
	if (mail_random(&r, sizeof(r)) == -1)
		return -1;
	mail_hostname(host, sizeof(host));
	n = snprintf(buf, size, "%lld.M%06ldP%ldR%08x.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(), r, host);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* dir/sub/name (name may be NULL), new; NULL when out of memory. */
static char *
md_path(const char *dir, const char *sub, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s%s%s", dir, sub, name != NULL ? "/" : "",
	    name != NULL ? name : "") == -1)
		return NULL;
	return p;
}

/*
 * Deliver len bytes of a message to the Maildir at dir, creating dir and
 * its cur/, new/ and tmp/ when missing.  Returns 0 once the message is in
 * new/ and that is fsynced, else -1 with the reason in err.  Only a
 * failed fsync of new/ can leave the message there too, in which case the
 * retry delivers it again with the same Message-ID.  Logs nothing; the
 * outbox does.
 */
int
maildir_deliver(const char *dir, const char *data, size_t len, char *err,
    size_t errlen)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char		 name[512], *sub, *tmp = NULL, *new = NULL;
	size_t		 i;
	int		 tries, rc = -1;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		if ((sub = md_path(dir, subs[i], NULL)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (mkdir_p(sub, 0700) == -1) {
			snprintf(err, errlen, "%s: %s", sub, strerror(errno));
			free(sub);
			return -1;
		}
		free(sub);
	}
	for (tries = 0; tries < NAME_TRIES; tries++) {
		free(tmp);
		free(new);
		tmp = new = NULL;
		rc = -1;
		if (unique_name(name, sizeof(name)) == -1 ||
		    (tmp = md_path(dir, "tmp", name)) == NULL ||
		    (new = md_path(dir, "new", name)) == NULL) {
			snprintf(err, errlen, "cannot make a file name");
			goto out;
		}
		if ((rc = write_lf(tmp, data, len, err, errlen)) == -2)
			continue;
		if (rc == -1)
			goto out;
		rc = -1;
		/* link() never replaces a file, unlike rename(). */
		if (link(tmp, new) == 0) {
			unlink(tmp);
			break;
		}
		if (errno != EEXIST) {
			snprintf(err, errlen, "link %s: %s", new,
			    strerror(errno));
			unlink(tmp);
			goto out;
		}
		unlink(tmp);
	}
	if (tries == NAME_TRIES) {
		snprintf(err, errlen, "%s: no unique file name after %d tries",
		    dir, NAME_TRIES);
		rc = -1;
		goto out;
	}
	free(new);
	if ((new = md_path(dir, "new", NULL)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (fsync_dir(new) == -1) {
		snprintf(err, errlen, "fsync %s: %s", new, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(new);
	return rc;
}
