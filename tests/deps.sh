#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian packages named on the command line that are missing.
# Does nothing when all are there; explains itself when it is not root.
set -eu

missing=""
for p in "$@"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "regiomon: missing packages:$missing" >&2
	echo "regiomon: this is not a Debian system; install them by hand" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "regiomon: missing packages:$missing" >&2
	echo "regiomon: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "regiomon: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
