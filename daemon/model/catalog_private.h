/* SPDX-License-Identifier: ISC */
/*
 * model/catalog_private.h: what the catalog loader's files share while
 * catalog_load() reads: catalog.c walks each file, catalog_ind.c checks
 * the indicators, catalog_check.c checks what spans the files.
 */
#ifndef REGIOMON_MODEL_CATALOG_PRIVATE_H
#define REGIOMON_MODEL_CATALOG_PRIVATE_H

#include "core/core.h"
#include "model/model.h"

/* Where an entry was defined, for "first at" in duplicate messages. */
struct catalog_origin {
	const char	*file;
	size_t		 index;
};

/* A region or challenge named somewhere, checked once all files are in. */
struct catalog_ref {
	const char	*file;
	char		*where;		/* new */
	const char	*region;	/* NULL: a challenge reference */
	int		 challenge;
};

/* What one catalog_load call is working on; ck.kt.arg points here. */
struct catalog_ctx {
	struct conf_kt		 ck;	/* ck.file: the file being read */
	struct catalog		*cat;
	struct catalog_origin	*rorig;	/* parallel to cat->regions */
	struct catalog_origin	*corig;	/* ... to cat->challenges */
	struct catalog_origin	*iorig;	/* ... to cat->indicators */
	struct catalog_ref	*refs;
	size_t			 nrefs;
};

/* catalog.c */
void	*catalog_grow(void *, size_t, size_t, size_t);
void	 catalog_ref_add(struct catalog_ctx *, const char *, const char *,
	    int);
void	 catalog_dup_add(struct catalog_ctx *, const char *, const char *,
	    const char *, const char *, const struct catalog_origin *);

/* catalog_ind.c */
keytab_fn catalog_ind_indicators;

/* catalog_check.c */
void	 catalog_check_refs(struct catalog_ctx *);
void	 catalog_check_parents(struct catalog_ctx *);
void	 catalog_check_codes(struct catalog_ctx *);

#endif /* REGIOMON_MODEL_CATALOG_PRIVATE_H */
