# `make serve` and `make test` work on a fresh machine with Python 3.11+ and nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint bench clean chromium

$(STAMP): setup.cfg setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/hotline db upgrade
	$(BIN)/hotline deploy bpmn forms
	$(BIN)/hotline serve

test: $(STAMP) chromium
	$(BIN)/ruff check engine processes api tests bench
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/engine_overhead.py

clean:
	rm -rf $(VENV) hotline.db

# The report tests open an HTML report in headless Chromium: install Debian's package when it is missing
# (CI runs as root on Debian). Quiet, and a no-op once it is there.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is missing and could not be installed: the HTML report test will fail" >&2
