/* SPDX-License-Identifier: ISC */
/*
 * flush.c: sending what waits in the outbox (outbox.c), oldest first,
 * through the configured transport, with one flush at a time per state
 * dir; a failed message gets its next attempt time in its sidecar.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "mail/mail_private.h"

#define BACKOFF_BASE	60		/* seconds before the first retry */
#define BACKOFF_MAX	(6 * 3600)	/* the delay doubles up to this */
#define MSG_MAX		(64 * 1024 * 1024)
#define STALE_TMP	3600		/* a temp file this old is a leftover */
#define ERR_LEN		1024

/* What one flush works with. */
struct flush {
	struct mail_conf	 mc;
	char			*dir;
	char			 desc[512];	/* the transport, for logs */
	struct smtp		*smtp;
	time_t			 now;
	/* Set once the server failed as a whole; the rest wait. */
	char			 session_err[ERR_LEN];
	char			 session_key[64];
	int			 session_logged;
	size_t			 deferred;
	json_t			*to;	/* a message's own recipients */
};

/*
 * The first retry waits BACKOFF_BASE seconds (REGIOMON_MAIL_BACKOFF_S
 * overrides it; tests set 0), each further one twice as long, up to
 * BACKOFF_MAX.
 */
static long
backoff(int attempts)
{
	long	 base, d;
	int	 i;

	base = env_long("REGIOMON_MAIL_BACKOFF_S", 0, BACKOFF_MAX,
	    BACKOFF_BASE);
	for (d = base, i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

/* Read the whole file at path.  0, or -1 with errno set. */
static int
read_all(const char *path, char **out, size_t *outlen)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, saved;

	/* Never a link followed out of the outbox, nor a FIFO waited on. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (st.st_size < 0 || st.st_size > MSG_MAX) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	while (len < (size_t)st.st_size) {
		if ((n = read(fd, buf + len, (size_t)st.st_size - len)) == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/*
 * Note a failed attempt of id in its sidecar and log it, at warning level
 * only when the failure differs from the one before (a failure state
 * change, told by key: the error text can vary while the failure stays)
 * and the caller does not ask for quiet; *warned (if not NULL) tells
 * which.  0, or -1 if the sidecar cannot be written (logged).
 */
static int
retry_note(struct flush *f, const char *id, json_t *r, const char *err,
    const char *key, int quiet, int *warned)
{
	const char	*prev;
	char		*path = NULL, *text = NULL;
	json_int_t	 attempts;
	long		 delay;
	int		 rc = -1, changed;

	attempts = json_integer_value(json_object_get(r, "attempts")) + 1;
	delay = backoff(attempts > INT_MAX ? INT_MAX : (int)attempts);
	prev = json_string_value(json_object_get(r, "error_key"));
	changed = prev == NULL || strcmp(prev, key) != 0;
	if (warned != NULL)
		*warned = changed && !quiet;
	if (changed && !quiet)
		log_warnx("mail %s: not delivered (attempt %lld, next in %lds)"
		    ": %s: %s", id, (long long)attempts, delay, f->desc, err);
	else
		log_debug("mail %s: not delivered (attempt %lld, next in "
		    "%lds): %s", id, (long long)attempts, delay, err);
	if (json_object_get(r, "first_failure") == NULL &&
	    json_object_set_new(r, "first_failure",
	    json_integer((json_int_t)f->now)) == -1)
		goto oom;
	if (json_object_set_new(r, "attempts", json_integer(attempts)) == -1 ||
	    json_object_set_new(r, "next_attempt",
	    json_integer((json_int_t)(f->now + delay))) == -1 ||
	    json_object_set_new(r, "last_error", json_string(err)) == -1 ||
	    json_object_set_new(r, "error_key", json_string(key)) == -1)
		goto oom;
	if ((text = json_dumps(r, JSON_SORT_KEYS)) == NULL)
		goto oom;
	if ((path = outbox_path(f->dir, id, ".retry")) == NULL)
		goto out;
	if (write_file_atomic(path, text, strlen(text)) == -1)
		goto out;
	rc = 0;
	goto out;
oom:
	log_warnx("mail %s: out of memory noting the attempt", id);
out:
	free(text);
	free(path);
	return rc;
}

/*
 * Deliver one message through the configured transport.  0 when it was
 * accepted, -1 with err and key (what stays the same while the failure
 * lasts) set; *session when the whole transport failed.
 */
static int
deliver(struct flush *f, const char *data, size_t len, int *session,
    char *err, size_t errlen, char *key, size_t keylen)
{
	const char	*why;
	char		*to[MAIL_TO_MAX];
	json_t		*a;
	size_t		 n, i;
	long		 kind;
	int		 rc;

	*session = 0;
	if (f->mc.transport == MAIL_MAILDIR) {
		if (maildir_deliver(f->mc.maildir, data, len, err, errlen) == 0)
			return 0;
		/* A Maildir that cannot take one message takes none. */
		*session = 1;
		/* "path: reason"; the path has a new unique name each time. */
		why = strrchr(err, ':');
		snprintf(key, keylen, "maildir:%.48s", why != NULL ? why : err);
		return -1;
	}
	if (f->smtp == NULL &&
	    (f->smtp = smtp_open(&f->mc, err, errlen)) == NULL) {
		*session = 1;
		snprintf(key, keylen, "smtp-open");
		return -1;
	}
	/*
	 * A routed digest goes to the recipients it was queued for (its
	 * sidecar's "to", see alert/route.c), any other to mail.to as the
	 * config says now, so that fixing an address lets it through.
	 */
	if (f->to != NULL) {
		n = 0;
		json_array_foreach(f->to, i, a)
			if (json_is_string(a) && n < nitems(to))
				to[n++] = (char *)json_string_value(a);
		rc = smtp_recipients(f->smtp, to, n, err, errlen);
	} else
		rc = smtp_recipients(f->smtp, f->mc.to, f->mc.nto, err,
		    errlen);
	if (rc == -1) {
		snprintf(key, keylen, "smtp-rcpt");
		return -1;
	}
	if (smtp_send(f->smtp, data, len, session, &kind, err, errlen) == 0)
		return 0;
	snprintf(key, keylen, "smtp:%ld", kind);
	return -1;
}

/*
 * Try to send the message id if it is due.  Returns 1 if it is still
 * queued afterwards, 0 if it left the outbox, -1 on a local error.
 */
static int
flush_one(struct flush *f, const char *id)
{
	json_t		*r;
	json_int_t	 next, attempts;
	char		*eml = NULL, *retry = NULL, *data = NULL, err[ERR_LEN];
	char		 key[64];
	size_t		 len;
	int		 rc = -1, session;

	if ((r = outbox_retry_load(f->dir, id)) == NULL) {
		log_warnx("mail: out of memory");
		return -1;
	}
	next = json_integer_value(json_object_get(r, "next_attempt"));
	attempts = json_integer_value(json_object_get(r, "attempts"));
	if (next > (json_int_t)f->now) {
		rc = 1;
		goto out;
	}
	if (f->session_err[0] != '\0') {
		f->deferred++;
		rc = retry_note(f, id, r, f->session_err, f->session_key, 1,
		    NULL) == -1 ? -1 : 1;
		goto out;
	}
	if ((eml = outbox_path(f->dir, id, ".eml")) == NULL ||
	    (retry = outbox_path(f->dir, id, ".retry")) == NULL)
		goto out;
	if (read_all(eml, &data, &len) == -1) {
		if (errno == ENOENT) {
			rc = 0;
			goto out;
		}
		log_warn("mail %s: %s", id, eml);
		goto out;
	}
	f->to = json_object_get(r, "to");
	rc = deliver(f, data, len, &session, err, sizeof(err), key,
	    sizeof(key));
	f->to = NULL;
	if (rc == -1) {
		if (session) {
			strlcpy(f->session_err, err, sizeof(f->session_err));
			strlcpy(f->session_key, key, sizeof(f->session_key));
		}
		if (retry_note(f, id, r, err, key, 0, &f->session_logged) ==
		    -1)
			goto out;
		rc = 1;
		goto out;
	}
	/*
	 * The server has it.  Should unlink fail or a crash come first,
	 * the next flush sends it again with the same Message-ID, which
	 * readers and servers use to drop the duplicate.
	 */
	if (unlink(eml) == -1)
		log_warn("mail %s: delivered, but cannot remove %s; it will "
		    "be sent again", id, eml);
	if (unlink(retry) == -1 && errno != ENOENT)
		log_warn("mail %s: %s", id, retry);
	if (attempts > 0)
		log_info("mail %s: delivered via %s after %lld failed "
		    "attempt%s", id, f->desc, (long long)attempts,
		    attempts == 1 ? "" : "s");
	else
		log_info("mail %s: delivered via %s", id, f->desc);
	rc = 0;
out:
	json_decref(r);
	free(data);
	free(eml);
	free(retry);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/*
 * Remove what earlier runs left: a sidecar whose message is gone (sent,
 * then a crash before the sidecar went), and temp files older than an
 * hour (a crash while writing; younger ones may be another process's
 * write in progress).
 */
static void
tidy(struct flush *f, int dfd, const char *name)
{
	struct stat	 st;
	char		 eml[NAME_MAX + 1];
	size_t		 n = strlen(name);

	if (has_suffix(name, ".retry") && n - 6 + 5 <= NAME_MAX) {
		memcpy(eml, name, n - 6);
		memcpy(eml + n - 6, ".eml", 5);
		if (faccessat(dfd, eml, F_OK, 0) == -1 && errno == ENOENT)
			unlinkat(dfd, name, 0);
	} else if (strstr(name, ".tmp.") != NULL &&
	    fstatat(dfd, name, &st, 0) == 0 &&
	    st.st_mtime < f->now - STALE_TMP)
		unlinkat(dfd, name, 0);
}

/*
 * The outbox's messages, oldest first, in *names (new, free each and the
 * array).  0, or -1 (logged).
 */
static int
list_messages(struct flush *f, DIR *d, char ***names, size_t *n)
{
	struct dirent	*de;
	char		**v = NULL, **nv, *s;
	size_t		 cap = 0;

	*n = 0;
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (!has_suffix(de->d_name, ".eml")) {
			tidy(f, dirfd(d), de->d_name);
			continue;
		}
		if (*n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto oom;
			v = nv;
		}
		if ((s = strndup(de->d_name, strlen(de->d_name) - 4)) == NULL)
			goto oom;
		v[(*n)++] = s;
	}
	if (errno != 0) {
		log_warn("mail: %s", f->dir);
		goto fail;
	}
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_names);
	*names = v;
	return 0;
oom:
	log_warnx("mail: out of memory");
fail:
	while (*n > 0)
		free(v[--*n]);
	free(v);
	return -1;
}

/*
 * Send every message in STATE/outbox/ that is due, oldest first, through
 * the transport mailconf names (NULL: the Maildir STATE/mail).  A message
 * leaves the outbox only once it was accepted; a failed one gets its next
 * attempt time, and when the server as a whole failed, the rest wait for
 * the next flush without trying.  One flush at a time per state dir (an
 * flock on the outbox), so two processes never send the same message.
 * Returns the number of messages still queued, or -1 (logged) on a local
 * error: the outbox, a message in it or the mail config cannot be used
 * (the other messages are still sent).
 */
int
mail_flush(const struct conf *conf, const json_t *mailconf)
{
	struct flush	 f;
	DIR		*d = NULL;
	char		**names = NULL;
	size_t		 n = 0, i;
	int		 still = 0, rc, removed = 0, local = 0, dfd;

	memset(&f, 0, sizeof(f));
	f.now = time(NULL);
	f.dir = outbox_dir(conf);
	/* Not followed out of the state dir: a link fails (ELOOP). */
	if ((dfd = open(f.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (d = fdopendir(dfd)) == NULL) {
		if (errno == ENOENT) {
			free(f.dir);
			return 0;
		}
		log_warn("mail: %s", f.dir);
		if (dfd != -1)
			close(dfd);
		goto fail;
	}
	dfd = dirfd(d);
	if (flock(dfd, LOCK_EX) == -1) {
		log_warn("mail: lock %s", f.dir);
		goto fail;
	}
	if (list_messages(&f, d, &names, &n) == -1)
		goto fail;
	if (n == 0)
		goto done;
	if (mail_conf_get(conf, mailconf, &f.mc) == -1)
		goto fail;
	mail_conf_describe(&f.mc, f.desc, sizeof(f.desc));
	for (i = 0; i < n; i++) {
		/* One unreadable message must not hold up the others. */
		if ((rc = flush_one(&f, names[i])) == -1) {
			local = 1;
			continue;
		}
		if (rc == 0)
			removed = 1;
		still += rc;
	}
	if (f.deferred > 0 && f.session_logged)
		log_warnx("mail: %zu more message%s wait%s for the next "
		    "attempt", f.deferred, f.deferred == 1 ? "" : "s",
		    f.deferred == 1 ? "s" : "");
	if (removed && fsync(dfd) == -1)
		log_warn("mail: fsync %s", f.dir);
	if (local)
		goto fail;
	goto done;
fail:
	still = -1;
done:
	smtp_close(f.smtp);
	mail_conf_free(&f.mc);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d != NULL)
		closedir(d);
	free(f.dir);
	return still;
}

/*
 * mail_flush() in a child when the transport is SMTP: sending loads
 * libcurl (curl_api.c), whose libraries and OpenSSL setup would then
 * stay in the daemon for good, about 7 MiB beside its 10.  The outbox is
 * files, so what the child sent, or put off, is what the parent sees
 * next.  The same result, with more than 254 messages still queued
 * counted as 254; in-process if no child can be made.
 */
int
mail_flush_apart(const struct conf *conf, const json_t *mailconf)
{
	pid_t	 pid;
	int	 status, rc;

	if (json_object_get(mailconf, "smtp") == NULL)
		return mail_flush(conf, mailconf);
	fflush(stdout);
	fflush(stderr);
	/*
	 * Tied: the sender shares the state lock, and one left waiting on
	 * a silent server after `run` was killed would hold it.
	 */
	if ((pid = fork_tied()) == -1) {
		log_warn("mail: fork");
		return mail_flush(conf, mailconf);
	}
	if (pid == 0) {
		log_forked();
		rc = mail_flush(conf, mailconf);
		fflush(stderr);
		_exit(rc == -1 ? 255 : rc > 254 ? 254 : rc);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			log_warn("mail: waitpid");
			return -1;
		}
	if (WIFSIGNALED(status)) {
		log_warnx("mail: the sender was killed by signal %d (%s); "
		    "the messages stay in the outbox", WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		return -1;
	}
	rc = WEXITSTATUS(status);
	return rc == 255 ? -1 : rc;
}

