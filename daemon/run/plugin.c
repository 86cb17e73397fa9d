/* SPDX-License-Identifier: ISC */
/*
 * plugin.c: finding and loading source plugins.  A plugin is NAME.so in the
 * plugin dir, a regular file owned by root or by the user we run as and
 * writable by nobody else, in a directory that is so too (whoever may
 * write the directory may replace the file); it exports rm_plugin_init()
 * and must be built for our ABI major.  Anything else is refused with
 * the reason.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "model/model.h"
#include "run/run.h"

typedef int rm_init_fn(const struct rm_host *, struct rm_plugin *);

/*
 * Why no plugin may be loaded from dir, or NULL when its owner and mode
 * are fine.  A symlink is judged by what it points to.
 */
static const char *
plugin_dir_refusal(const char *dir, char *buf, size_t len)
{
	struct stat	 st;

	if (stat(dir, &st) == -1) {
		snprintf(buf, len, "%s", strerror(errno));
		return buf;
	}
	if (!S_ISDIR(st.st_mode))
		return "not a directory";
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(buf, len, "the plugin directory is owned by uid %lu, "
		    "not by root or the user regiomon runs as",
		    (unsigned long)st.st_uid);
		return buf;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(buf, len, "the plugin directory is writable by group "
		    "or others (mode %04o), who could put their own code in "
		    "it: chmod go-w %s", (unsigned int)(st.st_mode & 07777),
		    dir);
		return buf;
	}
	return NULL;
}

/* Why path may not be loaded, or NULL when its owner and mode are fine. */
static const char *
plugin_file_refusal(const char *path, char *buf, size_t len)
{
	struct stat	 st;

	if (lstat(path, &st) == -1) {
		snprintf(buf, len, "%s", strerror(errno));
		return buf;
	}
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(buf, len, "owned by uid %lu, not by root or the "
		    "user regiomon runs as", (unsigned long)st.st_uid);
		return buf;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others (chmod go-w)";
	return NULL;
}

/*
 * 1 if path starts like an ELF file.  dlopen() of anything else says
 * "file too short" or "invalid ELF header", which reads as a broken build
 * rather than a file that is no plugin at all (a script, a text file).
 * An unreadable file counts as ELF: dlopen() says what is wrong with it.
 */
static int
elf_file(const char *path)
{
	unsigned char	 magic[4];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 1;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == (ssize_t)sizeof(magic) ? memcmp(magic, "\177ELF", 4) == 0 :
	    n == -1;
}

/*
 * Open the plugin file path (checked) into *p: its constructors and
 * rm_plugin_init() run here.  0, or -1 with err saying why (the dlerror()
 * text, a missing symbol, another ABI major).  On failure nothing stays
 * loaded and path is freed; on success *p owns it.
 */
static int
plugin_open(char *path, const char *name, struct plugin *p, char *err,
    size_t errlen)
{
	rm_init_fn	*init;
	void		*h;

	memset(p, 0, sizeof(*p));
	if (!elf_file(path)) {
		snprintf(err, errlen, "%s: not a shared object (no ELF "
		    "header); a plugin is C built with cc -shared -fPIC, see "
		    "regiomon-plugin(7)", path);
		free(path);
		return -1;
	}
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "%s (missing libraries? see ldd(1))",
		    dlerror());
		free(path);
		return -1;
	}
	*(void **)&init = dlsym(h, "rm_plugin_init");
	if (init == NULL) {
		snprintf(err, errlen, "%s: no rm_plugin_init symbol; not a "
		    "regiomon plugin", path);
		goto fail;
	}
	if (init(host_table(), &p->desc) != RM_OK) {
		snprintf(err, errlen, "%s: rm_plugin_init failed: the plugin "
		    "refused this regiomon (plugin ABI %u.%u); rebuild it "
		    "against this regiomon's regiomon-plugin.h", path,
		    RM_ABI_MAJOR, RM_ABI_MINOR);
		goto fail;
	}
	if (p->desc.abi_major != RM_ABI_MAJOR) {
		snprintf(err, errlen, "%s: built for plugin ABI %u.%u, this "
		    "regiomon has ABI %u.%u; rebuild the plugin", path,
		    p->desc.abi_major, p->desc.abi_minor, RM_ABI_MAJOR,
		    RM_ABI_MINOR);
		goto fail;
	}
	if (p->desc.size < offsetof(struct rm_plugin, fini) +
	    sizeof(p->desc.fini) || p->desc.init == NULL ||
	    p->desc.collect == NULL || p->desc.fini == NULL) {
		snprintf(err, errlen, "%s: incomplete plugin descriptor", path);
		goto fail;
	}
	if (p->desc.name == NULL || strcmp(p->desc.name, name) != 0) {
		snprintf(err, errlen, "%s: calls itself \"%s\", not \"%s\" "
		    "(a plugin's name must be its file name)", path,
		    p->desc.name != NULL ? p->desc.name : "", name);
		goto fail;
	}
	p->name = xstrdup(name);
	p->path = path;
	p->handle = h;
	return 0;
fail:
	dlclose(h);
	free(path);
	memset(p, 0, sizeof(*p));
	return -1;
}

struct load_probe {
	const char	*path;
	const char	*name;
};

/* In a probe's child: open the plugin; its refusal is the report. */
static int
load_probe(void *arg, int fd)
{
	struct load_probe	*lp = arg;
	struct plugin		 p;
	char			 err[1024];

	if (plugin_open(xstrdup(lp->path), lp->name, &p, err,
	    sizeof(err)) == 0)
		return 0;
	write_all(fd, err, strlen(err));
	return 1;
}

/*
 * Load dir/NAME.so into *p.  0, or -1 with err saying why (a refused file,
 * the dlerror() text, a missing symbol, another ABI major, a crash or hang
 * while loading).  The plugin is opened in a probe's child first (see
 * probe.c), so its crash cannot take us down.  On failure nothing stays
 * loaded.
 */
int
plugin_load_file(const char *dir, const char *name, struct plugin *p,
    char *err, size_t errlen)
{
	struct load_probe	 lp;
	char			 why[1024], *path, *report;
	const char		*refusal;
	size_t			 len;
	int			 rc;

	memset(p, 0, sizeof(*p));
	if (!id_valid(name)) {
		snprintf(err, errlen, "invalid plugin name \"%s\"", name);
		return -1;
	}
	if ((refusal = plugin_dir_refusal(dir, why, sizeof(why))) != NULL) {
		snprintf(err, errlen, "%s: %s", dir, refusal);
		return -1;
	}
	xasprintf(&path, "%s/%s.so", dir, name);
	if ((refusal = plugin_file_refusal(path, why, sizeof(why))) != NULL) {
		snprintf(err, errlen, "%s: %s", path, refusal);
		free(path);
		return -1;
	}
	lp.path = path;
	lp.name = name;
	if ((rc = probe_run(load_probe, &lp, "loading", &report, &len, why,
	    sizeof(why))) != 0) {
		if (rc == -1)
			snprintf(err, errlen, "%s: %s", path, why);
		else if (len > 0)
			snprintf(err, errlen, "%s", report);
		else
			snprintf(err, errlen, "%s: exit status %d while "
			    "loading", path, rc);
		free(report);
		free(path);
		return -1;
	}
	free(report);
	return plugin_open(path, name, p, err, errlen);
}

/*
 * The loaded plugin NAME, loading it from dir on first use.  NULL with err
 * set when it cannot be loaded.  Borrowed until plugins_unload().
 */
const struct plugin *
plugins_get(struct plugins *ps, const char *dir, const char *name,
    char *err, size_t errlen)
{
	struct plugin	 p, *v;
	size_t		 i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	if (plugin_load_file(dir, name, &p, err, errlen) == -1)
		return NULL;
	if ((v = reallocarray(ps->v, ps->n + 1, sizeof(*v))) == NULL)
		fatal(NULL);
	ps->v = v;
	ps->v[ps->n] = p;
	return &ps->v[ps->n++];
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names of the NAME.so files in dir, sorted.  New array of new
 * strings; free each and the array.  -1 if dir cannot be read.
 */
int
plugins_list(const char *dir, char ***names, size_t *n)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv;
	size_t		 len;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, ".so") != 0)
			continue;
		if ((nv = reallocarray(v, *n + 1, sizeof(*v))) == NULL)
			fatal(NULL);
		v = nv;
		v[*n] = xstrdup(de->d_name);
		v[*n][len - 3] = '\0';
		(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), name_cmp);
	*names = v;
	return 0;
}

void
plugins_unload(struct plugins *ps)
{
	size_t	 i;

	for (i = 0; i < ps->n; i++) {
		dlclose(ps->v[i].handle);
		free(ps->v[i].name);
		free(ps->v[i].path);
	}
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}
