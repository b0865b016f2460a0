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

install: .venv/.installe static .env

static: node_modules/.package-lock.json
	bash scripts/vendoriser.sh

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Les réglages locaux (profil de développement) : écrits une fois par `make install` (donc par `make run` et
# `make test`), DEBUG=true et clé secrète tirée au hasard, jamais écrasés ; l environnement réel a priorité ; settings.py
# lit .env, donc ils valent pour `make run` comme pour chaque commande `.venv/bin/guichet …` tapée ensuite.
.env:
	@printf '# Réglages locaux écrits par make install (voir .env.example) ; l environnement a priorité.\nDEBUG=true\nSECRET_KEY=%s\n' \
	  "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Réglages locaux écrits dans .env (DEBUG=true, clé secrète locale)."

donnees: install .env
	$(GUICHET) migrate --verbosity 0
	$(GUICHET) import_territoires --wet-run
	$(GUICHET) demo --wet-run
	$(GUICHET) ancrer_journal

run: donnees serve

# Le serveur web et le worker des tâches de fond (Procfile.dev) ensemble, sous honcho : leurs journaux
# préfixés (web.1 | …, worker.1 | …), un seul Ctrl-C arrête les deux, et l'arrêt de l'un arrête l'autre.
serve: install .env
	.venv/bin/honcho --procfile Procfile.dev start --port $(PORT)

# Deux processus (les deux cœurs d'une machine ordinaire) ; PYTEST_ARGS= pour un seul.
PYTEST_ARGS ?= -n 2
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
