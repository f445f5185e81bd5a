# aanwezig — plain Makefile.
#
#   make            build/aanwezig (optimised, warnings are errors)
#   make check      build with AddressSanitizer + UBSan under build/asan and
#                   run every test suite (tests/run.sh)
#   make clean
#
# O is the output folder; SAN=1 adds the sanitizers. `make check` calls
# this Makefile again with O=build/asan SAN=1.

O    ?= build
SAN  ?= 0
PKGS := sqlite3 libsodium jansson libmicrohttpd pangocairo libpq libcurl

CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wformat-security -Wvla -Wundef \
           -Wimplicit-fallthrough -Wno-format-nonliteral
CFLAGS  := -std=c17 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g $(WARN) \
           $(shell pkg-config --cflags $(PKGS)) -pthread
LDLIBS  := $(shell pkg-config --libs $(PKGS)) -pthread -lm
ifeq ($(SAN),1)
CFLAGS  += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SAN),fuzz)
# libFuzzer harnesses (tests/fuzz/), with clang: make fuzz
CFLAGS  += -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else
CFLAGS  += -O2
endif

LIB_SRC := $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC := $(wildcard src/cli/*.c)
# Served under /static/, in the order pages link them: theme tokens, the
# components, then our own overrides.
STATIC_FILES := $(sort $(wildcard web/vendor/utrecht/*.css)) $(wildcard web/css/*.css)
PO_FILES := po/nl.po po/en.po
GEN_OBJ := $(O)/gen/default_instrument.o $(O)/gen/common_passwords.o $(O)/gen/static_files.o $(O)/gen/i18n_table.o
LIB_OBJ := $(patsubst src/%.c,$(O)/obj/%.o,$(LIB_SRC)) $(GEN_OBJ)
CLI_OBJ := $(patsubst src/%.c,$(O)/obj/%.o,$(CLI_SRC))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TEST_BIN := $(patsubst tests/unit/%.c,$(O)/tests/%,$(TEST_SRC))

.PHONY: all check tests clean fuzz fuzz-build
all: $(O)/aanwezig

$(O)/aanwezig: $(CLI_OBJ) $(O)/libaanwezig.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(O)/libaanwezig.a $(LDLIBS)

$(O)/libaanwezig.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(O)/obj/%.o: src/%.c $(wildcard src/*/*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Data compiled into the binary. The embed tool is built without sanitizers.
$(O)/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o $@ $<

$(O)/gen/default_instrument.c: instruments/default.json $(O)/embed
	@mkdir -p $(dir $@)
	$(O)/embed instrument_default_json $< $@

# The list of common passwords that new passwords are checked against
# (data/README.md says where it comes from).
$(O)/gen/common_passwords.c: data/common-passwords.txt $(O)/embed
	@mkdir -p $(dir $@)
	$(O)/embed common_passwords_txt $< $@

$(O)/embed_static: tools/embed_static.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o $@ $<

$(O)/po2c: tools/po2c.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -o $@ $<

$(O)/gen/static_files.c: $(STATIC_FILES) $(O)/embed_static Makefile
	@mkdir -p $(dir $@)
	$(O)/embed_static $@ $(STATIC_FILES)

$(O)/gen/i18n_table.c: $(PO_FILES) $(O)/po2c
	@mkdir -p $(dir $@)
	$(O)/po2c $@ i18n_nl po/nl.po i18n_en po/en.po

$(O)/gen/%.o: $(O)/gen/%.c
	$(CC) $(CFLAGS) -Wno-missing-variable-declarations -c -o $@ $<

$(O)/tests/%: tests/unit/%.c tests/unit/testutil.h $(O)/libaanwezig.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(O)/libaanwezig.a \
	      $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs cmocka)

tests: $(O)/aanwezig $(TEST_BIN)

FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
$(O)/fuzz/%: tests/fuzz/%.c $(O)/libaanwezig.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(O)/libaanwezig.a $(LDFLAGS) $(LDLIBS)
fuzz-build: $(FUZZ_BIN)

# Every fuzz harness for FUZZ_SECONDS (default 10) each.
fuzz:
	$(MAKE) O=build/fuzz SAN=fuzz CC=clang fuzz-build
	bash tests/fuzz/run.sh $(or $(FUZZ_SECONDS),10)

check:
	$(MAKE) O=build/asan SAN=1 tests
	AANWEZIG_BUILD=build/asan bash tests/run.sh

clean:
	rm -rf build

# Benchmarks (bench/): each prints its own figures and ratios against a
# baseline run in the same process.
.PHONY: bench
bench: $(O)/bench/store_writers $(O)/aanwezig $(O)/bench/bare_server $(O)/bench/web_fixture $(O)/bench/report
	$(O)/bench/store_writers
	$(O)/bench/report
	bench/web.sh

$(O)/bench/%: bench/%.c $(O)/libaanwezig.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(O)/libaanwezig.a $(LDFLAGS) $(LDLIBS)
