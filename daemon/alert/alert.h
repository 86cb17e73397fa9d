/* SPDX-License-Identifier: ISC */
/*
 * alert/alert.h: alerts: the "alerts" config section, the decision what to
 * mail after a cycle, and the digest text.
 */
#ifndef REGIOMON_ALERT_H
#define REGIOMON_ALERT_H

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "report/report.h"

/* alert.c */
int	alert_cycle(struct regiomon *, time_t);

/* alertconf.c */
int	alert_conf_check(const json_t *, const char *, struct diags *);

/* mailgraph.c */
int	mailgraph_attach(struct regiomon *, const struct indicator *,
	    const struct region *, enum lang, struct mail_msg *);

#endif /* REGIOMON_ALERT_H */
