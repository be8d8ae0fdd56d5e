# optbench, the front door. `make test` and `make bench` are the contract:
# each first checks the Debian packages it needs and installs what is missing.

BUILD    ?= build
JOBS     ?= $(shell nproc)
CMAKE_ARGS ?=
ifeq ($(WERROR),1)
CMAKE_ARGS += -DOB_WERROR=ON
endif

# Debian packages, by job.
BUILD_PKGS := cmake make gcc g++ libc6-dev pkg-config libcpuinfo-dev libmpfr-dev librandom123-dev libgmp-dev libbenchmark-dev \
              zlib1g-dev libopenblas-dev dataset-fashion-mnist python3 gnuplot-nox chromium
BENCH_PKGS := $(BUILD_PKGS)
PEER_PKGS  := python3-numpy python3-torch
FUZZ_PKGS  := clang-14 libclang-rt-14-dev libomp-14-dev
# Optional: with them the build adds mpi/ (the sharded step) and its tests;
# `make test` passes without them. CI installs them (.ci/run).
MPI_PKGS   := libopenmpi-dev openmpi-bin

.PHONY: all build deps test golden bench bench-mpi bench-peers report convergence sanitize install clean distclean help format format-check figures fuzz mutants

all: build

deps:
	@scripts/deps.sh $(BUILD_PKGS)

# Configuring again is cheap and makes options such as WERROR=1 take effect
# on an existing build folder.
build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# Every test, then the check that the golden vectors reproduce byte for byte.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	scripts/golden-check.sh $(BUILD)/golden/gen/golden_gen golden

# The mutation suite (mutants/): the scalar reference and each one-token
# mutant of mutants/mutants.txt built as an outside kernel and run through
# `optbench verify --kernel`; prints the table and writes it as markdown to
# $(BUILD)/mutants/table.md. Every mutant must be caught (ctest -L mutants).
mutants: build
	cmake --build $(BUILD) --target mutants

# Regenerate the vector files in golden/ from the exact-arithmetic generator.
golden: build
	$(BUILD)/golden/gen/golden_gen golden

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps
	cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DOB_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(BUILD)-asan -j $(JOBS)
	cd $(BUILD)-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# The fuzz targets of fuzz/ (golden: the golden reader and checker, rules and
# layer kernels; idx: the IDX reader; cli: optbench's argument parsing), built
# with clang-14 under libFuzzer, ASan and UBSan in $(BUILD)-fuzz. Each replays
# fuzz/regressions/<target>/ and the large files of fuzz/scale.sh, then fuzzes
# for FUZZ_SECONDS (default 60) from seeds cut from the real files. A crash,
# leak, timeout (10 s) or out-of-memory (2 GB, one block of 128 MB, or more
# than the input's size justifies) fails it, naming the reproducer; logs and
# findings go to $(BUILD)-fuzz/fuzz-out/<target>/. FUZZ_TARGETS="idx cli" picks some.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz:
	@scripts/deps.sh $(BUILD_PKGS) $(FUZZ_PKGS)
	@cmake -S . -B $(BUILD)-fuzz -DCMAKE_C_COMPILER=clang-14 -DCMAKE_BUILD_TYPE=Debug \
	  -DOB_FUZZ=ON -DOB_BENCH=OFF $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD)-fuzz -j $(JOBS) --target fuzz_all
	fuzz/run.sh $(BUILD)-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The speed benchmark (every algorithm x variant x size x threads, with its
# roofline), the correctness table, PyTorch and NumPy if installed, charts and
# the report, into build/results/<UTC time>/ (build/results/latest).
# QUICK=1 for a short run; BENCH_ARGS passes filters (--algo, --variant, ...).
bench:
	@scripts/deps.sh $(BENCH_PKGS)
	@$(MAKE) --no-print-directory build
	@scripts/bench.sh $(BUILD)

# The optimizer step sharded over MPI (mpi/, issue 15): its breakdown on the
# model lists for 1..4 ranks, MPI's latency and bandwidth, the figure 6-9
# network data-parallel, and the cost model's projection, into
# $(BUILD)/results/<UTC time>/mpi/ (RESULTS=DIR: DIR/mpi). QUICK=1: short.
bench-mpi:
	@scripts/deps.sh $(BUILD_PKGS) $(MPI_PKGS)
	@$(MAKE) --no-print-directory build
	@mpi/bench.sh $(BUILD)

# The same with PyTorch's and NumPy's optimizers timed beside optbench's
# (installs Debian's python3-numpy and python3-torch), and PyTorch 2.x and
# DeepSpeed from PyPI in $(BUILD)/venv for the whole-model step's peers
# (bench/peers/make_venv.sh; ~1.1 GB, kept between runs).
bench-peers:
	@scripts/deps.sh $(BENCH_PKGS) $(PEER_PKGS) python3-venv
	@bench/peers/make_venv.sh $(BUILD)/venv
	@$(MAKE) --no-print-directory bench

# Charts and report again from saved results, without re-running: the latest
# run, or RUN=<id> (a folder name under $(BUILD)/results/). $(BUILD)/report
# follows the latest run only.
RUN ?= latest
report:
	@[ -d $(BUILD)/results/$(RUN) ] || { echo "report: no run $(BUILD)/results/$(RUN) (ls $(BUILD)/results)" >&2; exit 1; }
	plots/make_report.sh $(BUILD)/results/$(RUN)
	@if [ "$(RUN)" = latest ]; then ln -sfn results/$$(readlink $(BUILD)/results/latest)/report $(BUILD)/report; fi
	@echo "report: $(BUILD)/results/$(RUN)/report/index.html"

# The book's experiments (figures 6-8 and 6-9) on the library's kernels.
convergence: build
	scripts/convergence.sh $(BUILD)

# The book's figures 6-10 to 6-24 on the library's kernels with Fashion-MNIST (a minute on
# 2 cores): data, gnuplot charts and a page in $(BUILD)/figures/; QUICK=1 for a tiny run.
# `make bench` and `make report` add them to the report when they exist.
figures: build
	scripts/figures.sh $(BUILD)

# The checked-in .clang-format, applied to every tracked C file.
C_SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	@scripts/deps.sh clang-format
	clang-format -i $(C_SOURCES)
format-check:
	@scripts/deps.sh clang-format
	clang-format --dry-run --Werror $(C_SOURCES)
	@echo "format-check: $(words $(C_SOURCES)) files follow .clang-format"

install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

# Everything built, but not the saved benchmark runs ($(BUILD)/results) nor
# the peers' virtual environment ($(BUILD)/venv, 2 GB from PyPI): say so.
# `make distclean` removes those too.
clean:
	rm -rf $(BUILD)-asan $(BUILD)-fuzz
	@if [ -d $(BUILD) ]; then \
	  find $(BUILD) -mindepth 1 -maxdepth 1 ! -name results ! -name venv -exec rm -rf {} +; \
	  for kept in results venv; do \
	    [ -e $(BUILD)/$$kept ] && echo "clean: kept $(BUILD)/$$kept (make distclean removes it)"; \
	  done; true; \
	fi

distclean:
	rm -rf $(BUILD) $(BUILD)-asan $(BUILD)-fuzz

# The targets on one screen (README.md says more).
help:
	@echo "make test         build, run every test, check the golden vectors reproduce"
	@echo "make bench        speed, roofline, whole-model step, peers, experiments, report (QUICK=1: short)"
	@echo "make bench-mpi    the optimizer step sharded over MPI, 1..4 ranks, and its projection"
	@echo "make bench-peers  install PyTorch 2.x and DeepSpeed into $(BUILD)/venv, then make bench"
	@echo "make report       redraw the report of the latest run (RUN=<id>: any run) without re-running"
	@echo "make convergence  the book's figures 6-8 and 6-9"
	@echo "make figures      the book's figures 6-10 to 6-24"
	@echo "make golden       regenerate golden/*.txt from the exact-arithmetic generator"
	@echo "make sanitize     every test under ASan and UBSan"
	@echo "make fuzz         libFuzzer targets (FUZZ_SECONDS=60, FUZZ_TARGETS=...)"
	@echo "make format       apply .clang-format (format-check: only check)"
	@echo "make install      the library, headers, CMake and pkg-config files, the optbench CLI and the golden vectors (PREFIX=..., DESTDIR=...)"
	@echo "make clean        remove builds, keep $(BUILD)/results and $(BUILD)/venv (distclean: all)"
