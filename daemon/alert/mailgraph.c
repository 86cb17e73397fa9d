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
 * Add the graph of ind in reg to an alert mail as an inline PNG, whose
 * content id (IND.REGION@regiomon) the HTML part's row refers to (see
 * digest_html.c).  A graph that cannot be drawn is logged and left out:
 * the alert still goes.  0 if the image was added, -1 if not.
 */
int
mailgraph_attach(struct regiomon *rm, const struct indicator *ind,
    const struct region *reg, enum lang lang, struct mail_msg *msg)
{
	struct graph_req	 rq;
	struct mail_image	*v, img;
	unsigned char		*png;
	size_t			 len;

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
	if (img.cid == NULL || img.filename == NULL)
		goto fail;
	if ((v = reallocarray(msg->images, msg->nimages + 1,
	    sizeof(*v))) == NULL)
		goto fail;
	msg->images = v;
	msg->images[msg->nimages++] = img;
	return 0;
fail:
	log_warn("graph %s/%s: mail", ind->id, reg->id);
	free(img.cid);
	free(img.filename);
	free(img.data);
	return -1;
}
