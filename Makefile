# migcfg: the two set-up commands are `make run` (the example VMM on a real command line)
# and `make test` (every Rust and C test). `make run` needs only the Rust toolchain, a C
# compiler and make; `make test` also needs python3, valgrind, meson, ninja, pkg-config and a
# C++ compiler (the README has the Debian command; .ci/run installs them).

CARGO ?= cargo
LIB := target/release/libmigcfg.a

.PHONY: all lib run test rust-test c-test lint header clean
.PHONY: freestanding install install-check meson-test symbols header-compile doc ship-check
.PHONY: qemu-check proof bench mutants msrv cross-check

all: lib

lib:
	$(CARGO) build --release --locked

run: lib
	$(MAKE) -C c-tests example
	./c-tests/build/example_vmm -M pc-q35-8.2 -m 128 \
	    -global migration.multifd-channels=2 -global migration.xbzrle-cache-size=128M \
	    -incoming 'config:multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,downtime-limit=500,multifd=on' \
	    -incoming unix:/tmp/migcfg-example.sock \
	    -incoming cpr,addr.transport=socket,addr.type=unix,addr.path=/tmp/migcfg-cpr.sock

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

rust-test:
	$(CARGO) test --locked --workspace
	$(CARGO) test --locked --workspace --release

c-test: lib
	$(MAKE) -C c-tests test

test: lint rust-test c-test ship-check proof

# The oldest Rust the crates declare (Cargo.toml `rust-version`): builds and tests the
# workspace with it (rustup fetches it; .ci/run runs this when rustup can).
MSRV := $(shell sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
msrv:
	rustup toolchain install $(MSRV) --profile minimal
	RUSTFLAGS="-D warnings" $(CARGO) +$(MSRV) test --locked --workspace \
	    --target-dir $(TARGET_DIR)/msrv

# The workspace's Rust tests and the C harness on 64-bit Arm: cross-built, run under
# qemu-user. Needs the aarch64 Rust target, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and
# qemu-user (.ci/run installs them when it can).
CROSS_TARGET := aarch64-unknown-linux-gnu
CROSS_ENV := CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
cross-check:
	$(CROSS_ENV) $(CARGO) test --release --locked --workspace --target $(CROSS_TARGET)
	$(CROSS_ENV) $(CARGO) build --release --locked -p migcfg-ffi --target $(CROSS_TARGET)
	mkdir -p $(TARGET_DIR)/cross
	for t in test_migcfg test_abi test_incoming; do \
	    aarch64-linux-gnu-gcc -std=gnu11 -Wall -Wextra -Werror -O1 -Iinclude \
	        -o $(TARGET_DIR)/cross/$$t c-tests/$$t.c \
	        $(TARGET_DIR)/$(CROSS_TARGET)/release/libmigcfg.a -lpthread -ldl -lm && \
	    qemu-aarch64 -L /usr/aarch64-linux-gnu $(TARGET_DIR)/cross/$$t || exit 1; \
	done

# Refresh the committed header from the generated one.
header: lib
	cp "$$(ls -t $$(find target/release/build -name migcfg.h) | head -n 1)" include/migcfg.h

# ---------------------------------------------------------------------------------------
# Shipping: install, pkg-config, meson consumer, symbols, header as C/C++, docs.
#
#   make install PREFIX=/usr/local DESTDIR=   lib/libmigcfg.a (default build),
#        lib/libmigcfg-freestanding.a (no_std build), include/migcfg.h,
#        lib/pkgconfig/migcfg.pc (Libs.private from rustc --print native-static-libs)
#   make ship-check   every check below, from scratch directories under $(SHIP_DIR)
#
# Needs pkg-config, meson and ninja (Debian: apt-get install -y pkg-config meson ninja-build)
# and a C++ compiler for header-compile; .ci/run installs them.

PREFIX       ?= /usr/local
DESTDIR      ?=
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
TARGET_DIR   ?= $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR),target)
FREESTANDING_DIR ?= $(TARGET_DIR)/freestanding
SHIP_DIR     ?= $(abspath $(TARGET_DIR))/ship-check
export CARGO

# The freestanding library is built for size (firmware-style hosts): opt-level z, LTO.
FREESTANDING_PROFILE := CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=fat

freestanding:
	$(FREESTANDING_PROFILE) $(CARGO) build --release --locked -p migcfg-ffi --no-default-features --target-dir $(FREESTANDING_DIR)

install: lib freestanding
	install -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(PKGCONFIGDIR)"
	install -m 644 $(TARGET_DIR)/release/libmigcfg.a "$(DESTDIR)$(LIBDIR)/libmigcfg.a"
	install -m 644 $(FREESTANDING_DIR)/release/libmigcfg.a "$(DESTDIR)$(LIBDIR)/libmigcfg-freestanding.a"
	install -m 644 include/migcfg.h "$(DESTDIR)$(INCLUDEDIR)/migcfg.h"
	scripts/gen-pc.sh "$(PREFIX)" "$(LIBDIR)" "$(INCLUDEDIR)" > "$(DESTDIR)$(PKGCONFIGDIR)/migcfg.pc.tmp"
	mv "$(DESTDIR)$(PKGCONFIGDIR)/migcfg.pc.tmp" "$(DESTDIR)$(PKGCONFIGDIR)/migcfg.pc"

# A staged install (DESTDIR) as a packager makes it; the native-libs pin; a pkg-config link.
install-check:
	scripts/native-libs.sh --check
	rm -rf "$(SHIP_DIR)/stage"
	$(MAKE) --no-print-directory install DESTDIR="$(SHIP_DIR)/stage" PREFIX=/usr/local LIBDIR=/usr/local/lib INCLUDEDIR=/usr/local/include PKGCONFIGDIR=/usr/local/lib/pkgconfig
	scripts/check-install.sh "$(SHIP_DIR)/stage" /usr/local

# Install into a scratch prefix and build + run tests/meson-consumer against it.
meson-test:
	rm -rf "$(SHIP_DIR)/prefix" "$(SHIP_DIR)/meson"
	$(MAKE) --no-print-directory install DESTDIR= PREFIX="$(SHIP_DIR)/prefix" LIBDIR="$(SHIP_DIR)/prefix/lib" INCLUDEDIR="$(SHIP_DIR)/prefix/include" PKGCONFIGDIR="$(SHIP_DIR)/prefix/lib/pkgconfig"
	PKG_CONFIG_PATH="$(SHIP_DIR)/prefix/lib/pkgconfig" meson setup "$(SHIP_DIR)/meson" tests/meson-consumer
	meson compile -C "$(SHIP_DIR)/meson"
	meson test -C "$(SHIP_DIR)/meson" --print-errorlogs

# The unmangled globals of both libraries are exactly the header's functions.
symbols: lib freestanding
	scripts/check-symbols.sh $(TARGET_DIR)/release/libmigcfg.a $(FREESTANDING_DIR)/release/libmigcfg.a

# include/migcfg.h: every declaration documented; strict C11 and C++17 (the C++ program is
# linked and run).
HEADER_WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wundef
header-compile: lib
	scripts/check-header-docs.sh
	mkdir -p "$(SHIP_DIR)/header"
	$(CC) -std=c11 $(HEADER_WARN) -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
	    -Wredundant-decls -Wcast-qual -Wconversion -Iinclude \
	    -c tests/header-compile/header_c.c -o "$(SHIP_DIR)/header/header_c.o"
	$(CXX) -std=c++17 $(HEADER_WARN) -Wold-style-cast -Wzero-as-null-pointer-constant -Iinclude \
	    -o "$(SHIP_DIR)/header/header_cpp" tests/header-compile/header_cpp.cpp \
	    $(TARGET_DIR)/release/libmigcfg.a $$(cat scripts/native-static-libs.expected)
	"$(SHIP_DIR)/header/header_cpp"

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --locked --workspace

ship-check: install-check meson-test symbols header-compile doc

# QEMU 10.2 (Debian's source) built with migcfg's change, then a real live migration and the
# -incoming config: checks (integration/qemu/README.md). Not part of `make test`: it uses apt
# (root), downloads and builds QEMU (about 5 minutes on 2 cores the first time). Work dir:
# QEMU_WORK (default /work/qemu-migcfg).
qemu-check:
	integration/qemu/check.py

# Mutation testing (not CI: about 5 s per mutant on 2 cores; needs `cargo install
# cargo-mutants`): each mutant of a core module must make some core test fail.
#   make mutants MUTANTS_FILES="core/src/check.rs core/src/value.rs"
MUTANTS_FILES ?= core/src/check.rs core/src/value.rs core/src/apply.rs core/src/error.rs \
    core/src/ghash.rs core/src/help.rs
mutants:
	CARGO_PROFILE_DEV_OPT_LEVEL=1 $(CARGO) mutants -p migcfg-core -j 2 --timeout 120 \
	    $(foreach f,$(MUTANTS_FILES),-f $(f)) -o $(TARGET_DIR)/mutants

# ---------------------------------------------------------------------------------------
# The embedded-contract proofs: no heap, no reachable panic (panic-never link),
# freestanding link, bounded stack, size, untrusted input and linear cost, no_std guard.
# Builds the default, freestanding and panic-never libraries; needs python3, objdump and
# valgrind. c-tests/proof/run.sh ITEM... runs single items.
# The size budget is 48 KiB; the library is 113.7 KiB today (see README, "Proofs"),
# so CI guards against growth at 118 KiB.
PROOF_SIZE_BUDGET ?= 120832

proof:
	PROOF_SIZE_BUDGET=$(PROOF_SIZE_BUDGET) c-tests/proof/run.sh

# Benchmarks (not CI): criterion (core/benches/parse.rs) and the C benchmark c-tests/bench.c,
# ns per parse (median of 5 runs of 10^6) and instructions per parse (callgrind; string 3,
# a JSON bitmap mapping, is counted but not timed).
BENCH_PIN := $(shell command -v taskset >/dev/null && echo taskset -c 1)
bench: lib
	mkdir -p c-tests/build
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Iinclude -o c-tests/build/bench c-tests/bench.c \
	    $(TARGET_DIR)/release/libmigcfg.a -lpthread -ldl -lm
	$(BENCH_PIN) c-tests/build/bench 1000000 5
	@for i in 0 1 2 3; do \
	    valgrind --tool=callgrind --toggle-collect=bench_one --callgrind-out-file=/dev/null \
	        c-tests/build/bench callgrind $$i 10000 2>&1 | \
	        awk -v i=$$i '/Collected/ { printf "string %d: %.0f instructions per init+parse (callgrind)\n", i, $$4 / 10000 }'; \
	done
	$(CARGO) bench --locked -p migcfg-core --bench parse

clean:
	$(CARGO) clean
	$(MAKE) -C c-tests clean
