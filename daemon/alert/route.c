/* SPDX-License-Identifier: ISC */
/*
 * route.c: who gets which challenges.  An address of alerts.routes
 * follows the challenges of every route that names it; the addresses of
 * mail.to (or the mail's default recipient) follow every challenge no
 * route names, and those of any route naming them too.  Recipients that
 * follow the same challenges share one digest, so each address gets
 * exactly one, with only its own challenges.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "mail/mail.h"
#include "alert/alert.h"
#include "alert/alert_private.h"

/* The challenges of route r as a mask (bit n: challenge n). */
static uint64_t
route_mask(const json_t *r)
{
	const json_t	*c;
	uint64_t	 m = 0;
	size_t		 i;

	json_array_foreach(json_object_get(r, "challenges"), i, c)
		if (json_integer_value(c) >= 1 &&
		    json_integer_value(c) <= CHALLENGE_ROUTE_MAX)
			m |= (uint64_t)1 << json_integer_value(c);
	return m;
}

/* The mask address addr follows through the routes, 0 if none. */
static uint64_t
routed(const json_t *routes, const char *addr)
{
	const json_t	*r, *a;
	uint64_t	 m = 0;
	size_t		 i, j;

	json_array_foreach(routes, i, r)
		json_array_foreach(json_object_get(r, "to"), j, a)
			if (strcmp(json_string_value(a), addr) == 0)
				m |= route_mask(r);
	return m;
}

/* Add addr to the group of mask in g (a new one if there is none). */
static void
group_add(struct groups *g, uint64_t mask, const char *addr)
{
	size_t	 i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].mask == mask)
			break;
	if (i == g->n) {
		g->v = xreallocarray(g->v, g->n + 1, sizeof(*g->v));
		g->v[g->n].mask = mask;
		g->v[g->n].to = json_array();
		g->n++;
	}
	json_array_append_new(g->v[i].to, json_string(addr));
}

/* 1 if addr is in g already. */
static int
grouped(const struct groups *g, const char *addr)
{
	const json_t	*a;
	size_t		 i, j;

	for (i = 0; i < g->n; i++)
		json_array_foreach(g->v[i].to, j, a)
			if (strcmp(json_string_value(a), addr) == 0)
				return 1;
	return 0;
}

/*
 * The recipient groups of conf under ac's routes, into g (free with
 * route_groups_free()).  Without routes, one group of every challenge
 * whose "to" is NULL: the mail's own recipients, as before.
 */
void
route_groups(const struct conf *conf, const struct alertconf *ac,
    struct groups *g)
{
	const json_t	*mailto, *r, *a;
	uint64_t	 owned = 0, rest;
	size_t		 i, j;

	memset(g, 0, sizeof(*g));
	if (json_array_size(ac->routes) == 0) {
		g->v = xcalloc(1, sizeof(*g->v));
		g->v[0].mask = ~(uint64_t)0;
		g->n = 1;
		return;
	}
	json_array_foreach(ac->routes, i, r)
		owned |= route_mask(r);
	rest = ~owned;
	mailto = json_object_get(json_object_get(conf->root, "mail"), "to");
	if (json_is_string(mailto))
		group_add(g, rest | routed(ac->routes,
		    json_string_value(mailto)), json_string_value(mailto));
	json_array_foreach(mailto, i, a)
		if (!grouped(g, json_string_value(a)))
			group_add(g, rest | routed(ac->routes,
			    json_string_value(a)), json_string_value(a));
	/* No mail.to: the mail's default recipient has the rest. */
	if (mailto == NULL) {
		g->v = xreallocarray(g->v, g->n + 1, sizeof(*g->v));
		g->v[g->n].mask = rest;
		g->v[g->n].to = NULL;
		g->n++;
	}
	json_array_foreach(ac->routes, i, r)
		json_array_foreach(json_object_get(r, "to"), j, a)
			if (!grouped(g, json_string_value(a)))
				group_add(g, routed(ac->routes,
				    json_string_value(a)),
				    json_string_value(a));
}

void
route_groups_free(struct groups *g)
{
	size_t	 i;

	for (i = 0; i < g->n; i++)
		json_decref(g->v[i].to);
	free(g->v);
	memset(g, 0, sizeof(*g));
}

/* 1 if group gr follows the challenge of x. */
int
route_follows(const struct group *gr, const struct item *x)
{
	return x->ind->challenge >= 1 && x->ind->challenge <=
	    CHALLENGE_ROUTE_MAX && (gr->mask >> x->ind->challenge & 1) != 0;
}
