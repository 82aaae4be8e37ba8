# The test command of the README and CI. It installs what the suite needs
# when it is missing — redis-server (the tests start it on a free loopback
# port), chromium (the console's browser tests and PDF reports) and a CJK
# font (Chinese text in screenshots and PDFs) — then runs every test with
# the race detector, then fuzzes each parser of outside input for a short,
# bounded time (make fuzz).
.PHONY: test deps build bench fuzz

test: deps
	go test -race -shuffle=on -timeout 30m ./...
	$(MAKE) --no-print-directory fuzz

# Each fuzz target of a parser of outside input runs for FUZZTIME (Go
# fuzzes one target per package per invocation). New crashers land in the
# package's testdata/fuzz/ and fail the run; commit them as regression
# seeds once fixed. FUZZTIME=2m make fuzz digs deeper.
FUZZTIME ?= 8s
FUZZ_TARGETS = \
	./ingest:FuzzParsePosts \
	./ingest:FuzzParseSMS \
	./ingest:FuzzParseFrom \
	./index/ql:FuzzParse \
	./alerting/rule:FuzzParseFile \
	./configs:FuzzParse \
	./analysis/pii:FuzzFind

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		go test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	done

deps:
	@missing=; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	[ -n "$$(fc-list :lang=zh 2>/dev/null)" ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing (redis-server for the state and distributed tests, chromium and a CJK font for the console and PDF reports)"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@go version

build:
	go build -o bin/yuqing ./cmd/yuqing

bench:
	go run ./cmd/yuqing bench pipeline
