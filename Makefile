# The README's two commands: `make run` and `make test`.
DB ?= ./ora.db
LISTEN ?= 127.0.0.1:7420
SWIFT ?= swift

.PHONY: run test deps build build-debug bench clean

deps:
	@./scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product ora-server
	$(SWIFT) build -c release --product ora-client

build-debug: deps
	$(SWIFT) build

## Start the server on $(DB) (created when absent), listening on $(LISTEN).
run: build
	.build/release/ora-server --database $(DB) --listen $(LISTEN)

## Every test: Swift unit and integration tests (with ora-bench's smoke run, built from bench/), then the Python
## client's tests (mypy --strict among them).
test:
	@./scripts/install-deps.sh --test
	$(SWIFT) build --build-tests
	$(SWIFT) build --package-path bench
	ORA_BENCH_BIN="$$($(SWIFT) build --package-path bench --show-bin-path)/ora-bench" $(SWIFT) test
	@if [ -d clients/python/tests ]; then \
		ORA_BIN_DIR="$$($(SWIFT) build --show-bin-path)" ORA_REQUIRE_INSTALLED_COMMANDS=1 ORA_REQUIRE_BROWSER=1 ORA_REQUIRE_MYPY=1 ORA_REQUIRE_TOOLS=1 python3 -m pytest -q clients/python/tests; \
	fi

## Benchmarks: release build, then ORA against the Python-era scripts, its ceiling and redis.
bench: deps
	@command -v redis-server >/dev/null || { sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; $$sudo apt-get install -y -qq redis-server >/dev/null || true; }
	$(SWIFT) build -c release --product ora-server
	$(SWIFT) build -c release --package-path bench
	bench/.build/release/ora-bench --server .build/release/ora-server

clean:
	rm -rf .build bench/.build
