/* SPDX-License-Identifier: ISC */
/*
 * mail/mail.h: mail: building MIME messages, the mail config, the outbox,
 * SMTP and Maildir delivery.
 */
#ifndef REGIOMON_MAIL_H
#define REGIOMON_MAIL_H

#include "core/core.h"
#include "model/model.h"

/*
 * A mail to send, before encoding: mail.c turns it into an RFC 5322
 * message (text part, HTML alternative, inline images referenced from the
 * HTML as "cid:<cid>").  All strings are UTF-8; header values are
 * sanitised by mail.c, never by the caller.
 */
struct mail_image {
	char		*cid;		/* e.g. "unemployment-rate.groningen" */
	char		*filename;	/* e.g. "jobs-assen.png" */
	unsigned char	*data;		/* PNG bytes */
	size_t		 len;
};

struct mail_msg {
	char		*subject;
	char		*text;		/* plain text body, '\n' line ends */
	char		*html;		/* HTML alternative, or NULL */
	struct mail_image *images;
	size_t		 nimages;
};

/* mail.c */
struct mail_head {
	const char	*from;		/* bare address */
	const char	*from_name;	/* display name, or NULL */
	char *const	*to;
	size_t		 nto;
	const char	*msgid;		/* "<id@host>" */
	time_t		 date;
};
int	mail_build(const struct mail_head *, const struct mail_msg *,
	    char **, size_t *);
int	mail_random(void *, size_t);
void	mail_hostname(char *, size_t);

/* header.c */
char	*mail_header_clean(const char *);

/* mailconf.c */
enum mail_transport {
	MAIL_MAILDIR,
	MAIL_SMTP
};
/* Addresses one message goes to: mail.to, and a route's (alert/route.c). */
#define MAIL_TO_MAX	100

struct mail_conf {
	enum mail_transport transport;
	char		*from;
	char		*from_name;
	char		**to;
	size_t		 nto;
	char		*maildir;	/* resolved against the state dir */
	char		*url;		/* smtp:// or smtps:// */
	char		*username;	/* NULL: no AUTH */
	char		*password_file;	/* resolved against the config dir */
	char		*ca_file;	/* NULL: the system's CAs */
	long		 timeout;	/* seconds */
	int		 starttls;	/* require STARTTLS on smtp:// */
	int		 implicit_tls;	/* smtps:// */
	int		 loopback;
};
int	mail_conf_check(const json_t *, const char *, struct diags *);
int	mail_conf_get(const struct conf *, const json_t *, struct mail_conf *);
void	mail_conf_free(struct mail_conf *);
const char *mail_conf_describe(const struct mail_conf *, char *, size_t);

/* outbox.c */
int	mail_queue(const struct conf *, const json_t *,
	    const struct mail_msg *);
int	mail_queue_to(const struct conf *, const json_t *,
	    const struct mail_msg *, const json_t *);
int	mail_queue_id(const struct conf *, const json_t *,
	    const struct mail_msg *, char *, size_t);
void	mail_msg_free(struct mail_msg *);
int	outbox_pending(const struct conf *, const char *, char *, size_t);
int	outbox_drop(const struct conf *, const char *);

/* flush.c */
int	mail_flush(const struct conf *, const json_t *);
int	mail_flush_apart(const struct conf *, const json_t *);

/* smtp.c */
struct smtp;
int	smtp_url_check(const char *, int *, int *, char *, size_t);
#define SMTP_PASSWORD_MAX	1024	/* the password file, newline and all */
int	smtp_read_password(const char *, char *, size_t, char *, size_t);
struct smtp *smtp_open(const struct mail_conf *, char *, size_t);
int	smtp_recipients(struct smtp *, char *const *, size_t, char *, size_t);
int	smtp_send(struct smtp *, const char *, size_t, int *, long *, char *,
	    size_t);
void	smtp_close(struct smtp *);

/* maildir.c */
int	maildir_deliver(const char *, const char *, size_t, char *, size_t);

#endif /* REGIOMON_MAIL_H */
