# SPDX-License-Identifier: ISC
# regiomon: one non-recursive Makefile for the daemon, the plugins and the
# tests.  GNU make.  `make demo` and `make check` install what they need.

VERSION		= 0.1.0

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBDIR		?= $(PREFIX)/lib
PLUGINDIR	?= $(LIBDIR)/regiomon/plugins
LOCALEDIR	?= $(LIBDIR)/regiomon/locale
DATADIR		?= $(PREFIX)/share/regiomon
INCLUDEDIR	?= $(PREFIX)/include
PKGCONFIGDIR	?= $(LIBDIR)/pkgconfig
MANDIR		?= $(PREFIX)/share/man
DOCDIR		?= $(PREFIX)/share/doc/regiomon
SYSCONFDIR	?= /etc
UNITDIR		?= $(LIBDIR)/systemd/system
SYSUSERSDIR	?= $(LIBDIR)/sysusers.d
LOCALSTATEDIR	?= /var/lib

CC		?= cc
PKG_CONFIG	?= pkg-config
INSTALL		?= install

# Everything built goes below $(B); sanitized builds get their own tree so
# that switching back and forth never links mixed objects.
B		:= build$(if $(SANITIZE),-san)

WARN		= -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
		  -Wmissing-declarations -Wshadow -Wpointer-arith \
		  -Wsign-compare -Wformat=2
WERROR		?= 1
ifeq ($(WERROR),1)
WARN		+= -Werror
endif

CFLAGS		?= -O2 -g
PKGS		= libcurl jansson librrd
PKG_CFLAGS	= $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# libcurl is not linked: curl_api.c loads it when a transfer needs it.
PKG_LIBS	= $(shell $(PKG_CONFIG) --libs jansson librrd 2>/dev/null) -lm \
		  -pthread -ldl
CMOCKA_CFLAGS	= $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS	= $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
JANSSON_LIBS	= $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)

ifneq ($(SANITIZE),)
SAN_FLAGS	= -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
		  -fno-omit-frame-pointer
endif

RM_CFLAGS	= -std=gnu11 -D_GNU_SOURCE -I. -Idaemon -Iinclude \
		  -DREGIOMON_VERSION='"$(VERSION)"' \
		  -DREGIOMON_CONF='"$(SYSCONFDIR)/regiomon/regiomon.json"' \
		  -DREGIOMON_PLUGINDIR='"$(PLUGINDIR)"' \
		  -DREGIOMON_LOCALEDIR='"$(LOCALEDIR)"' \
		  -DREGIOMON_DATADIR='"$(DATADIR)"' \
		  -DREGIOMON_STATEDIR='"$(LOCALSTATEDIR)/regiomon"'
ALL_CFLAGS	= $(WARN) $(RM_CFLAGS) $(PKG_CFLAGS) $(CFLAGS) $(SAN_FLAGS) \
		  -MMD -MP
ALL_LDFLAGS	= $(LDFLAGS) $(SAN_FLAGS)

# The daemon: daemon/main.c, every daemon/LAYER/*.c and common/*.c below
# them (see doc/layers.md; common/ is included as "common/x.h" through
# -I.); main.c holds only main(), so the rest links into the unit tests too.
LAYERS		:= core model store net eval run mail report alert app
COMMON_SRC	:= $(wildcard common/*.c)
DAEMON_SRC	:= daemon/main.c $(COMMON_SRC) \
		   $(foreach l,$(LAYERS),$(wildcard daemon/$(l)/*.c))
DAEMON_OBJ	:= $(DAEMON_SRC:%.c=$(B)/%.o)
LIB_OBJ		:= $(filter-out $(B)/daemon/main.o,$(DAEMON_OBJ))

# Plugins: plugins/NAME.c or plugins/NAME/*.c build to NAME.so; plugins/lib/
# holds code several plugins share, linked into each as a static archive.
PLUGIN_FILES	:= $(basename $(notdir $(wildcard plugins/*.c)))
PLUGIN_DIRS	:= $(filter-out lib,$(patsubst plugins/%/,%,$(wildcard plugins/*/)))
PLUGINS		:= $(PLUGIN_FILES:%=$(B)/plugins/%.so) \
		   $(PLUGIN_DIRS:%=$(B)/plugins/%.so)
PLIB_SRC	:= $(wildcard plugins/lib/*.c)
PLIB_OBJ	:= $(PLIB_SRC:%.c=$(B)/%.pic.o)
PLIB		:= $(B)/plugins/libplugin.a
# Plugins see the ABI (include/) and their own helpers, nothing of the
# daemon: no -Idaemon, no -I. (doc/layers.md).
PLUGIN_CFLAGS	= -fPIC -fvisibility=hidden -Iinclude -Iplugins/lib
PLUGIN_ALL_CFLAGS = $(WARN) -std=gnu11 -D_GNU_SOURCE $(PKG_CFLAGS) \
		  $(CFLAGS) $(SAN_FLAGS) -MMD -MP $(PLUGIN_CFLAGS)

UNIT_SRC	:= $(wildcard tests/unit/test_*.c)
UNIT_BIN	:= $(UNIT_SRC:%.c=$(B)/%)
TPLUG_SRC	:= $(wildcard tests/plugins/*.c)
TPLUGINS	:= $(TPLUG_SRC:tests/plugins/%.c=$(B)/tests/plugins/%.so)
TOOL_SRC	:= $(wildcard tests/tools/*.c)
TOOLS		:= $(TOOL_SRC:tests/tools/%.c=$(B)/tests/tools/%)

FUZZ_SRC	:= $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES	:= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAYS		:= $(FUZZ_NAMES:%=$(B)/tests/fuzz/replay_%)
FAKEHOST	:= $(wildcard tests/host/*.c tests/host/*.h)

BIN		:= $(B)/regiomon

# The graphs' number forms (share/locale/*.numeric, see nl.numeric): an
# LC_NUMERIC each, compiled by localedef, which exits 1 for the categories
# such a file leaves out (-c writes it all the same).
LOCALE_SRC	:= $(wildcard share/locale/*.numeric)
LOCALES		:= $(LOCALE_SRC:share/locale/%.numeric=$(B)/locale/%/LC_NUMERIC)

.PHONY: all plugins tests check check-build deps deps-test demo install \
	uninstall clean lint fuzz bench valgrind

all: $(BIN) plugins $(LOCALES)

plugins: $(PLUGINS)

$(BIN): $(DAEMON_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -ldl

$(B)/libregiomon.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(B)/locale/%/LC_NUMERIC: share/locale/%.numeric
	@rm -rf $(@D).tmp && mkdir -p $(@D).tmp $(@D)
	localedef -c -i $< $(@D).tmp/out >/dev/null 2>&1 || true
	@test -s $(@D).tmp/out/LC_NUMERIC || { \
	    echo "localedef did not compile $<" >&2; exit 1; }
	mv $(@D).tmp/out/LC_NUMERIC $@ && rm -rf $(@D).tmp

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/%.pic.o: %.c
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_ALL_CFLAGS) -c -o $@ $<

$(PLIB): $(PLIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(PLUGIN_FILES:%=$(B)/plugins/%.so): $(B)/plugins/%.so: \
    $(B)/plugins/%.pic.o $(PLIB)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(JANSSON_LIBS) \
	    $(PLUGIN_LIBS_$*)

.SECONDEXPANSION:
$(PLUGIN_DIRS:%=$(B)/plugins/%.so): $(B)/plugins/%.so: \
    $$(addprefix $(B)/,$$(subst .c,.pic.o,$$(wildcard plugins/$$*/*.c))) \
    $(PLIB)
	$(CC) $(ALL_LDFLAGS) -shared -o $@ $^ $(JANSSON_LIBS) \
	    $(PLUGIN_LIBS_$*)

# Per-plugin extra libraries.
PLUGIN_LIBS_uwv	= $(shell $(PKG_CONFIG) --libs libarchive 2>/dev/null)
# Unit tests that include a plugin's files need its libraries too.
UNIT_LIBS_test_uwv = $(PLUGIN_LIBS_uwv)

# The plugin tests include the fake host and their helpers from tests/host/
# (one fake host for unit tests and fuzz targets, see fakehost.h).
$(B)/tests/unit/%: tests/unit/%.c $(B)/libregiomon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CMOCKA_CFLAGS) -Itests/host -Iplugins/lib -o $@ $< \
	    $(B)/libregiomon.a $(ALL_LDFLAGS) $(CMOCKA_LIBS) $(PKG_LIBS) -ldl \
	    $(UNIT_LIBS_$*)

$(B)/tests/plugins/%.so: tests/plugins/%.c
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_ALL_CFLAGS) $(ALL_LDFLAGS) -shared -o $@ $< \
	    $(JANSSON_LIBS)

$(B)/tests/tools/%: tests/tools/%.c $(B)/libregiomon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libregiomon.a $(ALL_LDFLAGS) \
	    $(PKG_LIBS) -ldl

# Each fuzz target also builds with a plain main() that replays its corpus
# (tests/fuzz/corpus/NAME, crashes found included) in `make check`.
# The plugin targets run a plugin's own sources through tests/host/
# fuzzplug.c and the tests' one fake host, tests/host/fakehost.c.
FUZZ_EXTRA_cbs_v3 = $(wildcard plugins/cbs_statline/*.c)
FUZZ_EXTRA_cbs_v4 = $(wildcard plugins/cbs_statline/*.c)
FUZZ_EXTRA_jsonstat = $(wildcard plugins/eurostat/*.c)
FUZZ_EXTRA_swing = $(wildcard plugins/swing/*.c)
FUZZ_EXTRA_uwv_table = $(wildcard plugins/uwv/*.c)
FUZZ_EXTRA_uwv_zip = $(wildcard plugins/uwv/*.c)

$(B)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c \
    $$(FUZZ_EXTRA_$$*) $(FAKEHOST) $(B)/libregiomon.a $(PLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/host -Iplugins/lib -o $@ $< \
	    tests/fuzz/replay.c \
	    $(FUZZ_EXTRA_$*) \
	    $(B)/libregiomon.a $(PLIB) $(ALL_LDFLAGS) $(PKG_LIBS) \
	    $(shell $(PKG_CONFIG) --libs libarchive 2>/dev/null) -ldl

tests: all $(UNIT_BIN) $(TPLUGINS) $(TOOLS) $(REPLAYS)

# libFuzzer builds: clang; the daemon's and plugins' objects are compiled
# once (instrumented, without libFuzzer's main) and linked into each target.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_CFLAGS	= -g -O1 -fsanitize=fuzzer,address,undefined \
		  $(RM_CFLAGS) $(PKG_CFLAGS) -Iplugins/lib
FUZZ_OBJ_CFLAGS	= -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
		  $(RM_CFLAGS) $(PKG_CFLAGS) -Iplugins/lib -MMD -MP
FUZZ_LIB_SRC	= $(filter-out daemon/main.c,$(DAEMON_SRC)) $(PLIB_SRC)
FUZZ_LIB_OBJ	= $(FUZZ_LIB_SRC:%.c=build-fuzz/obj/%.o)
fuzz_obj	= $(patsubst %.c,build-fuzz/obj/%.o,$(1))

# Kept between runs: make would delete them as intermediate files.
.PRECIOUS: build-fuzz/obj/%.o
build-fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_OBJ_CFLAGS) -c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) \
    $$(call fuzz_obj,$$(FUZZ_EXTRA_$$*)) $(FAKEHOST)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/host -o $@ $< \
	    $(call fuzz_obj,$(FUZZ_EXTRA_$*)) $(FUZZ_LIB_OBJ) \
	    $(PKG_LIBS) \
	    $(shell $(PKG_CONFIG) --libs libarchive 2>/dev/null) -ldl

-include $(wildcard build-fuzz/obj/*/*.d build-fuzz/obj/*/*/*.d \
    build-fuzz/obj/*/*/*/*.d)

# Run every target for FUZZ_SECONDS, seeded from its corpus; a crash stops
# the run and its input is left as build-fuzz/crash-NAME-*, to be added to
# tests/fuzz/corpus/NAME once fixed.
fuzz:
	@sh tests/deps.sh clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory $(FUZZ_NAMES:%=build-fuzz/fuzz_%)
	@for t in $(FUZZ_NAMES); do \
		mkdir -p build-fuzz/corpus/$$t || exit 1; \
		echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
		    -rss_limit_mb=2048 -print_final_stats=0 \
		    -artifact_prefix=build-fuzz/crash-$$t- \
		    build-fuzz/corpus/$$t tests/fuzz/corpus/$$t \
		    2>build-fuzz/$$t.log || { tail -40 build-fuzz/$$t.log; \
		    exit 1; }; \
		grep -E '^#[0-9]+.*DONE' build-fuzz/$$t.log | tail -1; \
	done

# Build and runtime dependencies, from Debian's archive, installed only when
# missing (tests/deps.sh explains itself when not root).
BUILD_DEPS	= gcc make pkg-config libcurl4-openssl-dev libjansson-dev \
		  librrd-dev libarchive-dev rrdtool fonts-dejavu-core
TEST_DEPS	= $(BUILD_DEPS) libcmocka-dev python3 python3-aiosmtpd \
		  python3-rrdtool rrdcached systemd groff-base chromium \
		  valgrind time man-db

deps:
	@sh tests/deps.sh $(BUILD_DEPS)

deps-test:
	@sh tests/deps.sh $(TEST_DEPS)

check:
	@$(MAKE) --no-print-directory deps-test
	@sh tests/lint.sh
	@$(MAKE) --no-print-directory tests
	@sh tests/run.sh $(B)

# The demo: its own config, share/demo/regiomon.json, on recorded and
# partly invented data (it says so in its report, status and mail); the
# installed config, etc/regiomon.json, is the live one.
DEMO_CONF	= share/demo/regiomon.json
DEMO_STATE	= $(CURDIR)/var
demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@$(BIN) -c $(DEMO_CONF) -P $(B)/plugins -S $(DEMO_STATE) run
	@echo
	@echo "RRD files:   $(DEMO_STATE)/rrd/"
	@find $(DEMO_STATE)/rrd -name '*.rrd' | sort | sed 's/^/  /'
	@echo "State:       $(DEMO_STATE)/state.json"
	@echo "Alert mail:  $(DEMO_STATE)/mail/new/"
	@echo "Report:      $(DEMO_STATE)/report/index.html"
	@echo "Status:      $(BIN) -c $(DEMO_CONF) -S $(DEMO_STATE) status"
	@echo "Look at one: $(BIN) -c $(DEMO_CONF) -S $(DEMO_STATE) history unemployment-rate groningen"
	@echo
	@echo "The demo shows illustrative data, partly invented: not the"
	@echo "region's real state.  The installed config is etc/regiomon.json."

# Install.  The paths are compiled in (conf.c, main.c) and DESTDIR never
# is; the stamp rebuilds what uses them when they change, so `make install
# PREFIX=/usr` after a plain `make` installs a binary that looks in /usr.
PATHS		= $(SYSCONFDIR) $(PLUGINDIR) $(DATADIR) $(LOCALSTATEDIR) \
		  $(INCLUDEDIR) $(LOCALEDIR)
PATH_MACROS	= REGIOMON_\(CONF\|PLUGINDIR\|DATADIR\|STATEDIR\|LOCALEDIR\)
PATH_USERS	:= $(shell grep -l '$(PATH_MACROS)' $(DAEMON_SRC))

$(B)/paths.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(PATHS)' | cmp -s - $@ 2>/dev/null || echo '$(PATHS)' > $@

$(PATH_USERS:%.c=$(B)/%.o): $(B)/paths.stamp

.PHONY: FORCE
FORCE:

# pkg-config file for plugin authors: `pkg-config --cflags
# regiomon-plugin`, and --variable=plugindir for where plugins go.
$(B)/regiomon-plugin.pc: $(B)/paths.stamp
	@printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$(INCLUDEDIR)' \
	    'plugindir=$(PLUGINDIR)' '' 'Name: regiomon-plugin' \
	    'Description: regiomon source plugin ABI' \
	    'Version: $(VERSION)' 'Requires: jansson' \
	    'Cflags: -I$${includedir}' > $@

# The shipped config with its source-tree paths made the installed ones.
$(B)/regiomon.json: etc/regiomon.json $(B)/paths.stamp
	sed -e 's|"file:\.\./share/hand-kept\.csv"|"file:hand-kept.csv"|g' \
	    -e 's|"file:\.\./share/|"file://$(DATADIR)/|g' \
	    -e 's|"\.\./share/|"$(DATADIR)/|g' \
	    -e 's|"\.\./build/plugins"|"$(PLUGINDIR)"|g' \
	    -e 's|"\.\./var"|"$(LOCALSTATEDIR)/regiomon"|g' \
	    -e 's|"\.\./var/|"$(LOCALSTATEDIR)/regiomon/|g' etc/regiomon.json > $@

# The demo's config, installed as an example beside its data (never as
# the config): its paths into share/ stay relative, the plugins are the
# installed ones, and its state is kept apart from the daemon's.
$(B)/demo-regiomon.json: $(DEMO_CONF) $(B)/paths.stamp
	sed -e 's|"\.\./\.\./build/plugins"|"$(PLUGINDIR)"|g' \
	    -e 's|"\.\./\.\./var"|"$(LOCALSTATEDIR)/regiomon-demo"|g' \
	    $(DEMO_CONF) > $@

$(B)/regiomon.service: systemd/regiomon.service $(B)/paths.stamp
	sed 's|/usr/bin/regiomon|$(BINDIR)/regiomon|g' \
	    systemd/regiomon.service > $@

# The man pages name the default paths (PREFIX /usr/local); installed,
# they name the paths of this install.  Each goes to the section its
# name ends in: regiomon-catalog.5 to man5/.
MANPAGES	= regiomon.8 regiomon.json.5 regiomon-catalog.5 \
		  regiomon-sources.5 regiomon-plugin.7
man_dest	= $(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(1)))
# The longer explanations and the design decisions, as markdown.
DOCS		:= $(wildcard doc/*.md)

# Paths the pages name that the binary does not compile in.
MANPATHS	= $(PKGCONFIGDIR) $(DOCDIR)

$(B)/manpaths.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(MANPATHS)' | cmp -s - $@ 2>/dev/null || \
	    echo '$(MANPATHS)' > $@

$(B)/man/%: share/man/% $(B)/paths.stamp $(B)/manpaths.stamp
	@mkdir -p $(@D)
	sed -e 's|/usr/local/lib/regiomon/plugins|$(PLUGINDIR)|g' \
	    -e 's|/usr/local/share/regiomon|$(DATADIR)|g' \
	    -e 's|/usr/local/share/doc/regiomon|$(DOCDIR)|g' \
	    -e 's|/usr/local/include|$(INCLUDEDIR)|g' \
	    -e 's|/usr/local/lib/pkgconfig|$(PKGCONFIGDIR)|g' \
	    -e 's|/var/lib/regiomon|$(LOCALSTATEDIR)/regiomon|g' \
	    -e 's|/etc/regiomon|$(ETCDIR)|g' $< > $@

SHARE_TREES	= demo examples
ETCDIR		= $(SYSCONFDIR)/regiomon

install: all $(B)/regiomon-plugin.pc $(B)/regiomon.json $(B)/regiomon.service \
    $(B)/demo-regiomon.json $(MANPAGES:%=$(B)/man/%)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PLUGINDIR) \
	    $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(DATADIR) $(DESTDIR)$(ETCDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/regiomon
	$(INSTALL) -m 0755 $(PLUGINS) $(DESTDIR)$(PLUGINDIR)/
	$(foreach l,$(LOCALES),$(INSTALL) -D -m 0644 $(l) \
	    $(DESTDIR)$(LOCALEDIR)/$(l:$(B)/locale/%=%) &&) true
	$(INSTALL) -m 0644 include/regiomon-plugin.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 0644 $(B)/regiomon-plugin.pc $(DESTDIR)$(PKGCONFIGDIR)/
	$(INSTALL) -m 0644 share/catalog.json $(DESTDIR)$(DATADIR)/
	@set -e; for t in $(SHARE_TREES); do \
		[ -d share/$$t ] || continue; \
		find share/$$t -type f ! -path $(DEMO_CONF) | \
		    while read -r f; do \
			d=$(DESTDIR)$(DATADIR)/$${f#share/}; \
			$(INSTALL) -d "$${d%/*}"; \
			m=0644; [ -x "$$f" ] && m=0755; \
			$(INSTALL) -m $$m "$$f" "$$d"; \
		done; \
	done
	$(INSTALL) -m 0644 $(B)/demo-regiomon.json \
	    $(DESTDIR)$(DATADIR)/demo/regiomon.json
	$(foreach m,$(MANPAGES),$(INSTALL) -m 0644 $(B)/man/$(m) \
	    $(call man_dest,$(m))/ &&) true
	$(INSTALL) -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 $(B)/regiomon.service $(DESTDIR)$(UNITDIR)/
	$(INSTALL) -m 0644 systemd/regiomon.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/regiomon.conf
	$(INSTALL) -m 0644 share/hand-kept.csv $(DESTDIR)$(DATADIR)/
	@# The analysts' hand-kept figures live beside the config, theirs.
	@[ -e $(DESTDIR)$(ETCDIR)/hand-kept.csv ] || $(INSTALL) -m 0644 \
	    share/hand-kept.csv $(DESTDIR)$(ETCDIR)/hand-kept.csv
	@if [ -e $(DESTDIR)$(ETCDIR)/regiomon.json ]; then \
		echo "kept $(DESTDIR)$(ETCDIR)/regiomon.json;" \
		    "the shipped one is $(B)/regiomon.json"; \
	else \
		echo "$(INSTALL) -m 0644 $(B)/regiomon.json" \
		    "$(DESTDIR)$(ETCDIR)/regiomon.json"; \
		$(INSTALL) -m 0644 $(B)/regiomon.json \
		    $(DESTDIR)$(ETCDIR)/regiomon.json; \
	fi

# The config goes only if it is still the shipped one; the state never.
uninstall: $(B)/regiomon.json
	rm -f $(DESTDIR)$(BINDIR)/regiomon \
	    $(PLUGINS:$(B)/plugins/%=$(DESTDIR)$(PLUGINDIR)/%) \
	    $(DESTDIR)$(INCLUDEDIR)/regiomon-plugin.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/regiomon-plugin.pc \
	    $(foreach m,$(MANPAGES),$(call man_dest,$(m))/$(m)) \
	    $(DOCS:doc/%=$(DESTDIR)$(DOCDIR)/%) \
	    $(DESTDIR)$(UNITDIR)/regiomon.service \
	    $(DESTDIR)$(SYSUSERSDIR)/regiomon.conf
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(LOCALEDIR)
	@if cmp -s $(B)/regiomon.json $(DESTDIR)$(ETCDIR)/regiomon.json; then \
		rm -f $(DESTDIR)$(ETCDIR)/regiomon.json; \
	elif [ -e $(DESTDIR)$(ETCDIR)/regiomon.json ]; then \
		echo "kept $(DESTDIR)$(ETCDIR)/regiomon.json (changed)"; \
	fi
	@# The hand-kept figures go only while they are still the template.
	@if cmp -s share/hand-kept.csv $(DESTDIR)$(ETCDIR)/hand-kept.csv; then \
		rm -f $(DESTDIR)$(ETCDIR)/hand-kept.csv; \
	elif [ -e $(DESTDIR)$(ETCDIR)/hand-kept.csv ]; then \
		echo "kept $(DESTDIR)$(ETCDIR)/hand-kept.csv (figures entered)"; \
	fi
	-rmdir $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(ETCDIR) \
	    $(DESTDIR)$(DOCDIR) 2>/dev/null
	-rmdir $(DESTDIR)$(LIBDIR)/regiomon 2>/dev/null

# The unit tests under valgrind: any error or definitely lost block fails.
valgrind: tests
	@sh tests/deps.sh valgrind
	@export REGIOMON_BUILD=$(CURDIR)/$(B) REGIOMON_TOP=$(CURDIR); \
	for t in $(UNIT_BIN); do \
		echo "== valgrind $$t"; \
		valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
		    --error-exitcode=1 $$t >$$t.valgrind 2>&1 || { \
		    grep -v '^\[' $$t.valgrind | tail -40; exit 1; }; \
	done; echo "valgrind: $(words $(UNIT_BIN)) unit tests clean"

# `make bench`: regiomon against a Python cron job and the floor of the
# RRD writes (tests/bench/bench.py), then the report of 342 gemeenten
# incremental against a full redraw (tests/bench/report_bench.py), and
# their cycles with the digest against the compare with every file
# (tests/bench/unchanged_bench.py), and the same for 25 ordinary sources
# of which one changes (tests/bench/sources_bench.py), written to
# tests/bench/RESULTS.md.
BENCH_CELLS	?= 100000 1000000 4000000
BENCH_RUNS	?= 3
BENCH_REPORT_GEMEENTEN	?= 342
BENCH_REPORT_RUNS	?= 1
$(B)/tests/bench/floor: tests/bench/floor.c $(B)/libregiomon.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libregiomon.a $(ALL_LDFLAGS) \
	    $(PKG_LIBS) -ldl

bench: all $(B)/tests/bench/floor
	@sh tests/deps.sh python3 python3-rrdtool time
	/usr/bin/python3 tests/bench/bench.py --build $(B) \
	    --cells "$(BENCH_CELLS)" --runs $(BENCH_RUNS)
	/usr/bin/python3 tests/bench/report_bench.py --build $(B) \
	    --gemeenten $(BENCH_REPORT_GEMEENTEN) --runs $(BENCH_REPORT_RUNS)
	/usr/bin/python3 tests/bench/unchanged_bench.py --build $(B) \
	    --gemeenten $(BENCH_REPORT_GEMEENTEN) --runs $(BENCH_REPORT_RUNS)
	/usr/bin/python3 tests/bench/sources_bench.py --build $(B) \
	    --runs $(BENCH_RUNS)

lint:
	@sh tests/lint.sh

clean:
	rm -rf build build-san build-fuzz var

-include $(DAEMON_OBJ:.o=.d) $(PLIB_OBJ:.o=.d) \
    $(wildcard $(B)/plugins/*.pic.d $(B)/plugins/*/*.pic.d) \
    $(wildcard $(B)/tests/unit/*.d $(B)/tests/plugins/*.d)
