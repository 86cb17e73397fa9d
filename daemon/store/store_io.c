/* SPDX-License-Identifier: ISC */
/*
 * store_io.c: reading a whole file and writing bytes back at an offset,
 * for the undo journal of appends (store_batch.c).
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "store/store_private.h"

/* Read all of file into *buf (new), *len bytes.  0, or -1 (logged). */
int
io_read_all(const char *file, char **buf, size_t *len)
{
	struct stat	 st;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	*buf = NULL;
	*len = 0;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		log_err("open %s", file);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		log_err("stat %s", file);
		close(fd);
		return -1;
	}
	*buf = xcalloc(1, (size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		r = pread(fd, *buf + got, (size_t)st.st_size - got,
		    (off_t)got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			log_err("read %s", file);
			close(fd);
			free(*buf);
			*buf = NULL;
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return 0;
}

/* Write len bytes of buf at off into file.  0, or -1 (logged). */
int
io_write_at(const char *file, off_t off, const char *buf, size_t len)
{
	ssize_t	 w;
	size_t	 done = 0;
	int	 fd;

	if ((fd = open(file, O_WRONLY | O_CLOEXEC)) == -1) {
		log_err("open %s", file);
		return -1;
	}
	while (done < len) {
		w = pwrite(fd, buf + done, len - done, off + (off_t)done);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			log_err("write %s", file);
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	close(fd);
	return 0;
}
