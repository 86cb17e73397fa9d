#!/bin/sh
# SPDX-License-Identifier: ISC
# The house style, checked by machine (notes/aesthetics.md B2 rule 11):
# banned calls, lines over 80 columns, trailing whitespace, // comments and
# a missing SPDX line, in every C source and header of the project.  An
# exception is written on the line before: /* lint: allow RULE */.
# Also: nothing under tests/, the Makefile or .ci/ may reach for a
# ../shared/ folder beside the checkout (a user's clone has none): the
# tests carry their own data.  The one exception is .ci/run setting
# REGIOMON_STRATEGY_TEXT, the text the strategy check is given by name.
# And the daemon's floors (doc/layers.md): a file in daemon/LAYER/ may
# include the headers of its own folder and of the folders below it,
# never one above, so that no call can run upward.  common/ is below them
# all: any floor may include "common/x.h", and common/ includes nothing
# but its own headers (it builds with jansson alone).
set -u
cd "$(dirname "$0")/.."

# The daemon's folders, lowest first; main.c sits above them all.
LAYERS="core model store net eval run mail report alert app"

files=$(find common daemon include plugins tests share/examples \
    -name '*.[ch]' 2>/dev/null |
    sort)
bad=0

report() {
	echo "$1"
	bad=$((bad + 1))
}

for f in $files; do
	head -3 "$f" | grep -q 'SPDX-License-Identifier' ||
	    report "$f:1: SPDX: missing SPDX-License-Identifier line"
	awk -v f="$f" '
	/lint: allow/ { allow = NR + 1; next }
	NR == allow { next }
	{
		col = 0
		for (i = 1; i <= length($0); i++) {
			if (substr($0, i, 1) == "\t")
				col += 8 - col % 8
			else
				col++
		}
		if (col > 80)
			printf "%s:%d: LONGLINE: %d columns\n", f, NR, col
		if ($0 ~ /[ \t]+$/)
			printf "%s:%d: TRAILING: trailing whitespace\n", f, NR
		code = $0
		gsub(/"([^"\\]|\\.)*"/, "\"\"", code)
		if (code ~ /(^|[^:])\/\//)
			printf "%s:%d: CPPCOMMENT: use /* */\n", f, NR
		if (code ~ /(^|[^a-z_])(sprintf|vsprintf|strcat|strncat|strcpy|strncpy|gets|strtok|atoi|sscanf)[ \t]*\(/)
			printf "%s:%d: BANNED: %s\n", f, NR, code
	}' "$f"
done > /tmp/regiomon-lint.$$
# "../shared", or a path joined from ".." (or os.pardir) and "shared".
grep -rnIE '\.\./shared|("\.\."|pardir)[[:space:]]*,[[:space:]]*"shared"' \
    tests Makefile .ci 2>/dev/null |
    grep -v '^tests/lint.sh:' |
    grep -vE '^\.ci/run:[0-9]+:[[:space:]]*(export )?REGIOMON_STRATEGY_TEXT=(\$\{REGIOMON_STRATEGY_TEXT:-)?[^;|&]*$' |
    sed 's/^\([^:]*:[0-9]*\):.*/\1: SHARED: refers to ..\/shared; copy the data into tests\/data\//' \
    >> /tmp/regiomon-lint.$$
# A .c file of the daemon, common/ or a plugin past 600 lines has taken
# on a second job (notes/aesthetics.md B1 rule 6): split it.
for f in $(find daemon common plugins -name '*.c' 2>/dev/null | sort); do
	n=$(wc -l < "$f")
	[ "$n" -gt 600 ] &&
	    echo "$f:601: LENGTH: $n lines; split it by job (at most 600)"
done >> /tmp/regiomon-lint.$$
# Includes of "FOLDER/x.h" from daemon/LAYER/: FOLDER must be LAYER or
# below it; a layer's folder must be one of LAYERS.
for f in $(find daemon -name '*.[ch]' | sort); do
	awk -v f="$f" -v layers="$LAYERS" '
	BEGIN {
		n = split(layers, l, " ")
		for (i = 1; i <= n; i++)
			rank[l[i]] = i
		split(f, p, "/")
		own = p[3] == "" ? "" : p[2]
		if (own == "")
			mine = n + 1	# daemon/main.c
		else if (own in rank)
			mine = rank[own]
		else {
			printf "%s:1: LAYER: daemon/%s/ is no layer (%s)\n",
			    f, own, layers
			mine = 0
		}
	}
	/^#[ \t]*include[ \t]*"/ {
		inc = $0
		sub(/^#[ \t]*include[ \t]*"/, "", inc)
		sub(/".*/, "", inc)
		if (inc !~ /\//) {
			if (inc != "regiomon-plugin.h")
				printf "%s:%d: LAYER: include \"%s\" names no " \
				    "folder\n", f, NR, inc
			next
		}
		split(inc, q, "/")
		if (q[1] == "common")
			next
		if (!(q[1] in rank))
			printf "%s:%d: LAYER: \"%s\" is in no layer\n", f, NR, inc
		else if (rank[q[1]] > mine)
			printf "%s:%d: LAYER: %s/ may not include \"%s\" from " \
			    "the floor above it\n", f, NR, own, inc
	}' "$f"
done >> /tmp/regiomon-lint.$$
for f in $(find common -name '*.[ch]' 2>/dev/null | sort); do
	awk -v f="$f" '
	/^#[ \t]*include[ \t]*"/ {
		inc = $0
		sub(/^#[ \t]*include[ \t]*"/, "", inc)
		sub(/".*/, "", inc)
		if (inc !~ /^common\//)
			printf "%s:%d: LAYER: common/ may include only " \
			    "\"common/...\", not \"%s\"\n", f, NR, inc
	}' "$f"
done >> /tmp/regiomon-lint.$$
cat /tmp/regiomon-lint.$$
n=$(wc -l < /tmp/regiomon-lint.$$)
rm -f /tmp/regiomon-lint.$$
if [ "$n" -gt 0 ]; then
	echo "lint: $n problems"
	exit 1
fi
echo "lint: OK ($(echo "$files" | wc -l) files)"
