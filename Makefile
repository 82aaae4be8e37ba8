# The test command of the README and CI. It installs what the suite needs
# (redis-server, which the tests start on a free loopback port) when it is
# missing, then runs every test with the race detector.
.PHONY: test deps build bench

test: deps
	go test -race -shuffle=on -timeout 30m ./...

deps:
	@command -v redis-server >/dev/null 2>&1 || { \
		echo "installing redis-server (needed by the state and distributed-mode tests)"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; }
	@go version

build:
	go build -o bin/yuqing ./cmd/yuqing

bench:
	go run ./cmd/yuqing bench pipeline
