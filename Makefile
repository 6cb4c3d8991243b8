# The two commands of the README: `make run` (the app) and `make test` (the whole suite).
# Both set everything up on a fresh machine with only Python 3.11+: virtualenv, packages,
# embedded PostgreSQL (when DATABASE_URL is unset), migrations, demo data on first start.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-external lint db seed bench clean-data

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

db: $(VENV)/.installed-run
	$(BIN)/python -m db migrate
	$(BIN)/python -m db seed

# One background worker (python -m db worker) next to Streamlit, stopped with it: on exit,
# Ctrl+C (the terminal signals the whole group) or a TERM to the group, the trap sends TERM to
# the worker (it finishes its job and leaves).
run: db
	$(BIN)/python -m db worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest runs two workers (the machine kind has 2 cores), whole files per worker so that a
# module's committed fixtures stay in one process; each worker has its own test database.
test: $(VENV)/.installed-dev
	bash .ci/install_browser.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy  # db/ ui/ pages/ app.py, settings in pyproject.toml
	$(BIN)/pytest -n 2 --dist loadfile

# The production path: a plain PostgreSQL server (Debian's package, installed if missing), a
# non-superuser owner, the app role's password from MIF_APP_DB_PASSWORD; migrate, seed and the
# suite without browser tests on a throw-away cluster. ARGS go to pytest.
test-external: $(VENV)/.installed-dev
	bash .ci/external_pg.sh $(ARGS)

seed: $(VENV)/.installed-run
	$(BIN)/python -m db seed --scale $(or $(SCALE),1)

# The benchmark (README, "Performance"): its own large database (>= 1M interventions, or
# BENCH_SCALE=N; reused when already built at that scale), one table printed, the same data in
# bench/results/<timestamp>.json. ARGS go to `python -m bench` (e.g. ARGS="--reps 3").
bench: $(VENV)/.installed-run
	MIF_DB_NAME=$(or $(BENCH_DB),mif_bench) $(BIN)/python -m bench \
		$(if $(BENCH_SCALE),--scale $(BENCH_SCALE)) $(ARGS)
