/* SPDX-License-Identifier: ISC */
/*
 * mailgraph.c: a series' graph in an alert mail, as an inline PNG that
 * the HTML part shows next to the digest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "report/report.h"
#include "alert/alert.h"

/*
 * Add the graph of ind in reg to an alert mail as an inline PNG, and a
 * reference to it ("cid:") at the end of the mail's HTML part.  A graph
 * that cannot be drawn is logged and left out: the alert still goes.
 * 0 if the image was added, -1 if not.
 */
int
mailgraph_attach(struct regiomon *rm, const struct indicator *ind,
    const struct region *reg, enum lang lang, struct mail_msg *msg)
{
	struct graph_req	 rq;
	struct mail_image	*v, img;
	unsigned char		*png;
	size_t			 len, hlen;
	char			*html = NULL, *body;
	FILE			*fp;

	if (msg->html == NULL ||
	    (body = strstr(msg->html, "</body>")) == NULL) {
		log_warnx("graph %s/%s: the mail has no HTML body to show it "
		    "in", ind->id, reg->id);
		return -1;
	}
	memset(&rq, 0, sizeof(rq));
	rq.ind = ind;
	rq.reg = reg;
	rq.lang = lang;
	rq.fmt = GRAPH_PNG;
	rq.width = GRAPH_MAIL_WIDTH;
	rq.height = GRAPH_MAIL_HEIGHT;
	if (graph_series(rm, &rq, &png, &len) != 0)
		return -1;
	memset(&img, 0, sizeof(img));
	img.data = png;
	img.len = len;
	if (asprintf(&img.cid, "%s.%s@regiomon", ind->id, reg->id) == -1)
		img.cid = NULL;
	if (asprintf(&img.filename, "%s-%s.png", ind->id, reg->id) == -1)
		img.filename = NULL;
	if (img.cid == NULL || img.filename == NULL ||
	    (fp = open_memstream(&html, &hlen)) == NULL)
		goto fail;
	fwrite(msg->html, 1, (size_t)(body - msg->html), fp);
	if (msg->nimages == 0) {
		fputs("<h2>", fp);
		report_html_puts(fp, label(lang, L_GRAPHS));
		fputs("</h2>\n", fp);
	}
	fprintf(fp, "<p><img src=\"cid:%s\" width=\"%d\" height=\"%d\" "
	    "alt=\"", img.cid, rq.width, rq.height);
	report_html_puts(fp, graph_title(lang, ind));
	fputs(" \xe2\x80\x94 ", fp);
	report_html_puts(fp, reg->name);
	fputs("\"></p>\n", fp);
	fputs(body, fp);
	if (ferror(fp) | (fclose(fp) == EOF))
		goto fail;
	if ((v = reallocarray(msg->images, msg->nimages + 1,
	    sizeof(*v))) == NULL)
		goto fail;
	msg->images = v;
	msg->images[msg->nimages++] = img;
	free(msg->html);
	msg->html = html;
	return 0;
fail:
	log_warn("graph %s/%s: mail", ind->id, reg->id);
	free(html);
	free(img.cid);
	free(img.filename);
	free(img.data);
	return -1;
}
