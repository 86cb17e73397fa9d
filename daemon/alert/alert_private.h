/* SPDX-License-Identifier: ISC */
/*
 * alert/alert_private.h: what the alert cycle (alert.c), the "alerts"
 * section (alertconf.c) and the digest text (digest.c) share.  Private to
 * alert/.
 */
#ifndef REGIOMON_ALERT_PRIVATE_H
#define REGIOMON_ALERT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "report/report.h"

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
	size_t	 summary_rows;	/* a digest of more rows is a summary */
	json_t	*routes;	/* alerts.routes, borrowed; NULL: none */
};

/* Challenges a route may name: each recipient's set is a bit mask. */
#define CHALLENGE_ROUTE_MAX	63

/* Recipients that follow the same challenges (route.c). */
struct group {
	uint64_t	 mask;	/* bit n: challenge n */
	json_t		*to;	/* addresses; NULL: the mail's own "to" */
};

struct groups {
	struct group	*v;
	size_t		 n;
};

/* alert.c */
const char *alert_mail_class(const char *);

/* alertconf.c */
void	alert_conf_get(const struct conf *, struct alertconf *);

/* A digest being written: what it shows, for digest_text/digest_html. */
#define DIGEST_NCOLS	5
#define DIGEST_WORST	10	/* rows a summary shows */
#define DIGEST_WIDTH	78	/* columns of the plain text */

struct digest {
	struct regiomon		*rm;
	const struct items	*all;	/* every item */
	struct items		 shown;	/* the rows shown, borrowed items */
	const char		**graph; /* row i's graph's cid, or NULL */
	const char		*subject;
	const char		*url;	/* report.url, or NULL */
	enum lang		 lang;
	int			 summary;
};
/* notices.c */
void	notices_text(FILE *, struct regiomon *, enum lang);
void	notices_html(FILE *, struct regiomon *, enum lang);

/* digest.c */
void	digest_cells(const struct item *, char [DIGEST_NCOLS][256],
	    enum lang);
int	digest_severity(const struct item *);
void	digest_heading(char *, size_t, struct regiomon *, int, enum lang);
int	digest_count_line(char *, size_t, const struct digest *, int);

/* digest_text.c */
void	digest_text(FILE *, const struct digest *);
void	digest_wrap(FILE *, const char *, size_t, size_t);

/* digest_html.c */
void	digest_html(FILE *, const struct digest *);

int	digest_build(struct regiomon *, const struct alertconf *,
	    const struct items *, struct mail_msg *);

/* route.c */
void	route_groups(const struct conf *, const struct alertconf *,
	    struct groups *);
void	route_groups_free(struct groups *);
int	route_follows(const struct group *, const struct item *);

#endif /* REGIOMON_ALERT_PRIVATE_H */
