# Les points d'entrée du projet : `make run` (la plateforme, avec données de démonstration) et `make test`.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo .venv-outils/bin/uv)
GUICHET := .venv/bin/guichet
PORT ?= 8000

# La plateforme locale tourne en mode développement (courriels en console, fichiers statiques servis).
donnees serve run: export DEBUG ?= true

.PHONY: install static run serve donnees test quality bench

$(UV):
	python3 -m venv .venv-outils && .venv-outils/bin/pip install --quiet uv==0.13.9

.venv/.installe: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

install: .venv/.installe static

static: node_modules/.package-lock.json
	bash scripts/vendoriser.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

donnees: install
	$(GUICHET) migrate --verbosity 0
	$(GUICHET) import_territoires
	$(GUICHET) demo
	$(GUICHET) ancrer_journal

run: donnees serve

serve: install
	$(GUICHET) runserver 127.0.0.1:$(PORT)

test: install
	.venv/bin/pytest $(PYTEST_ARGS)

quality: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djlint guichet --lint
	DEBUG=true $(GUICHET) makemigrations --check --dry-run

# Les bancs rapides ; bench/activite.py (10 millions de lignes sous PostgreSQL) et bench/charge_trouver.py
# (gunicorn, base de démonstration) se lancent à part : voir bench/README.md.
bench: install
	.venv/bin/python bench/proximite.py
	.venv/bin/python bench/recherche.py --sans-semantique
	.venv/bin/python bench/boite_referent.py
	.venv/bin/python bench/ingestion_api.py
