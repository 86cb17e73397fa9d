/* SPDX-License-Identifier: ISC */
/*
 * alert.c: after each store step, evaluate the series with new data, check
 * every series for staleness, and mail what moved since the last notice
 * as one digest per run (its text is digest.c's).  The evaluation and
 * the last state mailed live in state.series[KEY].eval
 * (state_eval_get/put), so a restart neither repeats nor loses one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "eval/eval.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

/*
 * What a state means for mail: nodata is no news, like ok; a series that
 * was never mailed about was ok as far as the reader knows.
 */
const char *
alert_mail_class(const char *state)
{
	if (state == NULL || strcmp(state, "nodata") == 0)
		return "ok";
	return state;
}

static void
items_add(struct items *it, const struct item *x)
{
	struct item	*v;

	if ((v = reallocarray(it->v, it->n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	it->v = v;
	it->v[it->n++] = *x;
	json_incref(x->ev);
}

static void
items_free(struct items *it)
{
	size_t	 i;

	for (i = 0; i < it->n; i++)
		json_decref(it->v[i].ev);
	free(it->v);
}

static int
item_cmp(const void *a, const void *b)
{
	const struct item	*x = a, *y = b;

	if (x->ind->challenge != y->ind->challenge)
		return x->ind->challenge < y->ind->challenge ? -1 : 1;
	if (x->iorder != y->iorder)
		return x->iorder < y->iorder ? -1 : 1;
	if (x->rorder != y->rorder)
		return x->rorder < y->rorder ? -1 : 1;
	return 0;
}

/*
 * Decide what to tell about one series: a move (the state differs from
 * the one last mailed), a reminder, or nothing.  Silently record changes
 * that are no news (ok and nodata are the same to a reader) and resolved
 * notices the config does not want.
 */
static void
decide(struct regiomon *rm, const struct alertconf *ac,
    const struct silences *sil, const struct indicator *ind,
    const struct region *reg, json_t *ss, json_t *ev, time_t now,
    struct items *it)
{
	const char	*cur, *was;
	struct item	 x;
	json_int_t	 releases;

	cur = json_string_value(json_object_get(ev, "state"));
	was = json_string_value(json_object_get(ev, "notified_state"));
	if (cur == NULL)
		return;
	memset(&x, 0, sizeof(x));
	x.ind = ind;
	x.reg = reg;
	x.ss = ss;
	x.ev = ev;
	x.from = was;
	x.to = cur;
	x.iorder = (size_t)(ind - rm->catalog->indicators);
	x.rorder = (size_t)(reg - rm->catalog->regions);
	if (strcmp(alert_mail_class(cur), alert_mail_class(was)) == 0) {
		/* Replacing the member frees was: use cur from here on. */
		if (was == NULL || strcmp(cur, was) != 0) {
			json_object_set_new(ev, "notified_state",
			    json_string(cur));
			x.from = cur;
		}
		releases = json_integer_value(json_object_get(ev,
		    "releases_since_notice"));
		if (ac->reminder == 0 || releases < ac->reminder ||
		    (strcmp(cur, "warning") != 0 &&
		    strcmp(cur, "critical") != 0))
			return;
		x.kind = K_REMINDER;
	} else if (strcmp(cur, "ok") == 0) {
		if (!ac->send_resolved) {
			json_object_set_new(ev, "notified_state",
			    json_string(cur));
			return;
		}
		x.kind = K_RESOLVED;
	} else
		x.kind = K_MOVED;
	/* Silenced: the state moves on, the mail waits for the expiry. */
	if (silence_match(sil, ind->id, reg->id, now) != NULL)
		return;
	items_add(it, &x);
}


/* Split "IND/REG" into the catalog's indicator and region, or 0. */
static int
series_key(const struct catalog *cat, const char *key,
    const struct indicator **ind, const struct region **reg)
{
	const char	*slash = strchr(key, '/');
	char		 id[ID_MAX];

	if (slash == NULL || (size_t)(slash - key) >= sizeof(id))
		return 0;
	memcpy(id, key, (size_t)(slash - key));
	id[slash - key] = '\0';
	*ind = catalog_indicator(cat, id);
	*reg = catalog_region(cat, slash + 1);
	return *ind != NULL && *reg != NULL;
}

/*
 * Queue the digest of the items of it that group gr follows (none: no
 * mail), to gr's addresses.  0, or -1 (logged).
 */
static int
queue_group(struct regiomon *rm, const struct alertconf *ac,
    const struct items *it, const struct group *gr)
{
	struct mail_msg	 msg;
	struct items	 mine;
	json_t		*mailconf;
	size_t		 i;
	int		 rc = 0;

	memset(&mine, 0, sizeof(mine));
	for (i = 0; i < it->n; i++)
		if (route_follows(gr, &it->v[i]))
			items_add(&mine, &it->v[i]);
	if (mine.n == 0)
		return 0;
	mailconf = json_object_get(rm->conf->root, "mail");
	if (digest_build(rm, ac, &mine, &msg) == -1)
		rc = -1;
	else if ((rc = gr->to != NULL ? mail_queue_to(rm->conf, mailconf,
	    &msg, gr->to) : mail_queue(rm->conf, mailconf, &msg)) == 0)
		log_info("alert digest queued: %s", msg.subject);
	mail_msg_free(&msg);
	items_free(&mine);
	return rc;
}

/*
 * Queue the digests of it, one per group of recipients (route.c); once
 * all are queued the items count as told.  Should one fail, none count:
 * the next cycle mails them all again, the groups already served too.
 */
static int
send_digest(struct regiomon *rm, const struct alertconf *ac,
    const struct items *it, time_t now)
{
	struct groups	 g;
	size_t		 i;
	int		 rc = 0;

	route_groups(rm->conf, ac, &g);
	for (i = 0; i < g.n; i++)
		if (queue_group(rm, ac, it, &g.v[i]) == -1)
			rc = -1;
	route_groups_free(&g);
	if (rc == -1)
		return -1;
	for (i = 0; i < it->n; i++) {
		json_object_set(it->v[i].ev, "notified_state",
		    json_object_get(it->v[i].ev, "state"));
		json_object_set_new(it->v[i].ev, "notified_at",
		    json_integer((json_int_t)now));
		json_object_set_new(it->v[i].ev, "releases_since_notice",
		    json_integer(0));
		state_eval_put(it->v[i].ss, it->v[i].ev);
	}
	/* The digest told the notices (notices.c). */
	state_notices_clear(rm->state);
	/*
	 * Saved now, not at the end of the run: the digest is durable in
	 * the outbox, and a crash before the next save would mail it again.
	 */
	return state_save(rm->conf->state_dir, rm->state);
}

/*
 * One evaluation and alert cycle at now, after the sources of a run have
 * been stored: re-evaluate every series with fresh data (clearing
 * "fresh"), check every series for staleness, queue one digest of what
 * moved since the last notice (silenced series wait), then flush the
 * outbox.  A series that cannot be read keeps "fresh" for the next cycle;
 * a digest that cannot be queued is tried again next cycle, since the
 * notified states only advance once it is queued.  0, or -1 (logged).
 */
int
alert_cycle(struct regiomon *rm, time_t now)
{
	const struct indicator	*ind;
	const struct region	*reg;
	struct alertconf	 ac;
	struct silences		 sil;
	struct diags		 d;
	struct items		 it;
	const char		*key;
	json_t			*series, *ss, *ev;
	size_t			 i;
	int			 rc = 0, silok, left;

	memset(&it, 0, sizeof(it));
	memset(&d, 0, sizeof(d));
	alert_conf_get(rm->conf, &ac);
	if ((silok = silences_load(rm->conf->state_dir, &sil, &d)) == -1) {
		for (i = 0; i < d.n; i++)
			log_errx("%s: %s%s%s", d.v[i].file, d.v[i].where ?
			    d.v[i].where : "", d.v[i].where ? ": " : "",
			    d.v[i].msg);
		log_errx("no alert mail until the silences can be read");
		diag_free(&d);
		rc = -1;
	}
	series = json_object_get(rm->state, "series");
	json_object_foreach(series, key, ss) {
		if (!series_key(rm->catalog, key, &ind, &reg)) {
			log_debug("%s: not in the catalog, not evaluated",
			    key);
			continue;
		}
		if ((ev = record_cycle_eval(rm, ind, reg->id, ss)) == NULL) {
			rc = -1;
			continue;
		}
		record_stale(ev, ind, now);
		if (silok == 0)
			decide(rm, &ac, &sil, ind, reg, ss, ev, now, &it);
		state_eval_put(ss, ev);
		json_decref(ev);
	}
	if (it.n > 0) {
		qsort(it.v, it.n, sizeof(it.v[0]), item_cmp);
		if (send_digest(rm, &ac, &it, now) == -1)
			rc = -1;
	}
	items_free(&it);
	if (silok == 0)
		silences_free(&sil);
	left = mail_flush_apart(rm->conf, json_object_get(rm->conf->root,
	    "mail"));
	if (left == -1)
		rc = -1;
	else if (left > 0)
		log_notice("%d alert mail%s still queued in %s/outbox", left,
		    left == 1 ? "" : "s", rm->conf->state_dir);
	return rc;
}
