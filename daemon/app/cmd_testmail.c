/* SPDX-License-Identifier: ISC */
/*
 * cmd_testmail.c: `regiomon test-mail` sends a test message through the
 * configured transport, by the same outbox path as alert mail, and says
 * whether it was accepted or why not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "app/app.h"
#include "app/cmd.h"

static int
build_msg(const struct conf *conf, const struct mail_conf *mc,
    struct mail_msg *m)
{
	char	 host[256], desc[512], *to = NULL, *p;
	size_t	 i;

	mail_hostname(host, sizeof(host));
	mail_conf_describe(mc, desc, sizeof(desc));
	for (i = 0; i < mc->nto; i++) {
		if (asprintf(&p, "%s%s%s", to != NULL ? to : "",
		    i > 0 ? ", " : "", mc->to[i]) == -1) {
			free(to);
			return -1;
		}
		free(to);
		to = p;
	}
	if (asprintf(&m->subject, "regiomon test message from %s", host) ==
	    -1) {
		m->subject = NULL;
		free(to);
		return -1;
	}
	if (asprintf(&m->text,
	    "This is a test message from regiomon %s on %s.\n"
	    "\n"
	    "Config:     %s\n"
	    "Transport:  %s\n"
	    "From:       %s\n"
	    "To:         %s\n"
	    "\n"
	    "If you read this, alert mail from regiomon reaches you.\n",
	    REGIOMON_VERSION, host, conf->path, desc, mc->from, to) == -1) {
		m->text = NULL;
		free(to);
		return -1;
	}
	free(to);
	return 0;
}

/*
 * Queue a test message, flush the outbox, and report.  A test message that
 * was not accepted is taken out of the outbox again: it would only
 * surprise someone when it arrived hours later.  Exit 0 if the server or
 * the Maildir took it, 1 if not, 2 for arguments.
 */
int
cmd_test_mail(struct regiomon *rm, const struct opts *o, int argc,
    char **argv)
{
	const json_t		*mailconf;
	struct mail_conf	 mc;
	struct mail_msg		 m;
	char			 id[64], err[1024], desc[512], host[256];
	int			 rc = 1, pending;

	(void)o;
	/* main.c refused any argument. */
	(void)argc;
	(void)argv;
	memset(&m, 0, sizeof(m));
	mailconf = json_object_get(rm->conf->root, "mail");
	if (mail_conf_get(rm->conf, mailconf, &mc) == -1) {
		mail_conf_free(&mc);
		return EXIT_CONFIG;
	}
	mail_conf_describe(&mc, desc, sizeof(desc));
	if (build_msg(rm->conf, &mc, &m) == -1) {
		log_warnx("test-mail: out of memory");
		goto out;
	}
	if (mail_queue_id(rm->conf, mailconf, &m, id, sizeof(id)) == -1)
		goto out;
	if (mail_flush(rm->conf, mailconf) == -1)
		goto out;
	if ((pending = outbox_pending(rm->conf, id, err, sizeof(err))) == -1)
		goto out;
	if (pending) {
		out_printf(stderr, "regiomon: test-mail: not delivered via %s: "
		    "%s\n", desc, err);
		outbox_drop(rm->conf, id);
		goto out;
	}
	mail_hostname(host, sizeof(host));
	out_printf(stdout, "test message <%s@%s> delivered via %s to %zu "
	    "recipient%s\n", id, host, desc, mc.nto, mc.nto == 1 ? "" : "s");
	rc = 0;
out:
	mail_msg_free(&m);
	mail_conf_free(&mc);
	return rc;
}
