/* SPDX-License-Identifier: ISC */
/*
 * alert/alert_private.h: what the alert cycle (alert.c), the "alerts"
 * section (alertconf.c) and the digest text (digest.c) share.  Private to
 * alert/.
 */
#ifndef REGIOMON_ALERT_PRIVATE_H
#define REGIOMON_ALERT_PRIVATE_H

#include <stddef.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"

enum kind {
	K_MOVED,		/* a new state, worse or better */
	K_RESOLVED,		/* back to ok */
	K_REMINDER		/* still warning or critical, N releases on */
};

/* One line of the digest; ev is its own, the rest borrowed from rm. */
struct item {
	const struct indicator	*ind;
	const struct region	*reg;
	json_t			*ss;	/* the series, for state_eval_put */
	json_t			*ev;
	const char		*from;	/* NULL: never mailed before */
	const char		*to;
	enum kind		 kind;
	size_t			 iorder, rorder;
};

/* The digest's lines, by challenge in catalog order (alert.c's item_cmp). */
struct items {
	struct item	*v;
	size_t		 n;
};

/* The "alerts" settings, as alert_conf_get() reads them. */
struct alertconf {
	int	 reminder;	/* releases, 0: never */
	int	 send_resolved;
};

/* alert.c */
const char *alert_mail_class(const char *);

/* alertconf.c */
void	alert_conf_get(const struct conf *, struct alertconf *);

/* notices.c */
void	notices_text(FILE *, struct regiomon *, enum lang);
void	notices_html(FILE *, struct regiomon *, enum lang);

/* digest.c */
int	digest_build(struct regiomon *, const struct items *,
	    struct mail_msg *);

#endif /* REGIOMON_ALERT_PRIVATE_H */
