/* SPDX-License-Identifier: ISC */
/*
 * run_store.c: the end of a run, for `run` and the daemon alike.  A run
 * spools the child's observations to STATE/spool/SOURCE.jsonl.part,
 * renames it complete only when the run succeeded, then applies it: a
 * failed run stores nothing.
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
#include "run/run.h"

/*
 * Note in the state how a run of src ended: its time, and the failure
 * count and last error, or the last success and the source's mark.
 */
void
run_note_source(struct regiomon *rm, const struct source *src, int result,
    const char *why, const char *mark)
{
	json_t		*s = state_source(rm->state, src->name);
	json_int_t	 now = (json_int_t)time(NULL);

	json_object_set_new(s, "last_run", json_integer(now));
	if (result == JOB_FAILED) {
		json_object_set_new(s, "last_error", json_string(why));
		json_object_set_new(s, "failures", json_integer(
		    json_integer_value(json_object_get(s, "failures")) + 1));
		return;
	}
	json_object_set_new(s, "last_success", json_integer(now));
	json_object_set_new(s, "failures", json_integer(0));
	json_object_del(s, "last_error");
	if (mark != NULL)
		json_object_set_new(s, "mark", json_string(mark));
}

/*
 * Note in the state the observations a good run of src stored (one that
 * found its data unchanged leaves the last number): `regiomon sources`
 * shows it.
 */
void
run_note_observations(struct regiomon *rm, const struct source *src,
    size_t nobs)
{
	json_object_set_new(state_source(rm->state, src->name),
	    "observations", json_integer((json_int_t)nobs));
}

/*
 * Open the spool a run of src writes to, STATE/spool/SOURCE.jsonl.part.
 * A new FILE, or NULL (logged).
 */
FILE *
run_spool_open(const struct conf *conf, const struct source *src)
{
	char	*part = spool_path(conf, src->name, 0);
	FILE	*sink = NULL;
	int	 fd;

	/* Never a link followed out of the state dir, nor a FIFO. */
	if ((fd = open_nofollow(part, O_WRONLY | O_CREAT | O_TRUNC,
	    0640)) != -1 && (sink = fdopen(fd, "w")) == NULL) {
		log_warn("%s", part);
		close(fd);
	}
	free(part);
	return sink;
}

/*
 * Finish a run of src whose child ended with result (see job_finish(); a
 * NULL sink: the run could not start, for the reason in why): make the
 * spool durable, rename it complete, apply it, and note the run in the
 * state.  sink is closed.  Returns the final result, JOB_FAILED with why
 * filled in when storing failed; *nchanged is the number of series whose
 * file changed.  The run's failure is not logged here: `run` logs every
 * one, the daemon each change between working and failing (sched.c).
 */
int
run_store(struct regiomon *rm, const struct source *src, FILE *sink,
    int result, const char *mark, char *why, size_t whylen,
    struct ahead *ahead, int *nchanged)
{
	char	*part, *done;
	long	 refused = rm->nrefused;

	*nchanged = 0;
	if (sink == NULL) {
		run_note_source(rm, src, JOB_FAILED, why, NULL);
		return JOB_FAILED;
	}
	part = spool_path(rm->conf, src->name, 0);
	done = spool_path(rm->conf, src->name, 1);
	if (fflush(sink) == EOF || fsync(fileno(sink)) == -1) {
		result = JOB_FAILED;
		snprintf(why, whylen, "cannot write the spool %s: %s",
		    part, strerror(errno));
	}
	fclose(sink);
	if (result != JOB_OK) {
		unlink(part);
		goto out;
	}
	/* From here on the run counts: a crash now is finished at start. */
	if (rename(part, done) == -1) {
		log_warn("rename %s", done);
		unlink(part);
		result = JOB_FAILED;
		snprintf(why, whylen, "cannot keep the spool");
		goto out;
	}
	if ((*nchanged = apply_spool(rm, src->name, done, ahead)) < 0) {
		/* Nothing was stored; kept, it would fail every run. */
		result = JOB_FAILED;
		apply_set_aside(rm, src->name, done, *nchanged, 0, why,
		    whylen);
		*nchanged = 0;
		goto out;
	}
	unlink(done);
	/*
	 * A series refused (store_path.c): the others are stored, and the
	 * run fails, so that its source's mark stays and the next run
	 * fetches the series again, once the way to its file is clear.
	 */
	if (rm->nrefused > refused) {
		result = JOB_FAILED;
		snprintf(why, whylen, "%ld series refused: a link or a special "
		    "file is in the way to %s (see above); the others were "
		    "stored", rm->nrefused - refused,
		    rm->nrefused - refused == 1 ? "its file" : "their files");
	}
out:
	run_note_source(rm, src, result, why, mark);
	free(part);
	free(done);
	return result;
}
