/* SPDX-License-Identifier: ISC */
/*
 * test_nofollow.c: core/nofollow.c and store_check() in a temp dir: a
 * link is never followed (nothing made or written where it points), a
 * FIFO is refused at once instead of blocking, directories are made
 * below the base only, and a lock is waited for a bounded time.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "model/model.h"
#include "store/store.h"

#include "tmpdir.c"

/* dir/name, new. */
static char *
at(const char *dir, const char *name)
{
	char	*p;

	xasprintf(&p, "%s/%s", dir, name);
	return p;
}

static void
test_open(void **state)
{
	const char	*dir = *state;
	char		*reg = at(dir, "reg"), *lnk = at(dir, "lnk");
	char		*fifo = at(dir, "fifo"), *dang = at(dir, "dang");
	char		*target = at(dir, "target");
	double		 t0;
	int		 fd;

	assert_int_not_equal(fd = open_nofollow(reg, O_WRONLY | O_CREAT,
	    0640), -1);
	close(fd);
	assert_int_not_equal(fd = open_nofollow(reg, O_RDONLY, 0), -1);
	/* Not left non-blocking. */
	assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	close(fd);

	assert_int_equal(symlink(reg, lnk), 0);
	assert_int_equal(open_nofollow(lnk, O_RDONLY, 0), -1);
	assert_int_equal(errno, ELOOP);

	/* A dangling link is not made into a file where it points. */
	assert_int_equal(symlink(target, dang), 0);
	assert_int_equal(open_nofollow(dang, O_WRONLY | O_CREAT, 0640), -1);
	assert_int_equal(access(target, F_OK), -1);

	/* A FIFO is refused at once, for reading and for writing. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	t0 = mono_now();
	assert_int_equal(open_nofollow(fifo, O_RDONLY, 0), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(open_nofollow(fifo, O_WRONLY | O_CREAT | O_TRUNC,
	    0640), -1);
	assert_true(mono_now() - t0 < 1.0);

	assert_int_equal(open_nofollow(target, O_RDONLY, 0), -1);
	assert_int_equal(errno, ENOENT);
	free(reg);
	free(lnk);
	free(fifo);
	free(dang);
	free(target);
}

static void
test_mkdir_beneath(void **state)
{
	const char	*dir = *state;
	char		*out = at(dir, "out"), *base = at(dir, "base");
	char		*p;
	struct stat	 st;

	assert_int_equal(mkdir_beneath(base, "a/b", 0750), 0);
	p = at(base, "a/b");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(p);
	assert_int_equal(mkdir_beneath(base, "a/b", 0750), 0);

	/* A link on the way: refused, nothing made where it points. */
	assert_int_equal(mkdir(out, 0750), 0);
	p = at(base, "l");
	assert_int_equal(symlink(out, p), 0);
	free(p);
	assert_int_equal(mkdir_beneath(base, "l/x", 0750), -1);
	assert_int_equal(errno, ENOTDIR);
	p = at(out, "x");
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	assert_int_equal(mkdir_beneath(base, "l", 0750), -1);
	free(out);
	free(base);
}

static void
test_flock_wait(void **state)
{
	char	*p = at(*state, "lock");
	double	 t0;
	int	 a, b;

	assert_int_not_equal(a = open(p, O_RDWR | O_CREAT, 0600), -1);
	assert_int_not_equal(b = open(p, O_RDWR), -1);
	assert_int_equal(flock(a, LOCK_EX), 0);
	t0 = mono_now();
	assert_int_equal(flock_wait(b, 0.2), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	assert_true(mono_now() - t0 >= 0.2);
	assert_true(mono_now() - t0 < 2.0);
	close(a);
	assert_int_equal(flock_wait(b, 0.2), 0);
	close(b);
	free(p);
}

static void
test_store_check(void **state)
{
	const char	*dir = *state;
	char		*out = at(dir, "out"), *p;
	int		 exists = -1;

	/* Nothing there: not made without STORE_CREATE. */
	assert_int_equal(store_check(dir, "ind", "reg", 0, &exists), 0);
	assert_int_equal(exists, 0);
	p = at(dir, "rrd");
	assert_int_equal(access(p, F_OK), -1);
	free(p);
	assert_int_equal(store_check(dir, "ind", "reg", STORE_CREATE,
	    &exists), 0);
	assert_int_equal(exists, 0);
	p = at(dir, "rrd/ind");
	assert_int_equal(access(p, F_OK), 0);
	free(p);

	/* A regular file is there; a FIFO is refused, also quietly. */
	p = at(dir, "rrd/ind/reg.rrd");
	close(open(p, O_WRONLY | O_CREAT, 0600));
	assert_int_equal(store_check(dir, "ind", "reg", 0, &exists), 0);
	assert_int_equal(exists, 1);
	unlink(p);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(store_check(dir, "ind", "reg", 0, &exists),
	    STORE_REFUSED);
	assert_int_equal(store_check(dir, "ind", "reg", STORE_QUIET,
	    &exists), STORE_REFUSED);
	assert_int_equal(store_exists(dir, "ind", "reg"), 1);
	free(p);

	/* A linked indicator directory: refused, even to make it. */
	assert_int_equal(mkdir(out, 0750), 0);
	p = at(dir, "rrd/other");
	assert_int_equal(symlink(out, p), 0);
	free(p);
	assert_int_equal(store_check(dir, "other", "reg", STORE_CREATE,
	    &exists), STORE_REFUSED);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_beneath, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_flock_wait, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_store_check, setup,
		    teardown),
	};

	log_init(0, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
