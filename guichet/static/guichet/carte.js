// Les cartes publiques. Fond : les tuiles configurées (Plan IGN) ou, par défaut, un fond hors ligne servi
// par le site (contours des départements, puis des communes du département vu, et noms des villes selon
// le zoom). Lieux : France services, arrêts de bus et permanences, chacun avec son symbole (voir la légende).
// Sur un téléphone, la page « Trouver » bascule entre la liste et la carte.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte");
  var source = document.getElementById("donnees-carte");
  if (!conteneur || !source || typeof L === "undefined") { return; }
  var donnees = JSON.parse(source.textContent);
  if (!donnees.centre) { conteneur.hidden = true; return; }

  var carte = L.map(conteneur, { attributionControl: Boolean(donnees.tuiles), zoomSnap: 0.5 });
  carte.setView(donnees.centre, 11);

  // --- Fond de carte ---
  if (donnees.tuiles) {
    L.tileLayer(donnees.tuiles, { attribution: donnees.attribution, maxZoom: 18, minZoom: 2 }).addTo(carte);
  } else {
    fondHorsLigne();
  }

  function fondHorsLigne() {
    carte.createPane("fond").style.zIndex = 250;
    carte.createPane("etiquettes").style.zIndex = 450;
    carte.getPane("etiquettes").style.pointerEvents = "none";
    var departements = [];  // {code, emprise: L.LatLngBounds}
    var couches = {};  // "code/niveau" -> {couche, features} (chargée) ou "attente"
    var etiquettes = L.layerGroup().addTo(carte);
    var contoursDepartements = null;  // vues larges seulement : de près, les contours des communes les remplacent
    var styleDepartement = { pane: "fond", color: "#6a6af4", weight: 1.5, fill: false, interactive: false };
    var styleCommune = { pane: "fond", color: "#9a9aa8", weight: 0.6, fill: false, interactive: false };

    function niveau() { return carte.getZoom() >= 11.5 ? "detail" : "large"; }
    // Population minimale d'une commune nommée, selon le zoom.
    function seuil(zoom) {
      if (zoom >= 12) { return 0; }
      if (zoom >= 11) { return 500; }
      if (zoom >= 10) { return 1500; }
      if (zoom >= 9) { return 5000; }
      if (zoom >= 8) { return 15000; }
      return 50000;
    }
    function urlDepartement(code, niv) {
      return donnees.fond_departement.replace("CODE", encodeURIComponent(code)).replace("NIVEAU", niv);
    }
    function visibles() {
      var vue = carte.getBounds().pad(0.1);
      return departements.filter(function (d) { return vue.intersects(d.emprise); });
    }
    function charger(code, niv) {
      var cle = code + "/" + niv;
      if (couches[cle]) { return; }
      couches[cle] = "attente";
      fetch(urlDepartement(code, niv), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geo) {
          if (!geo) { delete couches[cle]; return; }
          var couche = L.geoJSON(geo, { style: styleCommune, pane: "fond", interactive: false, filter: function (f) { return Boolean(f.geometry); } });
          couches[cle] = { couche: couche, features: geo.features };
          redessiner();
        })
        .catch(function () { delete couches[cle]; });
    }
    function redessiner() {
      var niv = niveau();
      var vus = {};
      if (contoursDepartements) {
        if (carte.getZoom() < 9) { contoursDepartements.addTo(carte); } else { carte.removeLayer(contoursDepartements); }
      }
      if (carte.getZoom() >= 8) {
        visibles().forEach(function (d) { vus[d.code + "/" + niv] = true; charger(d.code, niv); });
      }
      var candidates = [];
      Object.keys(couches).forEach(function (cle) {
        var c = couches[cle];
        if (c === "attente") { return; }
        if (vus[cle]) {
          if (!carte.hasLayer(c.couche)) { c.couche.addTo(carte); }
          candidates = candidates.concat(c.features);
        } else if (carte.hasLayer(c.couche)) {
          carte.removeLayer(c.couche);
        }
      });
      placerEtiquettes(candidates);
    }
    // Les noms des villes : les plus peuplées d'abord, sans chevauchement.
    function placerEtiquettes(features) {
      etiquettes.clearLayers();
      var vue = carte.getBounds();
      var minimum = seuil(carte.getZoom());
      var places = [];
      features
        .filter(function (f) {
          var p = f.properties;
          return p.nom && p.population >= minimum && vue.contains(p.point);
        })
        .sort(function (a, b) { return b.properties.population - a.properties.population; })
        .forEach(function (f) {
          if (places.length >= 60) { return; }
          var pixel = carte.latLngToContainerPoint(f.properties.point);
          var largeur = 7 * f.properties.nom.length;
          var libre = places.every(function (q) {
            return Math.abs(q.x - pixel.x) > (q.largeur + largeur) / 2 + 4 || Math.abs(q.y - pixel.y) > 18;
          });
          if (!libre) { return; }
          places.push({ x: pixel.x, y: pixel.y, largeur: largeur });
          var grande = f.properties.population >= 10000;
          L.marker(f.properties.point, {
            pane: "etiquettes",
            interactive: false,
            keyboard: false,
            icon: L.divIcon({
              className: "guichet-etiquette" + (grande ? " guichet-etiquette--ville" : ""),
              html: "<span></span>",
              iconSize: null
            })
          }).addTo(etiquettes).getElement().firstChild.textContent = f.properties.nom;
        });
    }

    fetch(donnees.fond_index, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geo) {
        if (!geo) { return; }
        contoursDepartements = L.geoJSON(geo, { style: styleDepartement, interactive: false, pane: "fond" });
        departements = geo.features.map(function (f) {
          var e = f.properties.emprise;
          return { code: f.properties.code, emprise: L.latLngBounds([e[1], e[0]], [e[3], e[2]]) };
        });
        redessiner();
      });
    carte.on("moveend", redessiner);
  }

  // --- Lieux ---
  var SYMBOLES = { structure: "Structure France services", arret: "Arrêt de bus", permanence: "Permanence" };
  var emprise = [];
  donnees.points.forEach(function (p) {
    var type = SYMBOLES[p.type] ? p.type : "structure";
    var marqueur = L.marker([p.lat, p.lon], {
      keyboard: false,
      title: p.nom,
      icon: L.divIcon({ className: "guichet-symbole guichet-symbole--" + type + " guichet-marqueur", iconSize: [18, 18] })
    });
    marqueur.bindTooltip(SYMBOLES[type] + " : " + p.nom);
    if (p.url) { marqueur.on("click", function () { window.location.href = p.url; }); }
    marqueur.addTo(carte);
    emprise.push([p.lat, p.lon]);
  });
  if (donnees.recherche) {
    L.marker(donnees.centre, {
      keyboard: false,
      interactive: false,
      icon: L.divIcon({ className: "guichet-symbole guichet-symbole--recherche guichet-marqueur", iconSize: [14, 14] })
    }).addTo(carte);
  }
  function cadrer() {
    if (emprise.length > 1) { carte.fitBounds(emprise.concat([donnees.centre]), { padding: [24, 24], maxZoom: 13 }); }
    else { carte.setView(donnees.centre, 12); }
  }
  cadrer();

  // --- Liste ou carte, sur un petit écran ---
  var bascule = document.getElementById("bascule-vue");
  var zone = document.getElementById("resultats-et-carte");
  if (bascule && zone) {
    bascule.hidden = false;
    bascule.addEventListener("change", function (evenement) {
      zone.dataset.vue = evenement.target.value;
      if (evenement.target.value === "carte") {
        carte.invalidateSize();
        cadrer();
      }
    });
  }
})();
