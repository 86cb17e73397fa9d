/* SPDX-License-Identifier: ISC */
/*
 * outbox.c: every message is written to STATE/outbox/ and fsynced before
 * any attempt to send it, and removed only once the server (or the
 * Maildir) has it (flush.c sends).  A failed message stays, with its
 * attempts and next attempt time in a sidecar (id.retry), and is retried
 * with backoff by later flushes: an outage delays mail but neither loses
 * nor duplicates it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "mail/mail_private.h"

#define OUTBOX_DIR	"outbox"
#define OUTBOX_WAIT	30.0	/* seconds, for another process's flush */

/* STATE/outbox, new (caller frees). */
char *
outbox_dir(const struct conf *conf)
{
	return path_join(conf->state_dir, OUTBOX_DIR);
}

/* dir/id.ext, new (caller frees); NULL when out of memory (logged). */
char *
outbox_path(const char *dir, const char *id, const char *ext)
{
	char	*p;

	if (asprintf(&p, "%s/%s%s", dir, id, ext) == -1) {
		log_warnx("mail: out of memory");
		return NULL;
	}
	return p;
}

/*
 * A new id: the time in seconds and nanoseconds, so that file names sort
 * in queue order, and 64 random bits, so that ids from two processes in
 * the same nanosecond still differ.  0, or -1 (logged).
 */
static int
new_id(char *buf, size_t size)
{
	struct timespec		 ts;
	unsigned long long	 r;
	int			 n;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (mail_random(&r, sizeof(r)) == -1) {
		log_warn("mail: getrandom");
		return -1;
	}
	n = snprintf(buf, size, "%010lld.%09ld.%016llx", (long long)ts.tv_sec,
	    ts.tv_nsec, r);
	if (n < 0 || (size_t)n >= size) {
		log_warnx("mail: id buffer too small");
		return -1;
	}
	return 0;
}

/*
 * A message with recipients of its own (to: addresses, a route's) keeps
 * them in its retry sidecar, written before the message so that the
 * flush never sees one without the other; flush.c sends to them instead
 * of mail.to.  0, or -1 (logged).
 */
static int
queue_recipients(const char *dir, const char *id, const json_t *to)
{
	json_t	*r;
	char	*path, *text = NULL;
	int	 rc = -1;

	if ((path = outbox_path(dir, id, ".retry")) == NULL)
		return -1;
	if ((r = json_pack("{sO}", "to", to)) != NULL &&
	    (text = json_dumps(r, JSON_SORT_KEYS)) != NULL &&
	    write_file_atomic(path, text, strlen(text)) == 0)
		rc = 0;
	else
		log_warnx("mail %s: cannot keep its recipients", id);
	json_decref(r);
	free(text);
	free(path);
	return rc;
}

/*
 * Queue msg as mail_queue() does, to the addresses of to (an array of
 * strings, checked) instead of mail.to when to is not NULL; the id (also
 * the outbox file name and the left part of its Message-ID) is copied
 * to id when id is not NULL.
 */
static int
queue(const struct conf *conf, const json_t *mailconf,
    const struct mail_msg *msg, const json_t *to, char *id, size_t idsize)
{
	struct mail_conf	 mc;
	struct mail_head	 h;
	char			 host[256], msgid[512], myid[64];
	char			*dir = NULL, *path = NULL, *data = NULL;
	char			*own[MAIL_TO_MAX];
	size_t			 len, i;
	int			 rc = -1;

	if (mail_conf_get(conf, mailconf, &mc) == -1)
		goto out;
	if (new_id(myid, sizeof(myid)) == -1)
		goto out;
	mail_hostname(host, sizeof(host));
	snprintf(msgid, sizeof(msgid), "<%s@%s>", myid, host);
	memset(&h, 0, sizeof(h));
	h.from = mc.from;
	h.from_name = mc.from_name;
	h.to = mc.to;
	h.nto = mc.nto;
	if (to != NULL) {
		for (i = 0; i < json_array_size(to) && i < nitems(own); i++)
			own[i] = (char *)json_string_value(json_array_get(to,
			    i));
		h.to = own;
		h.nto = i;
	}
	h.msgid = msgid;
	h.date = time(NULL);
	if (mail_build(&h, msg, &data, &len) == -1)
		goto out;
	dir = outbox_dir(conf);
	/* A directory of its own: a link would put the mail elsewhere. */
	if (mkdir_beneath(conf->state_dir, OUTBOX_DIR, 0700) == -1)
		goto out;
	if (to != NULL && queue_recipients(dir, myid, to) == -1)
		goto out;
	if ((path = outbox_path(dir, myid, ".eml")) == NULL)
		goto out;
	/* write_file_atomic fsyncs the file, renames it, fsyncs dir. */
	if (write_file_atomic(path, data, len) == -1)
		goto out;
	log_debug("mail %s: queued (%zu bytes)", myid, len);
	if (id != NULL && strlcpy(id, myid, idsize) >= idsize)
		log_warnx("mail %s: id truncated for the caller", myid);
	rc = 0;
out:
	mail_conf_free(&mc);
	free(data);
	free(path);
	free(dir);
	return rc;
}

/*
 * As mail_queue(), and the message's id (also the outbox file name and
 * the left part of its Message-ID) is copied to id.
 */
int
mail_queue_id(const struct conf *conf, const json_t *mailconf,
    const struct mail_msg *msg, char *id, size_t idsize)
{
	return queue(conf, mailconf, msg, NULL, id, idsize);
}

/*
 * As mail_queue(), to the addresses of to (a JSON array of checked
 * addresses, at most MAIL_TO_MAX) rather than mail.to: the message keeps
 * them until it is delivered.
 */
int
mail_queue_to(const struct conf *conf, const json_t *mailconf,
    const struct mail_msg *msg, const json_t *to)
{
	return queue(conf, mailconf, msg, to, NULL, 0);
}

/*
 * Build msg for the recipients of mailconf (the config's "mail" object,
 * or NULL for the defaults) and store it in STATE/outbox/.  Returns 0 once
 * the message is on disk (fsynced), -1 (logged) otherwise.  Nothing is
 * sent here; mail_flush() does that.
 */
int
mail_queue(const struct conf *conf, const json_t *mailconf,
    const struct mail_msg *msg)
{
	return mail_queue_id(conf, mailconf, msg, NULL, 0);
}

/*
 * The retry sidecar of id in dir, or a new empty object when there is
 * none or it cannot be read (logged).  New (caller decrefs); NULL if out
 * of memory.
 */
json_t *
outbox_retry_load(const char *dir, const char *id)
{
	json_error_t	 jerr;
	json_t		*r = NULL;
	char		*path;
	int		 fd;

	if ((path = outbox_path(dir, id, ".retry")) == NULL)
		return NULL;
	/* Never a link followed, nor a FIFO opened to block (logged). */
	if ((fd = open_nofollow(path, O_RDONLY, 0)) != -1) {
		if ((r = json_loadfd(fd, 0, &jerr)) == NULL)
			log_warnx("mail %s: %s:%d: %s; starting the count "
			    "afresh", id, path, jerr.line, jerr.text);
		close(fd);
	}
	free(path);
	if (r != NULL && !json_is_object(r)) {
		json_decref(r);
		r = NULL;
	}
	return r != NULL ? r : json_object();
}

/*
 * Whether message id is still in the outbox: 1 (with the last error, or
 * "not attempted yet", in err), 0 if it left it, -1 (logged) on error.
 */
int
outbox_pending(const struct conf *conf, const char *id, char *err,
    size_t errlen)
{
	json_t		*r;
	const char	*e;
	char		*dir, *eml;
	int		 rc;

	dir = outbox_dir(conf);
	if ((eml = outbox_path(dir, id, ".eml")) == NULL) {
		free(dir);
		return -1;
	}
	if (access(eml, F_OK) == -1) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc == -1)
			log_warn("mail: %s", eml);
		goto out;
	}
	rc = 1;
	if ((r = outbox_retry_load(dir, id)) == NULL) {
		snprintf(err, errlen, "unknown error");
		goto out;
	}
	e = json_string_value(json_object_get(r, "last_error"));
	snprintf(err, errlen, "%s", e != NULL ? e : "not attempted yet");
	json_decref(r);
out:
	free(eml);
	free(dir);
	return rc;
}

/*
 * Remove message id and its sidecar from the outbox, holding the lock a
 * flush holds (flush.c), so that no other process is sending it.  0, or
 * -1 (logged).
 */
int
outbox_drop(const struct conf *conf, const char *id)
{
	char	*dir, *eml, *retry;
	int	 rc = -1, lock = -1;

	dir = outbox_dir(conf);
	eml = outbox_path(dir, id, ".eml");
	retry = outbox_path(dir, id, ".retry");
	if ((lock = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		log_warn("mail: %s", dir);
	else if (flock_wait(lock, OUTBOX_WAIT) == -1) {
		if (errno == EWOULDBLOCK)
			log_warnx("mail %s: another regiomon has been sending "
			    "from %s for %.0f seconds; the message stays in "
			    "the outbox", id, dir, OUTBOX_WAIT);
		else
			log_warn("mail %s: lock %s", id, dir);
	} else if (eml != NULL && retry != NULL) {
		rc = 0;
		if (unlink(eml) == -1 && errno != ENOENT) {
			log_warn("mail: %s", eml);
			rc = -1;
		}
		if (unlink(retry) == -1 && errno != ENOENT) {
			log_warn("mail: %s", retry);
			rc = -1;
		}
	}
	if (lock != -1)
		close(lock);
	free(eml);
	free(retry);
	free(dir);
	return rc;
}

/* Free the members of m (not m itself) and zero it.  NULL is fine. */
void
mail_msg_free(struct mail_msg *m)
{
	size_t	 i;

	if (m == NULL)
		return;
	free(m->subject);
	free(m->text);
	free(m->html);
	for (i = 0; i < m->nimages; i++) {
		free(m->images[i].cid);
		free(m->images[i].filename);
		free(m->images[i].data);
	}
	free(m->images);
	memset(m, 0, sizeof(*m));
}
