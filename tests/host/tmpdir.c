/* SPDX-License-Identifier: ISC */
/*
 * tmpdir.c: a cmocka setup and teardown that give each test a fresh
 * temp directory as its state (a new string, the path), removed with
 * all it holds afterwards.  Included by the unit tests that write files
 * (#include "tmpdir.c", with -Itests/host).
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
tmpdir_rm_entry(const char *path, const struct stat *st, int flag,
    struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static int
setup(void **state)
{
	char	 tmpl[] = "/tmp/regiomon-unit.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	*state = strdup(tmpl);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	nftw(*state, tmpdir_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}
