# Vitrine: `make run` serves the site, `make test` checks everything.
# Both create .venv on first use and reuse it afterwards.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# pytest-xdist processes for `make test` and `make test-fast`.
TEST_WORKERS ?= 2

INITIAL_REVISIONS := createinitialrevisions blog.Post blog.Page portfolio.Profile -v0

.PHONY: run test test-fast lint install chromium java lighthouse bench bench-import clean

run: $(VENV)/.installed staticfiles/staticfiles.json
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py demo --if-empty
	@# A first version of each post, page and the profile (the demo's, imported ones): a deleted
	@# one can be recovered with its blocks. Objects that have a version already are skipped.
	$(BIN)/python manage.py $(INITIAL_REVISIONS)
	$(BIN)/python manage.py createlocaladmin
	@echo "Vitrine is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/$${ADMIN_PATH:-admin}/)"
	@# The email worker runs beside gunicorn and stops with it (Ctrl-C, or gunicorn exiting).
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/gunicorn portfolio.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

# Collected static files too: some tests start the site in production mode.
test: $(VENV)/.installed-test chromium staticfiles/staticfiles.json node_modules/.installed java
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest -n $(TEST_WORKERS)

# The edit–test loop: the same lint and every test but the browser ones.
test-fast: $(VENV)/.installed-test staticfiles/staticfiles.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

# Playwright cannot download its own browser here: Debian's Chromium it is.
chromium:
	@[ -x $(CHROMIUM) ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core; }

# axe-core and the Nu HTML Checker (vnu.jar) for the accessibility and validity
# tests, pinned in package-lock.json; --ignore-scripts: vnu-jar's optional
# postinstall would download a Java runtime, and the machine's Java serves.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

java:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless; }

# Lighthouse scores of a production-like run (demo content), on demand: see docs/performance.md.
lighthouse: $(VENV)/.installed
	$(BIN)/python bench/lighthouse/run

# Requests/s, latency and queries per page next to a static file, on demand (never in `make
# test`): see docs/performance.md. Pass DATABASE_URL/REDIS_URL for PostgreSQL + Redis.
bench: $(VENV)/.installed
	bench/run

# A generated WordPress export (1,000 posts, 10,000 comments, 2,000 images) imported, on
# demand: < 2 min, < 500 MB, a second run changes nothing. See docs/performance.md.
bench-import: $(VENV)/.installed
	bench/import_wordpress

# Collect again only when a static file changed: a second `make run` starts in seconds.
staticfiles/staticfiles.json: $(VENV)/.installed $(shell find static -type f 2>/dev/null)
	$(BIN)/python manage.py collectstatic --noinput -v0

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf staticfiles test-output .pytest_cache
