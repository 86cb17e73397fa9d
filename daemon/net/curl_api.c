/* SPDX-License-Identifier: ISC */
/*
 * curl_api.c: libcurl, loaded by the first transfer that needs it rather
 * than linked in.  Linked, libcurl brings 26 libraries (OpenSSL, GnuTLS
 * for RTMP, Kerberos, LDAP, SSH, ...) into every regiomon process and
 * costs each about 6 MiB of resident memory before it does anything
 * (measured: a program linked with librrd and jansson starts at 8.4 MiB,
 * with libcurl added at 14.1 MiB).  Only a plugin's child fetching a page
 * and the mailer transfer anything, both in children (mail_flush_apart()
 * in flush.c): the daemon, the parent of `run`, status, history, graph
 * and report never map it now.
 *
 * The soname is the one Debian's libcurl4 ships, whose headers
 * (libcurl4-openssl-dev) regiomon is built against.  The table is global,
 * like the library it stands for, and this file includes <curl/curl.h>
 * beside http.c and smtp.c only for the types of its functions.
 */
#include <dlfcn.h>
#include <string.h>

#include "core/core.h"
#include "model/model.h"
#include "net/net.h"
#include "net/curl_api.h"

#define LIBCURL_SONAME	"libcurl.so.4"

struct curl_api	 curl_api;

static int	 loaded;	/* 1 done, -1 not a usable libcurl */

/* dlsym(h, name) into *slot.  0, or -1 logged. */
static int
resolve(void *h, const char *name, void *slot)
{
	void	*f;

	if ((f = dlsym(h, name)) == NULL) {
		log_warnx("%s: no %s: %s", LIBCURL_SONAME, name, dlerror());
		return -1;
	}
	/* POSIX: a function pointer may be stored through a void *. */
	memcpy(slot, &f, sizeof(f));
	return 0;
}

/*
 * Load libcurl and fill in curl_api, once per process: the main thread or
 * a plugin's child, never a writer thread (nothing there transfers).  0,
 * or -1 logged.  A library that cannot be opened is tried again next
 * time (the daemon's next mail may find libcurl4 installed, or a file
 * descriptor free); one that lacks a function is not.
 */
int
curl_api_load(void)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} fn[] = {
#define FN(m)	{ "curl_" #m, offsetof(struct curl_api, m) }
		FN(global_init), FN(global_cleanup), FN(easy_init),
		FN(easy_setopt), FN(easy_perform), FN(easy_getinfo),
		FN(easy_cleanup), FN(easy_strerror), FN(slist_append),
		FN(slist_free_all), FN(url), FN(url_cleanup), FN(url_set),
		FN(url_get), FN(free), FN(getdate),
#undef FN
	};
	struct curl_api	 api;
	void		*h;
	size_t		 i;

	if (loaded != 0)
		return loaded == 1 ? 0 : -1;
	memset(&api, 0, sizeof(api));
	/* Never closed: OpenSSL, under it, cannot be unloaded anyway. */
	if ((h = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_warnx("cannot load libcurl: %s (install libcurl4)",
		    dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
		if (resolve(h, fn[i].name, (char *)&api + fn[i].off) == -1) {
			loaded = -1;
			return -1;
		}
	curl_api = api;
	loaded = 1;
	return 0;
}
