/* SPDX-License-Identifier: ISC */
/*
 * zip.c: the CSV inside a UWV ZIP, read with libarchive (Debian's
 * libarchive-dev) rather than a hand-written inflater: the first member
 * matching the configured pattern, within a size cap, or a clear error
 * for a corrupt archive or one without such a member.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

#include "uwv.h"

/*
 * Find the member matching st->member in the ZIP body (borrowed) and fold
 * it into t.  0, or -1 logged: a corrupt archive, no matching member
 * (naming the members there are), or a member past the size cap.  Long
 * because the member is read in growing chunks within the cap.
 */
int
uw_zip(struct rm_ctx *ctx, struct uw_state *st, const char *body,
    size_t len, struct uw_table *t)
{
	struct archive		*a;
	struct archive_entry	*ent;
	const char		*name;
	char			 seen[256], *data = NULL, *p;
	size_t			 dlen = 0, dsize = 0, nseen = 0;
	la_ssize_t		 n;
	int			 r, rc = -1, found = 0;

	seen[0] = '\0';
	if ((a = archive_read_new()) == NULL) {
		uw_host->log(ctx, RM_LOG_ERR, "out of memory");
		return -1;
	}
	/* Seekable: the central directory, not the local headers, decides. */
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, body, len) != ARCHIVE_OK) {
		uw_host->log(ctx, RM_LOG_ERR, "%s: not a ZIP, or a truncated "
		    "or corrupt one (libarchive: %s)", t->file,
		    archive_error_string(a));
		goto done;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		name = archive_entry_pathname(ent);
		if (name == NULL || archive_entry_filetype(ent) != AE_IFREG)
			continue;
		if (fnmatch(st->member, name, FNM_CASEFOLD) != 0) {
			if (nseen < sizeof(seen) - 8)
				nseen += (size_t)snprintf(seen + nseen,
				    sizeof(seen) - nseen, "%s\"%.60s\"",
				    nseen > 0 ? ", " : "", name);
			continue;
		}
		found = 1;
		for (;;) {
			if (dsize - dlen < 65536) {
				if (dsize >= UW_MEMBER_MAX) {
					uw_host->log(ctx, RM_LOG_ERR, "%s: "
					    "member %s is larger than %zu MiB",
					    t->file, name, UW_MEMBER_MAX >> 20);
					goto done;
				}
				dsize = dsize > 0 ? dsize * 2 : 1 << 20;
				if ((p = realloc(data, dsize + 1)) == NULL) {
					uw_host->log(ctx, RM_LOG_ERR,
					    "out of memory");
					goto done;
				}
				data = p;
			}
			if ((n = archive_read_data(a, data + dlen,
			    dsize - dlen)) < 0) {
				uw_host->log(ctx, RM_LOG_ERR, "%s: member %s: "
				    "%s", t->file, name,
				    archive_error_string(a));
				goto done;
			}
			if (n == 0)
				break;
			dlen += (size_t)n;
		}
		data[dlen] = '\0';
		uw_host->log(ctx, RM_LOG_DEBUG, "%s: reading member %s",
		    t->file, name);
		break;
	}
	if (!found) {
		if (r != ARCHIVE_EOF)
			uw_host->log(ctx, RM_LOG_ERR, "%s: corrupt ZIP: %s",
			    t->file, archive_error_string(a));
		else
			uw_host->log(ctx, RM_LOG_ERR, "%s: the ZIP holds no "
			    "member matching \"%s\"; it has %s", t->file,
			    st->member, nseen > 0 ? seen : "no files");
		goto done;
	}
	rc = uw_text(ctx, st, data, dlen, t);
done:
	archive_read_free(a);
	free(data);
	return rc;
}
