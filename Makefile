# vec_graph's build and test entry points.
#   make / make all   build build/vec_graph.<so|dylib|dll> against the system SQLite headers
#   make test         every test suite (installs what it needs), ending with one "N passed, N failed" line
#   make matrix       compat-matrix over the offline SQLite mirror and the system SQLite: plain, asan, msan on the boundary set
#   make bench        the distance-kernel benchmark (SIMD vs scalar vs numpy)
#   make bench-graph  the graph functions against recursive CTEs, networkx and igraph
#   make bench-regress  instruction counters of the hot paths (callgrind) into build/bench/regress/counters.json
#   make npm          npm tarballs into dist/npm/
#   make wheel        this machine's Python wheel into dist/ (zig build for glibc 2.17; twine check, auditwheel show)
#   make release-dry-run  dist/ as the release workflow uploads it, checked
#   make test-cross   fixtures under qemu (linux-arm64) and wine (win32-x64)
#   make dist         the five release binaries into build/dist/bin/<target>/, each checked by packaging/dist/verify.py
VERSION := $(shell cat VERSION)

UNAME_S := $(shell uname -s 2>/dev/null || echo Windows)
ifeq ($(UNAME_S),Darwin)
  EXT := dylib
  SHARED := -dynamiclib
else ifneq (,$(filter MINGW% MSYS% CYGWIN% Windows%,$(UNAME_S)))
  EXT := dll
  SHARED := -shared
else
  EXT := so
  SHARED := -shared
endif

CC ?= cc
SANITIZE_CC ?= clang
SQLITE_INCLUDE ?=
EXT_SOURCES := $(wildcard Sources/vec_graph/*.c)
EXT_HEADERS := $(wildcard Sources/vec_graph/*.h Sources/vec_graph/include/*.h)
WARNINGS := -Wall -Wextra -Wpedantic
CFLAGS ?= -O2
EXT_CFLAGS := -std=c11 $(WARNINGS) -fPIC -fvisibility=hidden -ISources/vec_graph/include \
  $(if $(SQLITE_INCLUDE),-I$(SQLITE_INCLUDE)) -DVEC_GRAPH_VERSION='"$(VERSION)"'
# The asan mode's flags, shared with compat-matrix (comment lines dropped).
ASAN_FLAGS := $(shell grep -v '^\#' sanitizers/asan.cflags)

LOADABLE := build/vec_graph.$(EXT)

.PHONY: all test test-c test-c-asan test-c-tsan test-hnsw-threads test-hnsw-threads-tsan test-swift matrix provision deps venv fixtures bench bench-hnsw bench-graph bench-node2vec bench-regress bench-regress-accept test-bench-regress npm wheel dist release-dry-run test-cross lint-workflows fuzz fuzz-targets clean

all: $(LOADABLE)

$(LOADABLE): $(EXT_SOURCES) $(EXT_HEADERS) VERSION
	@mkdir -p build
	$(CC) $(EXT_CFLAGS) $(CFLAGS) $(SHARED) -o $@ $(EXT_SOURCES) -lm

# An ASan+UBSan build of the extension, loaded by the sanitizer test runs.
build/asan/vec_graph.so: $(EXT_SOURCES) $(EXT_HEADERS) VERSION
	@mkdir -p build/asan
	$(SANITIZE_CC) $(EXT_CFLAGS) $(ASAN_FLAGS) -shared -o $@ $(EXT_SOURCES) -lm

deps:
	@bash scripts/install-deps.sh

venv: .venv/.installed
.venv/.installed: scripts/requirements-test.txt
	@bash scripts/make-venv.sh

provision: deps venv
	@PYTHON=.venv/bin/python bash sqlite-versions/provision-mirror.sh

test:
	@bash scripts/run-tests.sh

# C unit tests (plain, then ASan+UBSan), as run-tests.sh calls them.
C_TEST_SOURCES := $(wildcard Tests/c/test_*.c) Tests/c/vg_alloc_libc.c Tests/c/vg_sync_pthread.c Tests/c/hnsw_disk.c
C_UNDER_TEST := $(filter-out Sources/vec_graph/vec_graph.c Sources/vec_graph/vg_%functions.c Sources/vec_graph/vg_value.c,$(EXT_SOURCES))
test-c: build/tests/c_unit
	./build/tests/c_unit
test-c-asan: build/tests/c_unit_asan
	./build/tests/c_unit_asan
build/tests/c_unit: $(C_TEST_SOURCES) $(C_UNDER_TEST) $(EXT_HEADERS) $(wildcard Tests/c/*.h)
	@mkdir -p build/tests
	$(CC) -std=c11 $(WARNINGS) -O2 -ISources/vec_graph/include -ISources/vec_graph -o $@ $(C_TEST_SOURCES) $(C_UNDER_TEST) -lm -lpthread
build/tests/c_unit_asan: $(C_TEST_SOURCES) $(C_UNDER_TEST) $(EXT_HEADERS) $(wildcard Tests/c/*.h)
	@mkdir -p build/tests
	$(SANITIZE_CC) -std=c11 $(WARNINGS) $(ASAN_FLAGS) -ISources/vec_graph/include -ISources/vec_graph -o $@ $(C_TEST_SOURCES) $(C_UNDER_TEST) -lm -lpthread

# The C unit tests under ThreadSanitizer (the shared HNSW store's threads test above all). This clang's
# TSan runtime needs libdispatch and libBlocksRuntime from the Swift toolchain it comes with.
TSAN_LIBDIR ?= $(dir $(shell command -v swift 2>/dev/null))../lib/swift/linux
test-c-tsan: build/tests/c_unit_tsan
	TSAN_OPTIONS=halt_on_error=1 ./build/tests/c_unit_tsan
build/tests/c_unit_tsan: $(C_TEST_SOURCES) $(C_UNDER_TEST) $(EXT_HEADERS) $(wildcard Tests/c/*.h)
	@mkdir -p build/tests
	$(SANITIZE_CC) -std=c11 $(WARNINGS) -g -O1 -fsanitize=thread -ISources/vec_graph/include -ISources/vec_graph \
	  -o $@ $(C_TEST_SOURCES) $(C_UNDER_TEST) -lm -lpthread -L$(TSAN_LIBDIR) -Wl,-rpath,$(TSAN_LIBDIR) -ldispatch -lBlocksRuntime

# hnsw_index with 4 reader threads and 1 writer thread in one process (Tests/hnsw/threads.c), linked
# with the newest offline SQLite's amalgamation: plain, and under ThreadSanitizer.
AMALGAMATION := build/dist/sqlite-amalgamation
HNSW_THREADS_SRC := Tests/hnsw/threads.c $(EXT_SOURCES)
$(AMALGAMATION)/sqlite3.c:
	@bash packaging/dist/sqlite-amalgamation.sh $(AMALGAMATION)
build/tests/sqlite3.o: $(AMALGAMATION)/sqlite3.c
	@mkdir -p build/tests
	$(SANITIZE_CC) -O2 -g -c -o $@ $<
build/tests/sqlite3_tsan.o: $(AMALGAMATION)/sqlite3.c
	@mkdir -p build/tests
	$(SANITIZE_CC) -O1 -g -fsanitize=thread -c -o $@ $<
build/tests/hnsw_threads: $(HNSW_THREADS_SRC) $(EXT_HEADERS) build/tests/sqlite3.o
	$(SANITIZE_CC) -std=c11 $(WARNINGS) -O2 -g -I$(AMALGAMATION) -ISources/vec_graph/include -ISources/vec_graph \
	  -DVEC_GRAPH_VERSION='"$(VERSION)"' -o $@ $(HNSW_THREADS_SRC) build/tests/sqlite3.o -lm -lpthread -ldl
build/tests/hnsw_threads_tsan: $(HNSW_THREADS_SRC) $(EXT_HEADERS) build/tests/sqlite3_tsan.o
	$(SANITIZE_CC) -std=c11 $(WARNINGS) -O1 -g -fsanitize=thread -I$(AMALGAMATION) -ISources/vec_graph/include \
	  -ISources/vec_graph -DVEC_GRAPH_VERSION='"$(VERSION)"' -o $@ $(HNSW_THREADS_SRC) build/tests/sqlite3_tsan.o \
	  -lm -lpthread -ldl -L$(TSAN_LIBDIR) -Wl,-rpath,$(TSAN_LIBDIR) -ldispatch -lBlocksRuntime
test-hnsw-threads: build/tests/hnsw_threads
	./build/tests/hnsw_threads build/tests/hnsw_threads.db 3
test-hnsw-threads-tsan: build/tests/hnsw_threads_tsan
	TSAN_OPTIONS=halt_on_error=1 ./build/tests/hnsw_threads_tsan build/tests/hnsw_threads_tsan.db 5

# libFuzzer targets (Tests/fuzz/fuzz_*.c, run by Tests/fuzz/run.sh): the extension and SQLite's
# amalgamation linked statically, all of it under ASan+UBSan; the extension and the targets carry
# libFuzzer's coverage, SQLite only the sanitizers (-O1 without debug info: built once, ~45 s CPU).
FUZZ_TARGETS := hnsw_ops hnsw_shadow graph node2vec
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_EXT_OBJS := $(patsubst Sources/vec_graph/%.c,build/fuzz/obj/%.o,$(EXT_SOURCES))
build/fuzz/obj/sqlite3.o: $(AMALGAMATION)/sqlite3.c
	@mkdir -p build/fuzz/obj
	$(SANITIZE_CC) -O1 -g0 $(FUZZ_SAN) -fno-sanitize=function -c -o $@ $<
build/fuzz/obj/%.o: Sources/vec_graph/%.c $(EXT_HEADERS) VERSION $(AMALGAMATION)/sqlite3.c
	@mkdir -p build/fuzz/obj
	$(SANITIZE_CC) -std=c11 $(WARNINGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link -I$(AMALGAMATION) \
	  -ISources/vec_graph/include -DVEC_GRAPH_VERSION='"$(VERSION)"' -c -o $@ $<
FUZZ_BINS := $(addprefix build/fuzz/fuzz_,$(FUZZ_TARGETS))
$(FUZZ_BINS): build/fuzz/fuzz_%: Tests/fuzz/fuzz_%.c Tests/fuzz/fuzz_common.c Tests/fuzz/fuzz_common.h $(FUZZ_EXT_OBJS) build/fuzz/obj/sqlite3.o
	$(SANITIZE_CC) -std=c11 $(WARNINGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer -fuse-ld=lld -I$(AMALGAMATION) -ISources/vec_graph/include \
	  -ISources/vec_graph -o $@ $< Tests/fuzz/fuzz_common.c $(FUZZ_EXT_OBJS) build/fuzz/obj/sqlite3.o -lm -lpthread -ldl
fuzz-targets: $(FUZZ_BINS)

test-swift: $(LOADABLE)
	swift test

matrix: deps provision
	@bash scripts/run-matrix.sh

fixtures: venv
	.venv/bin/python Fixtures/generate.py

bench: $(LOADABLE) venv
	@bash bench/run.sh

# hnsw_index vs hnswlib and sqlite-vec (100k x 128; ARGS=--small for 20k)
bench-hnsw: $(LOADABLE)
	@bash bench/hnsw_run.sh $(ARGS)

# node2vec_train vs pecanpy (planted partition, accuracy and time)
bench-node2vec: $(LOADABLE)
	@bash bench/node2vec_run.sh

# graph functions vs recursive CTEs, networkx and igraph (200k nodes, 1M edges)
bench-graph: $(LOADABLE)
	@bash bench/graph_run.sh

# Instruction counters of the hot paths under callgrind, gated against bench/regress/baseline.json
# (docs/benchmarks.md). Built with Debian's gcc, the baseline's compiler; plain/ and planted/ (the
# test-only slowdown, -DVG_PLANTED_SLOWDOWN) differ in that flag only. HISTORY=FILE also draws the chart.
REGRESS := build/bench/regress
REGRESS_CC := cc
REGRESS_CFLAGS = -std=c11 -O2 $(if $(filter planted,$*),-DVG_PLANTED_SLOWDOWN) -ISources/vec_graph/include
REGRESS_SQL := $(wildcard bench/regress/*.c bench/regress/*.h)
# SQLite as a shared library (compat-matrix's plain-mode flags), so callgrind tells its instructions
# from the driver's: the matrix counters are the driver's calls into it (bench/regress/matrix_counts.py).
$(REGRESS)/sqlite/libsqlite3.so: $(AMALGAMATION)/sqlite3.c
	@mkdir -p $(@D)
	$(REGRESS_CC) -O1 -fPIC -shared -DSQLITE_ENABLE_JSON1 -DSQLITE_THREADSAFE=1 -o $@ $< -ldl -lpthread -lm
$(REGRESS)/driver/vg_driver: Sources/compat-driver/vg_driver.c Sources/compat-driver/vg_driver.h $(REGRESS)/sqlite/libsqlite3.so
	@mkdir -p $(@D)
	$(REGRESS_CC) -O1 -std=c11 -I$(AMALGAMATION) -ISources/compat-driver -o $@ $< -L$(REGRESS)/sqlite -lsqlite3 -Wl,-rpath,$(abspath $(REGRESS)/sqlite)
$(REGRESS)/%/vec_graph.so: $(EXT_SOURCES) $(EXT_HEADERS) VERSION $(AMALGAMATION)/sqlite3.c
	@mkdir -p $(@D)
	$(REGRESS_CC) $(REGRESS_CFLAGS) -fPIC -shared -fvisibility=hidden -I$(AMALGAMATION) -DVEC_GRAPH_VERSION='"$(VERSION)"' \
	  -o $@ $(EXT_SOURCES) -lm
$(REGRESS)/%/kernels_workload: bench/regress/kernels_workload.c bench/regress/counted.h $(wildcard Sources/vec_graph/vg_kernels*.c) $(EXT_HEADERS)
	@mkdir -p $(@D)
	$(REGRESS_CC) $(REGRESS_CFLAGS) -o $@ $< $(wildcard Sources/vec_graph/vg_kernels*.c) -lm
$(REGRESS)/sql_workloads: $(REGRESS_SQL) $(REGRESS)/sqlite/libsqlite3.so
	$(REGRESS_CC) -std=c11 -O2 -I$(AMALGAMATION) -ISources/vec_graph/include -o $@ \
	  $(filter-out bench/regress/kernels_workload.c,$(filter %.c,$(REGRESS_SQL))) \
	  -L$(REGRESS)/sqlite -lsqlite3 -Wl,-rpath,$(abspath $(REGRESS)/sqlite)
REGRESS_BUILT := $(REGRESS)/plain/vec_graph.so $(REGRESS)/plain/kernels_workload $(REGRESS)/sql_workloads $(REGRESS)/driver/vg_driver
bench-regress: $(REGRESS_BUILT)
	@bash bench/regress/run.sh measure $(if $(HISTORY),--history $(HISTORY))
# Takes the counters just measured as the new baseline (after a deliberate change in cost).
bench-regress-accept: $(REGRESS_BUILT)
	@bash bench/regress/run.sh accept
# make test's two suites: the gate against the baseline, and the planted slowdown tripping it.
test-bench-regress: $(REGRESS_BUILT) $(REGRESS)/planted/kernels_workload
	@bash bench/regress/run.sh gate
	@bash bench/regress/run.sh planted

# npm tarballs (main package + this machine's platform package) into dist/npm/
npm:
	@bash packaging/npm/pack.sh dist/npm

# WebAssembly (packaging/wasm, docs/wasm.md): make wasm packs @vec-graph/wasm into dist/wasm/ (SQLite's
# own ext/wasm build with vec_graph compiled in); build/wasm/c_unit.js is the C unit tests compiled to
# wasm with SIMD128 (threads as workers), run by packaging/wasm/test.sh under Node 24; make bench-wasm
# times wasm (SIMD128 and scalar) against native: the distance kernels and an HNSW query.
.PHONY: wasm bench-wasm
wasm:
	@bash packaging/wasm/pack.sh dist/wasm
build/wasm/c_unit.js: $(C_TEST_SOURCES) $(C_UNDER_TEST) $(EXT_HEADERS) $(wildcard Tests/c/*.h) packaging/wasm/emcc-compat.sh
	@mkdir -p build/wasm
	packaging/wasm/emcc-compat.sh -std=c11 $(WARNINGS) -O2 -msimd128 -pthread -sPROXY_TO_PTHREAD -sPTHREAD_POOL_SIZE=8 \
	  -sINITIAL_MEMORY=512MB -sEXIT_RUNTIME -sENVIRONMENT=node,worker -sSINGLE_FILE -ISources/vec_graph/include \
	  -ISources/vec_graph -o $@ $(C_TEST_SOURCES) $(C_UNDER_TEST)
bench-wasm: $(LOADABLE)
	@bash bench/wasm_run.sh

wheel:
	@bash packaging/python/make-wheel.sh dist

dist:
	@bash packaging/dist/build-all.sh build/dist/bin

# dist/ exactly as the release workflow uploads it (binaries, wheels, npm tarballs, SHA256SUMS), checked
release-dry-run:
	@bash packaging/release/dry-run.sh dist build/release-dry-run.log

# the fixture suite with the linux-arm64 binary under qemu (NEON) and the win32-x64 DLL under wine
test-cross:
	@bash packaging/release/test-cross.sh build/test-results

lint-workflows:
	@bash packaging/release/lint-workflows.sh build/test-results

fuzz:
	@bash packaging/release/fuzz/run.sh build/test-results 60

clean:
	rm -rf build dist
