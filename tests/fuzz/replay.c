/* SPDX-License-Identifier: ISC */
/*
 * replay.c: a main() that feeds each file named on the command line (or
 * every file in each directory named) to LLVMFuzzerTestOneInput once.  It
 * turns a fuzz target into a regression test that any compiler builds, so
 * `make check` replays the corpus, crashes found included.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_file(const char *path)
{
	FILE		*fp;
	uint8_t		*buf;
	long		 len;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		return -1;
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	if ((buf = malloc(len > 0 ? (size_t)len : 1)) == NULL ||
	    fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		perror(path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 path[4096];
	int		 i, n = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((d = opendir(argv[i])) == NULL)
				continue;
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
				    de->d_name);
				bad |= replay_file(path);
				n++;
			}
			closedir(d);
		} else {
			bad |= replay_file(argv[i]);
			n++;
		}
	}
	printf("%s: replayed %d inputs\n", argv[0], n);
	return bad ? 1 : 0;
}
