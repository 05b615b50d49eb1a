# One command runner for people and CI. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
CHROMIUM ?= /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install validate site test browser serve bench lint clean pin-releases

help: ## this list
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): requirements.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) ## create .venv and install the pinned dependencies

validate: install ## check every dataset against its schema; one table of problems
	$(PY) build.py validate

site: install ## validate and build the site into site/
	$(PY) build.py build

browser: ## install Debian's chromium for the browser tests when it is missing
	@test -x $(CHROMIUM) || { \
	  echo "installing chromium (Debian package)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@$(CHROMIUM) --version

test: install browser ## every test, the browser tests included
	$(PY) -m pytest -q

serve: site ## build, then serve site/ on http://127.0.0.1:8000/
	$(PY) build.py serve

pin-releases: site ## add the checksums of newly released versions to tests/fixtures/published_releases.json
	$(PY) tests/release_pins.py site

bench: site browser ## print page sizes and timings (bench/); needs the built site and chromium
	@failed=; for script in bench/*.py; do \
	  CHROMIUM="$(CHROMIUM)" $(PY) $$script || failed="$$failed $$script"; done; \
	  test -z "$$failed" || { echo "bench failed (over budget or error):$$failed"; exit 1; }

lint: install ## ruff
	$(VENV)/bin/ruff check .

clean: ## remove build output
	rm -rf site site.old .build-*
