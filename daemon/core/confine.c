/* SPDX-License-Identifier: ISC */
/*
 * confine.c: shutting this process and its children out of a few files
 * and directories with Landlock, leaving everything else as it was.
 *
 * Landlock only grants, so "all but these" is built by walking from /
 * towards each shut path: every entry of a directory on the way is
 * granted whole, but a shut one (skipped) and one on the way to a shut
 * one (walked in turn).  A symbolic link is not granted as such: what it
 * points to is reached where it really is.  What the walk cannot grant
 * without granting a shut path is the directories on the way themselves:
 * listing them, or making or removing an entry directly in them, is
 * refused too.  Entries made in them after the walk are out of reach.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "core/core.h"

/* Rights of later Landlock versions than the build's headers know. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif

/* Rights a rule on a file (not a directory) may carry. */
#define FILE_RIGHTS	(LANDLOCK_ACCESS_FS_EXECUTE |			\
	LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |	\
	LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* The walk's state: the shut paths, canonical, and the ruleset. */
struct walk {
	char		**shut;
	size_t		 nshut;
	int		 ruleset;
	uint64_t	 rights;	/* all that this kernel handles */
	char		*err;
	size_t		 errlen;
};

/* The filesystem rights of Landlock ABI abi. */
static uint64_t
abi_rights(long abi)
{
	uint64_t	 r;

	r = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR |
	    LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |
	    LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_MAKE_SYM;
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/*
 * The canonical form of path into out (PATH_MAX): its real path, or for
 * one that does not exist yet its directory's real path and its name.
 * 0, or -1 when not even the directory exists (nothing to shut).
 */
static int
canonical(const char *path, char *out)
{
	char	*dir, *slash;

	if (realpath(path, out) != NULL)
		return 0;
	if ((slash = strrchr(path, '/')) == NULL || slash[1] == '\0')
		return -1;
	dir = path_dirname(path);
	if (realpath(dir, out) == NULL) {
		free(dir);
		return -1;
	}
	free(dir);
	if (strlen(out) + strlen(slash) >= PATH_MAX)
		return -1;
	if (strcmp(out, "/") == 0)
		out[0] = '\0';
	strlcpy(out + strlen(out), slash, PATH_MAX - strlen(out));
	return 0;
}

/* 1 if p is a shut path, 2 if one lies beneath it, else 0. */
static int
shut_kind(const struct walk *w, const char *p)
{
	size_t	 i, n = strlen(p);
	int	 kind = 0;

	for (i = 0; i < w->nshut; i++) {
		if (strcmp(w->shut[i], p) == 0)
			return 1;
		if (strncmp(w->shut[i], p, n) == 0 && w->shut[i][n] == '/')
			kind = 2;
	}
	return kind;
}

/* Grant the entry name of directory dfd whole. */
static int
grant(struct walk *w, int dfd, const char *name, const char *full)
{
	struct landlock_path_beneath_attr	 pb;
	struct stat				 st;
	int					 fd, rc = 0;

	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return 0;	/* gone since it was listed */
	if (fstat(fd, &st) == -1 || S_ISLNK(st.st_mode)) {
		close(fd);
		return 0;
	}
	pb.allowed_access = S_ISDIR(st.st_mode) ? w->rights :
	    w->rights & FILE_RIGHTS;
	pb.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, w->ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0) == -1) {
		snprintf(w->err, w->errlen, "landlock rule for %s: %s", full,
		    strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}

/* Grant every entry of directory path but the shut ones; walk the rest. */
static int
walk_dir(struct walk *w, const char *path)
{
	struct dirent	*de;
	DIR		*dir;
	char		*full;
	int		 kind, rc = 0;

	if ((dir = opendir(path)) == NULL) {
		snprintf(w->err, w->errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(path, "/") == 0)
			xasprintf(&full, "/%s", de->d_name);
		else
			full = path_join(path, de->d_name);
		if ((kind = shut_kind(w, full)) == 2)
			rc = walk_dir(w, full);
		else if (kind == 0)
			rc = grant(w, dirfd(dir), de->d_name, full);
		free(full);
	}
	closedir(dir);
	return rc;
}

/*
 * Shut this process, and what it starts, out of the n paths (files or
 * whole directories; one that does not exist but whose directory does
 * stays out of reach should it appear).  0 when confined; 1 when the
 * kernel has no Landlock (nothing done); -1 with the reason in err.
 */
int
confine_shut(const char *const *paths, size_t n, char *err, size_t errlen)
{
	struct landlock_ruleset_attr	 ra;
	struct walk			 w;
	char				 canon[PATH_MAX];
	long				 abi;
	size_t				 i;
	int				 rc = -1;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return 1;
	memset(&w, 0, sizeof(w));
	w.err = err;
	w.errlen = errlen;
	w.rights = abi_rights(abi);
	w.shut = xcalloc(n + 1, sizeof(*w.shut));
	for (i = 0; i < n; i++)
		if (canonical(paths[i], canon) == 0 && strcmp(canon, "/") != 0)
			w.shut[w.nshut++] = xstrdup(canon);
	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = w.rights;
	w.ruleset = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra),
	    0);
	if (w.ruleset == -1) {
		snprintf(err, errlen, "landlock ruleset: %s", strerror(errno));
		goto out;
	}
	if (walk_dir(&w, "/") == -1)
		goto out;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    syscall(SYS_landlock_restrict_self, w.ruleset, 0) == -1) {
		snprintf(err, errlen, "landlock: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (w.ruleset != -1)
		close(w.ruleset);
	for (i = 0; i < w.nshut; i++)
		free(w.shut[i]);
	free(w.shut);
	return rc;
}
