#!/usr/bin/env bash
# Copie les ressources front-end des paquets npm dans guichet/static/vendor (pas de CDN à l'exécution).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/leaflet ] || [ ! -d node_modules/swagger-ui-dist ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
cible=guichet/static/vendor
rm -rf "$cible" && mkdir -p "$cible/leaflet"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css "$cible/leaflet/"
cp -r node_modules/leaflet/dist/images "$cible/leaflet/"
# Graphiques DSFR (composants web) : la version ESM qui les contient tous, et sa feuille de style.
mkdir -p "$cible/dsfr-chart"
cp node_modules/@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.js node_modules/@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.css "$cible/dsfr-chart/"
cp node_modules/@gouvfr/dsfr-chart/LICENSE "$cible/dsfr-chart/LICENSE"
# Documentation de l'API : Swagger UI servi par le site lui-même (la CSP refuse tout CDN).
mkdir -p "$cible/swagger-ui"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui.css.map node_modules/swagger-ui-dist/LICENSE "$cible/swagger-ui/"
