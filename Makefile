# The front door. `make test` and `make generate` set up their own virtual environment in .venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
TOOLS := $(VENV)/.tools
INSTALLED := $(VENV)/.installed
# The generator runs its ruff post-hooks from PATH: make it the pinned one.
export PATH := $(BIN):$(PATH)

.PHONY: install generate check-generated lint lint-spec typecheck importlint pytest test test-all test-slow demo soak bench bench-quick clean

install: $(INSTALLED)

# Tools first: generation needs only them, and the package needs generated/.
$(TOOLS): requirements/dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

$(INSTALLED): $(TOOLS) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[sandbox]'
	touch $@

SANDBOX_RULES := sandbox/wechatpay_sandbox/operations.json

generate: $(TOOLS)
	scripts/generate.sh generated
	$(BIN)/python scripts/sandbox_operations.py openapi/offlineface.yaml > $(SANDBOX_RULES).tmp
	mv $(SANDBOX_RULES).tmp $(SANDBOX_RULES)

check-generated: $(TOOLS)
	scripts/check_generated.sh

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The OpenAPI document's linter: Redocly CLI from npm, pinned in package.json and package-lock.json (redocly.yaml
# holds the rules).
NODE_TOOLS := node_modules/.installed
$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint-spec: $(NODE_TOOLS)
	node_modules/.bin/redocly lint --format=stylish openapi/offlineface.yaml

typecheck: $(INSTALLED)
	$(BIN)/mypy

# The import contracts in pyproject.toml: no cycle in the plugin or the sandbox, the plugin imports nothing of ours,
# the sandbox only the plugin's public names.
importlint: $(INSTALLED)
	$(BIN)/lint-imports --no-cache --no-logo

# The everyday suite skips the tests marked slow; `make test-slow` runs just those (CI runs both: .ci/run).
pytest: $(INSTALLED)
	$(BIN)/pytest -m "not slow"

test: lint lint-spec typecheck importlint check-generated pytest

# make test (the checks, and the suite on 3.11 in .venv), then the suite on Python 3.12 and 3.13, each in its own
# environment (noxfile.py, .nox/).
test-all: test
	$(BIN)/nox --python 3.12 3.13

test-slow: $(INSTALLED)
	$(BIN)/pytest -m slow

# 20,000 calls at 50 in flight against the sandbox in another process (a 2,000-call run is part of make test-slow).
soak: $(INSTALLED)
	$(BIN)/python scripts/soak.py --calls 20000 --in-flight 50

# The benchmark: prints the tables and the targets, writes benchmark.png and benchmark-tls.png (about 15 minutes).
# bench-quick: the realistic half only (TLS, 30 ms away, up to 1,000 in flight), in a few minutes.
BENCH := $(VENV)/.bench
$(BENCH): requirements/bench.txt $(INSTALLED)
	$(BIN)/python -m pip install --quiet -r requirements/bench.txt
	touch $@

bench: $(BENCH)
	$(BIN)/python scripts/bench.py

bench-quick: $(BENCH)
	$(BIN)/python scripts/bench.py --quick

# The main job: the client against the local WeChat Pay sandbox, sync and async, and a tampered answer refused.
demo: $(INSTALLED)
	$(BIN)/python scripts/demo.py

clean:
	rm -rf $(VENV) node_modules .mypy_cache .ruff_cache .pytest_cache
