# honeyscope — one GNU Makefile for the tool, its tests, tools and benchmarks.
#
#   make            build build/honeyscope
#   make demo       install what is missing, build, run the seed analysis
#   make check      install what is missing, build, run every test (plain and ASan+UBSan)
#   make asan       build everything with ASan+UBSan under build/asan
#   make bench      benchmarks against a bare libpcap loop and the peers installed
#   make fuzz       run every fuzz target for FUZZ_SECONDS each (clang, libFuzzer)
#   make lint       clang-format check, cppcheck

BUILD ?= build
CC ?= cc
ifeq ($(origin CC),default)
CC = cc
endif

PKGS := libpcap jansson libsodium zlib libzstd sqlite3 libmaxminddb
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
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOL_BIN := $(TOOL_SRC:tools/%.c=$(BUILD)/tools/%)

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

$(BUILD)/tools/%: tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

tests: $(UNIT_BIN)
tools: $(TOOL_BIN)

deps:
	@scripts/deps.sh check

# The plain build's tests, then the same suite under ASan+UBSan built by clang.
check: deps
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
	$(MAKE) all tools
	@bench/run.sh $(BUILD)

lint:
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem -Isrc $(LIB_SRC) $(CLI_SRC)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
