# The two commands of the README: `make run` and `make test`. Everything else is set-up.
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint bench

$(VENV)/.synced: pyproject.toml uv.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv sync --frozen --python $(PY)
	touch $@

# make run [PORT=8000] [DB=sqlite|postgres]
PORT ?= 8000
DB ?= sqlite

run: $(VENV)/.synced
ifeq ($(DB),postgres)
	$(PY) scripts/dev_postgres.py --port $(PORT)
else
	$(PY) -m app dev --port $(PORT)
endif

test: $(VENV)/.synced
	bash scripts/test

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

bench: $(VENV)/.synced
	$(PY) bench/ledger.py
	$(PY) bench/badges.py
	$(PY) bench/oversight_lists.py
