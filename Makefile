# hiqty: every target bootstraps what it needs, so `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := $(CURDIR)/.tools
NODE_MIN := 22.12.0
NODE_PKG := node@24

# Use the machine's node when it is new enough; otherwise Node 24 from the npm registry in .tools/.
SYSTEM_NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' >/dev/null 2>&1 && echo yes)
ifeq ($(SYSTEM_NODE_OK),yes)
NODE_STAMP :=
else
NODE_BIN := $(TOOLS)/node/node_modules/.bin
NODE_STAMP := $(NODE_BIN)/node
export PATH := $(NODE_BIN):$(PATH)
endif
export npm_config_update_notifier := false
export npm_config_fund := false

DEPS_STAMP := node_modules/.hiqty-installed

.PHONY: help setup toolchain deps system-deps build lint typecheck test test-unit run bench clean

help:
	@echo "make run    - start hiqty (the local Discord sandbox when DISCORD_TOKEN is unset)"
	@echo "make test   - type-check, lint and run every test against a real redis-server and ffmpeg"
	@echo "make bench  - print the performance figures"
	@echo "make setup  - install the toolchain and system parts only"

setup: toolchain deps system-deps

toolchain: $(NODE_STAMP)

$(TOOLS)/node/node_modules/.bin/node:
	@echo "system node is older than $(NODE_MIN): fetching $(NODE_PKG) from the npm registry into .tools/node"
	@mkdir -p $(TOOLS)/node
	npm install --prefix $(TOOLS)/node --no-save --no-package-lock --loglevel=error $(NODE_PKG)
	@$@ --version

deps: $(DEPS_STAMP)

$(DEPS_STAMP): package.json package-lock.json $(NODE_STAMP)
	npm ci --loglevel=error
	@touch $@

# redis-server and ffmpeg are system parts: apt-get installs them where it can, otherwise say what to install.
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "hiqty needs these system packages:$$missing"; \
	    echo "install them, for example: sudo apt-get install -y$$missing   (or: brew install$$missing)"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	npx tsc -p tsconfig.build.json

typecheck: deps
	npx tsc -p tsconfig.json --noEmit

lint: typecheck
	npx eslint .

test: setup lint
	npx mocha 'test/**/*.test.ts'

run: setup build
	node dist/src/bin/hiqty.js run

bench: setup build
	node dist/bench/run.js

clean:
	rm -rf dist node_modules .tools .run
