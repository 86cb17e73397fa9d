/* SPDX-License-Identifier: ISC */
/*
 * mailq: drives the outbox from tests the way the alert code does: load a
 * config, build a struct mail_msg from the command line and files, call
 * mail_queue(), or call mail_flush().  tests/integration/test_mail.py uses
 * it to queue messages with inline images and to flush between outages.
 *
 * usage: mailq CONFIG queue [-s SUBJECT] [-t TEXTFILE] [-h HTMLFILE]
 *            [-i CID=PNGFILE]...       prints the message's id
 *        mailq CONFIG flush            prints the number still queued
 * Exit 0 on success, 1 on failure, 2 for usage, 78 for a bad config.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"
#include "net/net.h"
#include "eval/eval.h"
#include "run/run.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"
#include "app/app.h"

static __dead void
usage(void)
{
	fprintf(stderr, "usage: mailq CONFIG queue [-s SUBJECT] [-t TEXTFILE] "
	    "[-h HTMLFILE] [-i CID=PNGFILE]...\n"
	    "       mailq CONFIG flush\n");
	exit(EXIT_USAGE);
}

/* The whole of path, NUL-terminated, new; exits on failure. */
static unsigned char *
slurp(const char *path, size_t *lenp)
{
	FILE		*fp;
	unsigned char	*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "mailq: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap == 0 ? 8192 : cap * 2;
			if ((nbuf = realloc(buf, cap + 1)) == NULL) {
				fprintf(stderr, "mailq: out of memory\n");
				exit(1);
			}
			buf = nbuf;
		}
		if ((n = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	if (ferror(fp)) {
		fprintf(stderr, "mailq: %s: read error\n", path);
		exit(1);
	}
	fclose(fp);
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

static int
do_queue(const struct conf *conf, const json_t *mailconf, int argc,
    char **argv)
{
	struct mail_msg		 m;
	struct mail_image	*img, *nimg;
	char			 id[64], *eq;
	int			 ch, rc;

	memset(&m, 0, sizeof(m));
	while ((ch = getopt(argc, argv, "h:i:s:t:")) != -1) {
		switch (ch) {
		case 'h':
			free(m.html);
			m.html = (char *)slurp(optarg, NULL);
			break;
		case 'i':
			if ((eq = strchr(optarg, '=')) == NULL)
				usage();
			nimg = reallocarray(m.images, m.nimages + 1,
			    sizeof(*m.images));
			if (nimg == NULL)
				return 1;
			m.images = nimg;
			img = &m.images[m.nimages++];
			memset(img, 0, sizeof(*img));
			img->cid = strndup(optarg, (size_t)(eq - optarg));
			img->filename = strdup(strrchr(eq + 1, '/') != NULL ?
			    strrchr(eq + 1, '/') + 1 : eq + 1);
			img->data = slurp(eq + 1, &img->len);
			break;
		case 's':
			free(m.subject);
			m.subject = strdup(optarg);
			break;
		case 't':
			free(m.text);
			m.text = (char *)slurp(optarg, NULL);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	rc = mail_queue_id(conf, mailconf, &m, id, sizeof(id));
	mail_msg_free(&m);
	if (rc == -1)
		return 1;
	printf("%s\n", id);
	return 0;
}

int
main(int argc, char **argv)
{
	struct diags	 d;
	struct conf	*conf;
	const json_t	*mailconf;
	int		 rc, n;

	if (argc < 3)
		usage();
	log_init(0, getenv("MAILQ_VERBOSE") != NULL);
	memset(&d, 0, sizeof(d));
	if ((conf = setup_conf(argv[1], &d)) == NULL) {
		diag_print(&d, stderr);
		diag_free(&d);
		return EXIT_CONFIG;
	}
	if (http_global_init() == -1) {
		conf_free(conf);
		return 1;
	}
	mailconf = json_object_get(conf->root, "mail");
	if (strcmp(argv[2], "queue") == 0) {
		rc = do_queue(conf, mailconf, argc - 2, argv + 2);
	} else if (strcmp(argv[2], "flush") == 0 && argc == 3) {
		if ((n = mail_flush(conf, mailconf)) == -1)
			rc = 1;
		else {
			printf("%d\n", n);
			rc = 0;
		}
	} else
		usage();
	conf_free(conf);
	http_global_cleanup();
	return rc;
}
