/* SPDX-License-Identifier: ISC */
/*
 * vault.c: a run's child holds its own source's secrets and no other.
 * The parent reads the secret files that the source's plugin declared
 * in its config check (src->secrets, see host_check_secret()) just
 * before it forks; the child answers the plugin's read_secret() from
 * that copy alone and is shut out of every secret file (child.c); the
 * parent wipes its copy once the child is forked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"
#include "run/run_private.h"

/* Larger than any secret file secret_read() is asked for. */
#define VAULT_SECRET_MAX	65536

struct vault_item {
	char	*path;
	char	*value;		/* NULL: err says why it could not be read */
	size_t	 len;
	char	*err;
};

struct vault {
	struct vault_item	*v;
	size_t			 n;
};

/* The child's vault; NULL in the parent, where secrets are read at use. */
static const struct vault	*installed;

/* Read src's secret files, as the child will need them.  New. */
struct vault *
vault_fill(const struct source *src)
{
	struct vault		*vt = xcalloc(1, sizeof(*vt));
	struct vault_item	*it;
	char			 err[1024];
	size_t			 i;

	vt->v = xcalloc(src->nsecrets + 1, sizeof(*vt->v));
	for (i = 0; i < src->nsecrets; i++) {
		it = &vt->v[vt->n++];
		it->path = xstrdup(src->secrets[i]);
		it->value = xcalloc(1, VAULT_SECRET_MAX);
		if (secret_read(it->path, it->value, VAULT_SECRET_MAX,
		    &it->len, err, sizeof(err)) == -1) {
			free(it->value);
			it->value = NULL;
			it->err = xstrdup(err);
		}
	}
	return vt;
}

/* Zero and free vt; NULL does nothing. */
void
vault_wipe(struct vault *vt)
{
	size_t	 i;

	if (vt == NULL)
		return;
	for (i = 0; i < vt->n; i++) {
		if (vt->v[i].value != NULL) {
			explicit_bzero(vt->v[i].value, VAULT_SECRET_MAX);
			free(vt->v[i].value);
		}
		free(vt->v[i].path);
		free(vt->v[i].err);
	}
	free(vt->v);
	free(vt);
}

/* In the child: read_secret() answers from vt alone from now on. */
void
vault_install(const struct vault *vt)
{
	installed = vt;
}

/*
 * read_secret() in a run's child: 1 with the answer in *rc (RM_OK, or
 * RM_ERR with the reason in err) when a vault is installed, else 0 (the
 * file is read at use).
 */
int
vault_serve(const char *path, char *buf, size_t size, char *err,
    size_t errlen, int *rc)
{
	const struct vault_item	*it = NULL;
	size_t			 i;

	if (installed == NULL)
		return 0;
	*rc = RM_ERR;
	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < installed->n && it == NULL; i++)
		if (strcmp(installed->v[i].path, path) == 0)
			it = &installed->v[i];
	if (it == NULL)
		snprintf(err, errlen, "%s: not a secret file of this source's "
		    "config; a plugin reads only the secret files it names "
		    "in init() with check_secret()", path);
	else if (it->value == NULL)
		strlcpy(err, it->err, errlen);
	else if (it->len >= size)
		snprintf(err, errlen, "%s: larger than %zu bytes; a secret "
		    "file holds one short line", path, size - 1);
	else {
		memcpy(buf, it->value, it->len + 1);
		*rc = RM_OK;
	}
	return 1;
}
