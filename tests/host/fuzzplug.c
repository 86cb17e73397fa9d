/* SPDX-License-Identifier: ISC */
/*
 * fuzzplug.c: running a plugin on a fuzz input through the fake host
 * (fakehost.c, included here), for the plugin fuzz targets in
 * tests/fuzz/.  The plugin goes through its public entry points only
 * (init, collect, fini), so the targets keep working while the plugin's
 * inside changes.  Every GET is answered from the fuzz input: the input
 * is split at lines "====" into parts; requests for a data entity get
 * part 0, the other requests, in the order they come, parts 1, 2, ... and
 * past the last part a valid default body the target names for that
 * entity.  The fake host checks what the plugin emits as the daemon does.
 * Test code: its state is file-scope and reset for every input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.c"

#define FH_SEP		"\n====\n"
#define FH_PARTS	16

/* A catalog region: id and its code in one scheme. */
struct fh_region {
	const char	*id;
	const char	*scheme;
	const char	*code;
};

/* A default answer: the entity (last path segment) and its body. */
struct fh_default {
	const char	*entity;
	const char	*body;
};

static const char		*fh_part[FH_PARTS];
static size_t			 fh_len[FH_PARTS];
static size_t			 fh_nparts, fh_next;
static const char *const	*fh_data;	/* data entities */
static const struct fh_default	*fh_defaults;

/* The entity a URL asks for: its last path segment, without the query. */
static void
fh_entity(const char *url, char *buf, size_t size)
{
	const char	*q, *s;
	size_t		 n;

	q = url + strcspn(url, "?#");
	for (s = q; s > url && s[-1] != '/'; s--)
		;
	n = (size_t)(q - s);
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static int
fh_fuzz_get(const struct rm_request *req, struct rm_response *resp)
{
	const char	*body = NULL;
	char		 entity[128];
	size_t		 len = 0, i;

	fh_entity(req->url, entity, sizeof(entity));
	for (i = 0; fh_data[i] != NULL; i++)
		if (strcmp(entity, fh_data[i]) == 0)
			break;
	if (fh_data[i] != NULL) {
		body = fh_part[0];
		len = fh_len[0];
	} else if (fh_next < fh_nparts) {
		body = fh_part[fh_next];
		len = fh_len[fh_next++];
	} else {
		for (i = 0; fh_defaults[i].entity != NULL; i++)
			if (strcmp(fh_defaults[i].entity, entity) == 0)
				break;
		if (fh_defaults[i].entity == NULL) {
			resp->status = 404;
			return RM_ERR;
		}
		body = fh_defaults[i].body;
		len = strlen(body);
	}
	/* Host-owned and NUL-terminated, as http.c hands it over. */
	if ((resp->body = malloc(len + 1)) == NULL)
		abort();
	memcpy(resp->body, body, len);
	resp->body[len] = '\0';
	resp->len = len;
	resp->status = 200;
	return RM_OK;
}

/* Split the input into the parts the GETs are answered with. */
static void
fh_split(const uint8_t *data, size_t len)
{
	const char	*p = (const char *)data, *e = p + len, *s;
	size_t		 sl = strlen(FH_SEP);

	fh_nparts = 0;
	fh_next = 1;
	while (fh_nparts < FH_PARTS) {
		s = memmem(p, (size_t)(e - p), FH_SEP, sl);
		fh_part[fh_nparts] = p;
		fh_len[fh_nparts++] = s != NULL ? (size_t)(s - p) :
		    (size_t)(e - p);
		if (s == NULL)
			break;
		p = s + sl;
	}
}

/*
 * Run the plugin once on the input with the config text conf: init,
 * collect, fini.  The plugin must not crash, leak or refuse the config
 * (the targets' configs are valid: a config error is a bug).
 */
static void
fh_run(const struct rm_plugin *plug, const char *conf, const uint8_t *data,
    size_t len)
{
	json_error_t	 jerr;
	json_t		*j;
	void		*state = NULL;

	fh_split(data, len);
	fh_clear();
	if ((j = json_loads(conf, 0, &jerr)) == NULL) {
		fprintf(stderr, "fuzzplug: bad config: %s\n", jerr.text);
		abort();
	}
	if (plug->init(fh_ctx(), j, &state) != RM_OK ||
	    fh_nconf_errors() != 0) {
		fh_dump(stderr);
		fprintf(stderr, "fuzzplug: init refused %s\n", conf);
		abort();
	}
	json_decref(j);
	plug->collect(fh_ctx(), state);
	plug->fini(state);
	if (getenv("FAKEHOST_VERBOSE") != NULL)
		fh_dump(stderr);
	fh_clear();
}

/*
 * The plugin's descriptor, filled in once, and the fake host's catalog:
 * indicators as pairs of id and frequency, then NULL.
 */
static const struct rm_plugin *
fh_plugin(const char *const *data, const struct fh_default *defaults,
    const char *const *indicators, const struct fh_region *regions)
{
	static struct rm_plugin	 plug;
	static const char *const *done;
	size_t			 i;

	fh_data = data;
	fh_defaults = defaults;
	if (done == indicators)
		return &plug;
	log_init(0, 0);
	fh_reset();
	for (i = 0; indicators[i] != NULL; i += 2)
		fh_add_indicator(indicators[i], indicators[i + 1]);
	for (i = 0; regions[i].id != NULL; i++)
		fh_add_region(regions[i].id, regions[i].scheme,
		    regions[i].code);
	fh_set_http(fh_fuzz_get);
	if (rm_plugin_init(fh_host(), &plug) != RM_OK)
		abort();
	done = indicators;
	return &plug;
}
