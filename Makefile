# migcfg: the two set-up commands are `make run` (the example VMM on a real command line)
# and `make test` (every Rust and C test). Needs only the Rust toolchain, a C compiler and make.

CARGO ?= cargo
LIB := target/release/libmigcfg.a

.PHONY: all lib run test rust-test c-test lint header clean

all: lib

lib:
	$(CARGO) build --release --locked

run: lib
	$(MAKE) -C c-tests example
	./c-tests/build/example_vmm -M q35 -m 128 \
	    -incoming 'config:multifd-channels=4,max-bandwidth=1G,mode=cpr-transfer,downtime-limit=500' \
	    -incoming unix:/tmp/migcfg-example.sock

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

rust-test:
	$(CARGO) test --locked --workspace
	$(CARGO) test --locked --workspace --release

c-test: lib
	$(MAKE) -C c-tests test

test: lint rust-test c-test

# Refresh the committed header from the generated one.
header: lib
	cp "$$(ls -t $$(find target/release/build -name migcfg.h) | head -n 1)" include/migcfg.h

clean:
	$(CARGO) clean
	$(MAKE) -C c-tests clean
