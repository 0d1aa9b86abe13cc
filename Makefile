# honeyscope — one GNU Makefile for the tool, its tests, tools and benchmarks.
#
#   make            build build/honeyscope
#   make demo       install what is missing, build, run the seed analysis
#   make check      install what is missing, build, run every test (plain and ASan+UBSan)
#   make asan       build everything with ASan+UBSan under build/asan
#   make bench      benchmarks against a bare libpcap loop and the peers installed
#   make bench-store  only the store's bench: ingest against nfpcapd -z (size, wall, threads)
#   make fuzz       run every fuzz target for FUZZ_SECONDS each (clang, libFuzzer)
#   make lint       clang-format check, every header compiled alone, cppcheck
#   make install    install under PREFIX (default /usr/local), DESTDIR honoured; make uninstall
#   make deb        the Debian packages, from a copy of the tree (debian/, scripts/deb.sh)

BUILD ?= build
CC ?= cc
ifeq ($(origin CC),default)
CC = cc
endif

PKGS := libpcap jansson libsodium zlib libzstd sqlite3 libmaxminddb nettle libfixbuf
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla -Wimplicit-fallthrough -Werror
OPT ?= -O2 -g
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -MMD -MP
CFLAGS += $(OPT) $(WARN) $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lm -lpthread

ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_SRC := $(sort $(filter-out $(CLI_SRC),$(wildcard src/*/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# A tool is one file, tools/NAME.c, or a folder of files, tools/NAME/*.c
# sharing tools/NAME/*_int.h; either way the program is build/tools/NAME.
TOOL_SRC := $(sort $(wildcard tools/*.c tools/*/*.c))
TOOL_HEADERS := $(sort $(wildcard tools/*/*.h))
TOOL_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard tools/*/*.c))))
TOOL_BIN := $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c)) \
	$(TOOL_DIRS:tools/%=$(BUILD)/tools/%)

.PHONY: all deps check check-plain check-asan asan demo bench fuzz lint clean tests tools

all: $(BUILD)/honeyscope

$(BUILD)/honeyscope: $(CLI_OBJ) $(BUILD)/libhoneyscope.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libhoneyscope.a $(LDLIBS)

$(BUILD)/libhoneyscope.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/check.h $(BUILD)/libhoneyscope.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhoneyscope.a $(LDFLAGS) $(LDLIBS)

# A stage whose unit tests are split by concern, tests/unit/test_STAGE_*.c,
# shares their helpers in tests/unit/STAGE_fixture.c (declared in
# STAGE_fixture.h), compiled once and linked into each of those programs;
# helpers that CHECK stay static inline in a header (tests/unit/STAGE_*.h),
# since check.h keeps the running test's state in each program.
UNIT_FIXTURES := $(sort $(wildcard tests/unit/*_fixture.c))
UNIT_HEADERS := $(sort $(wildcard tests/unit/*.h))
define unit_fixture_rule
$(filter $(BUILD)/tests/test_$(1)_%,$(UNIT_BIN)): $(BUILD)/tests/%: tests/unit/%.c \
		$(wildcard tests/unit/$(1)_*.h) tests/unit/check.h $(BUILD)/obj/tests/unit/$(1)_fixture.o \
		$(BUILD)/libhoneyscope.a
	@mkdir -p $$(@D)
	$$(CC) $$(CPPFLAGS) $$(CFLAGS) -o $$@ $$< $(BUILD)/obj/tests/unit/$(1)_fixture.o \
	    $(BUILD)/libhoneyscope.a $$(LDFLAGS) $$(LDLIBS)
endef
$(foreach s,$(UNIT_FIXTURES:tests/unit/%_fixture.c=%),$(eval $(call unit_fixture_rule,$(s))))

$(BUILD)/tools/%: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

# tools/NAME/*.c, compiled one by one like the library, linked as NAME
.SECONDEXPANSION:
$(TOOL_DIRS:tools/%=$(BUILD)/tools/%): $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard tools/$$(@F)/*.c))
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

tests: $(UNIT_BIN)
	@# tests/run.sh runs every $(BUILD)/tests/test_*: drop the programs (and
	@# their .d) of unit tests whose source is gone, split or removed, so that
	@# an older build directory does not run them twice.
	@rm -f $(filter-out $(UNIT_BIN) $(UNIT_BIN:=.d),$(wildcard $(BUILD)/tests/test_*))
tools: $(TOOL_BIN)

deps:
	@scripts/deps.sh check

# The house style first (make lint), then the plain build's tests, then the
# same suite under ASan+UBSan built by clang.
check: deps
	$(MAKE) lint
	$(MAKE) check-plain
	$(MAKE) check-asan
	@scripts/summarize-tests.sh $(BUILD)/test-results.txt $(BUILD)/asan/test-results.txt

check-plain: all tests tools
	@BUILD=$(BUILD) tests/run.sh > $(BUILD)/test-results.txt; status=$$?; \
	    tail -n 1 $(BUILD)/test-results.txt; exit $$status

check-asan:
	$(MAKE) BUILD=$(BUILD)/asan SAN=1 CC=clang OPT="-O1 -g" all tests tools
	@BUILD=$(BUILD)/asan tests/run.sh > $(BUILD)/asan/test-results.txt; status=$$?; \
	    tail -n 1 $(BUILD)/asan/test-results.txt; exit $$status

asan:
	$(MAKE) BUILD=$(BUILD)/asan SAN=1 CC=clang OPT="-O1 -g" all tests tools

demo: deps
	@scripts/deps.sh build
	$(MAKE) all tools
	@scripts/demo.sh $(BUILD)

bench: deps
	@scripts/deps.sh bench
	$(MAKE) all tools $(BUILD)/bench/hash_flood
	@bench/run.sh $(BUILD)

# The store's bench alone (bench/run.sh: BENCH_ONLY=store).
.PHONY: bench-store
bench-store: deps
	@scripts/deps.sh bench
	$(MAKE) all tools
	@BENCH_ONLY=store bench/run.sh $(BUILD)

# Load time and lookup rate of the attribution stage on the largest routing
# table of ../shared/data (prints, never fails on speed).
.PHONY: bench-attrib
bench-attrib: $(BUILD)/bench/attrib_bench
	$(BUILD)/bench/attrib_bench

# A bench program is one file, bench/NAME.c, linked against the library.
# hash_flood: what keys chosen to collide cost the flow table, the cube and
# the evidence table against random keys (prints, never fails on speed).
BENCH_BIN := $(BUILD)/bench/attrib_bench $(BUILD)/bench/hash_flood

$(BENCH_BIN): $(BUILD)/bench/%: bench/%.c $(BUILD)/libhoneyscope.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libhoneyscope.a $(LDFLAGS) $(LDLIBS)

# Every header compiles on its own (nothing it needs comes from the file
# that includes it), checked by compiling each one alone. Compiled alone, a
# header is clang's main file, where its static inline helpers go unused:
# that is no defect of the header, and gcc does not warn of it either.
HEADERS := $(sort $(wildcard src/*/*.h))
HDR_CHECK := $(HEADERS:%.h=$(BUILD)/hdr-check/%.ok) $(TOOL_HEADERS:%.h=$(BUILD)/hdr-check/%.ok)

.PHONY: hdr-check
hdr-check: $(HDR_CHECK)

$(BUILD)/hdr-check/%.ok: %.h
	@mkdir -p $(@D)
	$(CC) -D_POSIX_C_SOURCE=200809L $(CFLAGS) -Wno-unused-function -fsyntax-only -x c $<
	@touch $@

lint: hdr-check
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(HEADERS) $(TOOL_SRC) $(TOOL_HEADERS) \
	    $(UNIT_SRC) $(UNIT_FIXTURES) $(UNIT_HEADERS) $(wildcard tests/fuzz/*.c tests/fuzz/*.h bench/*.c)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem --inline-suppr --library=scripts/cppcheck.cfg \
	    -Isrc $(LIB_SRC) $(CLI_SRC)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing: libFuzzer targets and corpus replay (tests/fuzz) --------------
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="fuzz_decode ..."]
#       builds every tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan and UBSan
#       (the library too, in $(BUILD)/fuzz) and runs each for FUZZ_SECONDS on a
#       working copy of its corpus in $(BUILD)/fuzz/corpus; finds go to
#       $(BUILD)/fuzz/artifacts, logs to $(BUILD)/fuzz/<target>.log.
#   make fuzz-replay
#       builds the same targets without libFuzzer, linked with
#       tests/fuzz/replay.c, under the current BUILD/CC/SAN settings (in
#       $(BUILD)/fuzz-replay), and runs each over its committed corpus.
#       `make tests` builds them, so `make check` replays the corpora in the
#       plain and the ASan+UBSan build (tests/e2e/fuzz_replay.sh).

FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS ?= $(FUZZ_SRC:tests/fuzz/%.c=%)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g $(WARN) $(FUZZ_SAN)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz-replay/%)

.PHONY: fuzz-bins fuzz-replay fuzz-replay-bins

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(BUILD)/fuzz/libhoneyscope.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_BIN): $(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o \
		$(BUILD)/fuzz/obj/tests/fuzz/support.o $(BUILD)/fuzz/libhoneyscope.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

# fuzz_wire reads honeyscope-mpi's wire format: mpi/wire.c needs no MPI (as
# for tests/unit/test_mpi_wire.c), so it links in before the library (hence
# the objects, then the archive, in the link lines).
$(BUILD)/fuzz/fuzz_wire: $(BUILD)/fuzz/obj/mpi/wire.o

fuzz-bins: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz/artifacts
	@for t in $(FUZZ_TARGETS); do \
	    work=$(BUILD)/fuzz/corpus/$$t; mkdir -p $$work; \
	    cp -R tests/fuzz/corpus/$$t/. $$work/; \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s ($(BUILD)/fuzz/$$t.log)"; \
	    $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/artifacts/$$t- $$dict \
	        $$work >$(BUILD)/fuzz/$$t.log 2>&1 \
	        || { tail -n 60 $(BUILD)/fuzz/$$t.log; exit 1; }; \
	    grep -E '^stat::(number_of_executed_units|new_units_added)' $(BUILD)/fuzz/$$t.log; \
	done

$(BUILD)/fuzz-replay/obj/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(REPLAY_BIN): $(BUILD)/fuzz-replay/%: $(BUILD)/fuzz-replay/obj/%.o \
		$(BUILD)/fuzz-replay/obj/replay.o $(BUILD)/fuzz-replay/obj/support.o \
		$(BUILD)/libhoneyscope.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)

$(BUILD)/fuzz-replay/obj/mpi/wire.o: mpi/wire.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/fuzz-replay/fuzz_wire: $(BUILD)/fuzz-replay/obj/mpi/wire.o

fuzz-replay-bins: $(REPLAY_BIN)

fuzz-replay: $(REPLAY_BIN)
	@for t in $(FUZZ_TARGETS); do \
	    printf '%s: ' $$t; $(BUILD)/fuzz-replay/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# `make check` (both builds) and `make asan` replay the corpora: build the drivers.
tests: fuzz-replay-bins

#   make fuzz-campaign HOURS=N [FUZZ_JOBS=J] [FUZZ_TARGETS=...]
#       runs every target in turn, J at a time (default 1), one per core, for
#       its share of N hours (fractional: HOURS=0.5), each on a working copy of its
#       corpus; merges what grew back into tests/fuzz/corpus/<target> with
#       -merge=1 (only inputs that add coverage), and appends one row per
#       target (date, seconds, executions, coverage, features, inputs added,
#       finds) to the campaign table of docs/hostile-input.md. Finds stay in
#       $(BUILD)/fuzz/artifacts; it fails when there is any.
.PHONY: fuzz-campaign
fuzz-campaign: $(FUZZ_BIN)
	@[ -n "$(HOURS)" ] || { echo "make fuzz-campaign: give HOURS=N" >&2; exit 2; }
	@FUZZ_JOBS=$(or $(FUZZ_JOBS),1) tests/fuzz/campaign.sh $(BUILD)/fuzz "$(HOURS)" \
	    docs/hostile-input.md $(FUZZ_TARGETS)

-include $(shell find $(BUILD)/fuzz/obj $(BUILD)/fuzz-replay/obj -name '*.d' 2>/dev/null)

# ---- honeyscope-mpi: ingest and report over MPI (mpi/, docs/mpi.md) --------
#
#   make mpi    builds $(BUILD)/honeyscope-mpi with mpicc (Open MPI, Debian
#               packages openmpi-bin and libopenmpi-dev). The plain build
#               never includes <mpi.h>: the MPI sources live in mpi/, outside
#               src/*/. When mpicc is installed, `make check` builds it too and
#               tests/e2e/mpi.sh compares it with honeyscope; otherwise that
#               test says SKIP.

MPICC ?= mpicc
MPI_SRC := $(sort $(wildcard mpi/*.c))
MPI_OBJ := $(MPI_SRC:%.c=$(BUILD)/obj/%.o)
# The pieces of the CLI it shares with honeyscope: messages, dates and numbers, naming,
# report and ingest options, inputs, settling the sensors, "did you mean".
MPI_CLI_OBJ := $(BUILD)/obj/src/cli/util.o $(BUILD)/obj/src/cli/naming.o \
	$(BUILD)/obj/src/cli/report_view.o $(BUILD)/obj/src/cli/ingest_options.o \
	$(BUILD)/obj/src/cli/inputs.o $(BUILD)/obj/src/cli/sensors.o $(BUILD)/obj/src/cli/suggest.o

.PHONY: mpi

mpi: $(BUILD)/honeyscope-mpi

$(BUILD)/obj/mpi/%.o: mpi/%.c
	@mkdir -p $(@D)
	$(MPICC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/honeyscope-mpi: $(MPI_OBJ) $(MPI_CLI_OBJ) $(BUILD)/libhoneyscope.a
	$(MPICC) $(LDFLAGS) -o $@ $(MPI_OBJ) $(MPI_CLI_OBJ) $(BUILD)/libhoneyscope.a $(LDLIBS)

check-plain: $(if $(shell command -v $(MPICC) 2>/dev/null),mpi)

# The wire format's unit test needs no MPI: it links mpi/wire.c alone.
$(BUILD)/tests/test_mpi_wire: tests/unit/test_mpi_wire.c tests/unit/check.h mpi/wire.c mpi/dist.h \
		$(BUILD)/libhoneyscope.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< mpi/wire.c $(BUILD)/libhoneyscope.a $(LDFLAGS) $(LDLIBS)

# The MPI sources keep the house format too.
.PHONY: lint-mpi
lint-mpi:
	clang-format --dry-run --Werror $(MPI_SRC) mpi/dist.h tests/unit/test_mpi_wire.c

lint: lint-mpi

# ---- installing and packaging: make install, make uninstall, make deb -------
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#       installs $(BUILD)/honeyscope (and $(BUILD)/honeyscope-mpi when built,
#       with its man page and completion), the man pages of man/, the bash
#       completion and the documentation (README.md, docs/) under
#       share/doc/honeyscope.
#   make uninstall [PREFIX=...] [DESTDIR=]
#       removes exactly what install puts there.
#   make deb
#       builds the Debian packages (debian/) with dpkg-buildpackage from a copy
#       of the tree in a temporary directory, so that neither the tree nor its
#       parent directory keeps build products; the .deb files land in
#       $(BUILD)/deb. DEB_PROFILES=nompi leaves honeyscope-mpi out.
#
# The version is the one of src/common/version.h; debian/changelog carries the
# same (checked by debian/rules and tests/cli/version.sh).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/honeyscope
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALL ?= install
VERSION := $(shell sed -n 's/^\#define HONEYSCOPE_VERSION "\(.*\)"$$/\1/p' src/common/version.h)

MAN1 := $(filter-out man/honeyscope-mpi.1,$(sort $(wildcard man/*.1)))
MAN7 := $(sort $(wildcard man/*.7))
DOCS := $(sort $(wildcard docs/*.md docs/*.json))

.PHONY: install uninstall deb

install: $(BUILD)/honeyscope
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(DOCDIR)/docs
	$(INSTALL) -m 755 $(BUILD)/honeyscope $(DESTDIR)$(BINDIR)/honeyscope
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	$(INSTALL) -m 644 completion/honeyscope.bash $(DESTDIR)$(COMPLETIONDIR)/honeyscope
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/docs/
	@# honeyscope-mpi only when `make mpi` built it: it needs Open MPI.
	if [ -x $(BUILD)/honeyscope-mpi ]; then \
	    $(INSTALL) -m 755 $(BUILD)/honeyscope-mpi $(DESTDIR)$(BINDIR)/honeyscope-mpi && \
	    $(INSTALL) -m 644 man/honeyscope-mpi.1 $(DESTDIR)$(MANDIR)/man1/ && \
	    ln -sf honeyscope $(DESTDIR)$(COMPLETIONDIR)/honeyscope-mpi; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/honeyscope $(DESTDIR)$(BINDIR)/honeyscope-mpi \
	    $(DESTDIR)$(MANDIR)/man1/honeyscope-mpi.1 \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7))) \
	    $(DESTDIR)$(COMPLETIONDIR)/honeyscope $(DESTDIR)$(COMPLETIONDIR)/honeyscope-mpi \
	    $(DESTDIR)$(DOCDIR)/README.md \
	    $(addprefix $(DESTDIR)$(DOCDIR)/docs/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)

DEB_PROFILES ?=

deb:
	@scripts/deps.sh package
	@scripts/deb.sh "$(BUILD)/deb" "$(VERSION)" "$(DEB_PROFILES)"
