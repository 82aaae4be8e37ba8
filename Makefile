# The test command of the README and CI. It installs what the suite needs
# when it is missing — redis-server (the tests start it on a free loopback
# port), chromium (the console's browser tests and PDF reports) and a CJK
# font (Chinese text in screenshots and PDFs) — then runs every test with
# the race detector, then fuzzes each parser of outside input for a short,
# bounded number of executions (make fuzz).
.PHONY: test deps build bench fuzz

test: deps
	go test -race -shuffle=on -timeout 30m ./...
	$(MAKE) --no-print-directory fuzz

# Each fuzz target of a parser of outside input runs for a number of
# executions (about 5-10 s each here), not a duration: with a duration
# (-fuzztime 8s) Go 1.26's fuzz coordinator can fail the run with a bare
# "context deadline exceeded" and no crasher when the deadline meets a busy
# worker (golang/go#75804, fixed in Go 1.27). Minimising a new input is
# bounded too, so it cannot take the whole budget. New crashers land in the
# package's testdata/fuzz/ and fail the run; commit them as regression seeds
# once fixed. FUZZMUL=20 make fuzz digs twenty times deeper.
FUZZMUL ?= 1
FUZZ_TARGETS = \
	./ingest:FuzzParsePosts:300000 \
	./ingest:FuzzParseSMS:300000 \
	./ingest:FuzzParseFrom:300000 \
	./index/ql:FuzzParse:20000 \
	./alerting/rule:FuzzParseFile:100000 \
	./configs:FuzzParse:20000 \
	./analysis/pii:FuzzFind:300000

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; n=$$(( $${rest#*:} * $(FUZZMUL) )); \
		echo "fuzz $$pkg $$name for $$n executions"; \
		go test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $${n}x -fuzzminimizetime 2s; \
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
