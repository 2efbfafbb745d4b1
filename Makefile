# `make serve` and `make test` work on a fresh machine with Python 3.11+ and nothing else.
# Knobs: make serve PORT=8100 HOST=0.0.0.0 WORKERS=2 DATABASE_URL=postgresql+psycopg://user@host/db
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# setuptools notes every editable install ("be careful with folders named like your package"): not news here.
PIP := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip --quiet --disable-pip-version-check
HOTLINE := $(BIN)/hotline$(if $(DATABASE_URL), --database-url '$(DATABASE_URL)')

.PHONY: serve test lint bench clean chromium fonts

$(STAMP): setup.cfg setup.py
	@echo "installing Hotline into $(VENV) (once, or after setup.cfg changes)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e .
	@touch $(STAMP)

# The test tools (pytest, ruff, schemathesis) only for `make test`: serving needs none of them.
$(TEST_STAMP): $(STAMP)
	@echo "installing the test tools into $(VENV)"
	@$(PIP) install -e '.[test]'
	@touch $(TEST_STAMP)

serve: $(STAMP)
	@$(HOTLINE) db upgrade
	@$(HOTLINE) deploy bpmn forms
	@$(HOTLINE) serve --host '$(HOST)' --port '$(PORT)' --workers '$(WORKERS)'

test: $(TEST_STAMP) chromium fonts
	$(BIN)/ruff check engine processes api tests bench
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/engine_overhead.py

# The database and reports live in var/ (the instance folder of a checkout, see api/settings.py).
clean:
	rm -rf $(VENV) var hotline.db

# The report tests open an HTML report in headless Chromium: install Debian's package when it is missing
# (CI runs as root on Debian). Quiet, and a no-op once it is there.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "chromium is missing and could not be installed: the HTML report test will fail" >&2

# A Chinese PDF report needs a Chinese font: install Debian's fonts-noto-cjk when fontconfig knows none (as
# chromium above). The Chinese PDF tests are skipped, and say so, without one.
fonts:
	@fc-list :lang=zh family 2>/dev/null | grep -q CJK || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; } \
		|| echo "fonts-noto-cjk is missing and could not be installed: the Chinese PDF tests are skipped" >&2
