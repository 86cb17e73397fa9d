/* SPDX-License-Identifier: ISC */
/*
 * statelock.c: one writer per state dir, and files its owner can read.
 * `regiomon daemon` and `regiomon run` write state.json, the spools and
 * the RRD files: two of them on one state dir would each save their own
 * state.json over the other's (alert states lost, mail sent twice), and
 * one removes the spool the other is writing.  Each holds flock() on
 * STATE/lock for its lifetime; the file names the holder, for the
 * message.  Its children share the lock's descriptor and die with it
 * (fork_tied()), so the lock never outlives the process it names.  The
 * commands that write there also refuse a state dir that belongs to
 * another user: run as root, they would leave files the daemon's user
 * cannot read, and the service would fail to start.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"

/*
 * 0 if state_dir is ours (or does not exist yet, and will be), else -1
 * with what to do printed (to stderr: this runs before the log is set up
 * for a daemon).
 */
int
state_dir_owner_check(const char *state_dir)
{
	struct passwd	*pw;
	struct stat	 st;
	char		 user[64];

	if (stat(state_dir, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("%s", state_dir);
		return -1;
	}
	if (st.st_uid == geteuid())
		return 0;
	if ((pw = getpwuid(st.st_uid)) != NULL)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "uid %lu",
		    (unsigned long)st.st_uid);
	log_warnx("%s belongs to user %s: run this as that user (for "
	    "example: runuser -u %s -- regiomon ...), so the files it writes "
	    "stay readable for the daemon", state_dir, user,
	    pw != NULL ? pw->pw_name : "USER");
	return -1;
}

/*
 * 1 if the lock file's text ("regiomon run (pid N)") names a process
 * that no longer exists.  Every child that shares the lock dies with
 * its parent (fork_tied()), so this is a bug or something else's doing.
 */
static int
holder_gone(const char *holder)
{
	const char	*p;
	char		*end;
	long		 pid;

	if ((p = strstr(holder, "(pid ")) == NULL)
		return 0;
	errno = 0;
	pid = strtol(p + 5, &end, 10);
	if (errno != 0 || pid <= 0 || *end != ')')
		return 0;
	return kill((pid_t)pid, 0) == -1 && errno == ESRCH;
}

static int
is_daemon(const char *holder)
{
	return strstr(holder, "daemon") != NULL;
}

/*
 * Take the state dir for command ("run", "daemon") until exit, creating
 * it if need be.  0, or -1 (logged) if another regiomon holds it or it
 * cannot be locked.
 */
int
state_dir_lock(const char *state_dir, const char *command)
{
	static int	 held = -1;
	char		*path, holder[128];
	ssize_t		 n;
	int		 fd;

	if (held != -1)
		return 0;
	if (state_dir_owner_check(state_dir) == -1)
		return -1;
	if (mkdir_p(state_dir, 0750) == -1) {
		log_warn("%s", state_dir);
		return -1;
	}
	xasprintf(&path, "%s/lock", state_dir);
	/* Not a link followed out of the state dir (logged). */
	if ((fd = open_nofollow(path, O_RDWR | O_CREAT, 0640)) == -1) {
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			log_warn("%s", path);
		} else {
			n = pread(fd, holder, sizeof(holder) - 1, 0);
			holder[n > 0 ? n : 0] = '\0';
			holder[strcspn(holder, "\n")] = '\0';
			if (holder_gone(holder))
				log_warnx("%s is locked, but %s, which took "
				    "the lock, is gone: a process it left "
				    "holds it (fuser -v %s names it); stop "
				    "that one", state_dir, holder, path);
			else
				log_warnx("%s is in use by %s: %s", state_dir,
				    holder[0] != '\0' ? holder :
				    "another regiomon", is_daemon(holder) ?
				    "it runs the sources on their schedules; "
				    "stop it first to run them by hand" :
				    "wait for it to end");
		}
		close(fd);
		free(path);
		return -1;
	}
	/* Who holds it, for the next one's message; best effort. */
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "regiomon %s (pid %ld)\n", command,
		    (long)getpid());
	free(path);
	held = fd;
	return 0;
}
