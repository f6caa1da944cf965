# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
# Two pytest workers, one per core; a module's tests stay on one worker (browser fixtures).
PYTEST_ARGS ?= -n 2 --dist loadfile
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app consultplatform
# plugins/_template is the skeleton to copy, not a plugin to install.
PLUGINS := $(filter-out plugins/_template/%,$(wildcard plugins/*/pyproject.toml))
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(PLUGINS))
STAMP := $(VENV)/.installed

.PHONY: run test lint install translations catalog clean browser-deps system-deps bench bench-deps bench-export bench-workshops bench-validation

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Core and built-in plugins, editable, in one pip call; re-run when a pyproject changes.
$(STAMP): $(BIN)/python pyproject.toml $(PLUGINS)
	$(BIN)/pip install --quiet -e ".[dev]" $(addprefix -e ,$(PLUGIN_DIRS))
	touch $(STAMP)

install: system-deps $(STAMP) translations

# System libraries the Python packages load: Cairo (the heatmap's PNG) and a font for it;
# PostgreSQL's client programs for backups.
system-deps:
	@if ! ldconfig -p | grep -q 'libcairo.so.2' || ! fc-list 2>/dev/null | grep -qi dejavu; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      libcairo2 fonts-dejavu-core fontconfig; \
	  else echo "system-deps: libcairo2 or fonts-dejavu-core is missing and we are not root;" \
	    "install them with apt-get (the heatmap's PNG download needs them)"; fi; \
	fi
	@# pg_dump and pg_restore: `flask backup` on PostgreSQL (and its tests in the PostgreSQL pass).
	@if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      postgresql-client; \
	  else echo "system-deps: pg_dump is missing and we are not root; install it with" \
	    "'apt-get install postgresql-client' (backups of a PostgreSQL database need it)"; fi; \
	fi
	@# soffice: the exports plugin's test opens its Excel CSV in LibreOffice Calc (Dutch locale).
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      libreoffice-calc-nogui; \
	  else echo "system-deps: soffice is missing and we are not root; install it with" \
	    "'apt-get install libreoffice-calc-nogui' (the exports' CSV test is skipped without it)"; fi; \
	fi

translations: $(STAMP)
	$(BIN)/pybabel compile -d consultplatform/translations -D messages >/dev/null
	$(BIN)/pybabel compile -d consultplatform/translations -D admin >/dev/null
	@for d in $(PLUGIN_DIRS); do \
	  for t in $$d/*/translations; do [ -d $$t ] && $(BIN)/pybabel compile -d $$t -D messages >/dev/null; done; \
	done; true

# Re-extract the message catalogue after changing user-facing text; the "admin" domain
# (Flask-Admin's own strings, consultplatform/admin/wording.py) from the installed Flask-Admin.
catalog: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o consultplatform/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i consultplatform/translations/messages.pot -d consultplatform/translations -D messages --no-fuzzy-matching
	$(BIN)/pybabel extract -F babel-admin.cfg -k _gettext -k _ngettext:1,2 -k lazy_gettext -o consultplatform/translations/admin.pot --no-location --sort-output --omit-header \
	  "$$($(BIN)/python -c 'import flask_admin, os; print(os.path.dirname(flask_admin.__file__))')"
	$(BIN)/pybabel update -i consultplatform/translations/admin.pot -d consultplatform/translations -D admin --no-fuzzy-matching

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) users bootstrap-admin
	@echo "Background worker (mail delivery, reminders): huey consumer, stopped with the server"
	$(FLASK) serve --host 127.0.0.1 --port $(PORT)

# Browser tests (tests/browser): Debian's Chromium (Playwright's own browser download
# needs network we may not have) and axe-core from npm (pinned in package-lock.json).
CHROMIUM ?= /usr/bin/chromium
browser-deps:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "browser-deps: $(CHROMIUM) is missing and we are not root;" \
	    "install it with 'apt-get install chromium' (browser tests will be skipped)"; fi; \
	fi
	@[ -d node_modules/axe-core ] || npm ci --no-audit --no-fund

# TEST_DATABASE_URL=postgresql://... runs the suite on PostgreSQL (a fresh database per run);
# TEST_REDIS_URL=redis://... puts the background queue, the rate limits and the cache in
# Redis, as on several machines (.ci/run's PostgreSQL pass), and runs the two-host tests.
test: install browser-deps
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) \
	  $(if $(TEST_REDIS_URL),CONSULTPLATFORM_HUEY_REDIS_URL=$(TEST_REDIS_URL)) \
	  $(BIN)/pytest $(PYTEST_ARGS)

# The benchmark suite (bench/run.py): loads a large data set once (about half an hour the
# first time; kept in PostgreSQL and bench/results/cache for later runs), then prints one
# table of figures against baselines measured in the same run. Needs PostgreSQL and wrk.
bench-deps:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; \
	  else echo "bench-deps: wrk is missing and we are not root; install it with 'apt-get install wrk'"; \
	    exit 1; fi; \
	fi

bench: install bench-deps
	$(BIN)/python bench/run.py

# A million Expertarena insights exported (bench/export_insights.py): speed against plain
# sqlite3 + csv in the same run, peak memory per format. BENCH_EXPORT_POSTGRES=1: PostgreSQL too.
bench-export: install
	$(BIN)/python bench/export_insights.py

# A workshop's board at 1,000 and 10,000 insights (bench/workshop_board.py): load_board, the
# board page and save_action against a 100-insight baseline of the same run. PostgreSQL
# too with BENCH_WORKSHOPS_POSTGRES=1.
bench-workshops: install
	$(BIN)/python bench/workshop_board.py

# Ballots of a validation round through gunicorn at 16 and 64 clients
# (bench/validation_ballots.py): ballots per second and p95 against the bare insert.
bench-validation: install
	$(BIN)/python bench/validation_ballots.py

# The vulnerability audit of the installed packages: tools/audit_dependencies.py (pip-audit,
# then the index's project pages for what it could not check; AUDIT_STRICT=1: a package
# left unchecked fails too). Known vulnerabilities always fail; tools/audit-ignore.txt.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python tools/audit_dependencies.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
