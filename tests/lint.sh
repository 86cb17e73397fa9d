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
set -u
cd "$(dirname "$0")/.."

files=$(find daemon plugins tests share/examples -name '*.[ch]' 2>/dev/null |
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
cat /tmp/regiomon-lint.$$
n=$(wc -l < /tmp/regiomon-lint.$$)
rm -f /tmp/regiomon-lint.$$
if [ "$n" -gt 0 ]; then
	echo "lint: $n problems"
	exit 1
fi
echo "lint: OK ($(echo "$files" | wc -l) files)"
