// La carte des départements du tableau national : les contours du fond hors ligne du site, chacun de la
// couleur de sa classe (calculée par le serveur, comme la légende) ; l'infobulle d'un département dit ses
// chiffres, qui sont aussi dans le tableau des données. Aucun serveur de tuiles.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte-departements");
  var source = document.getElementById("donnees-carte-departements");
  if (!conteneur || !source || typeof L === "undefined") { return; }
  var donnees = JSON.parse(source.textContent);
  var carte = L.map(conteneur, {
    attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false, minZoom: 4, maxZoom: 9,
  });
  // La métropole et la Corse ; l'outre-mer est dans le tableau.
  carte.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
  fetch(donnees.fond, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geo) {
      if (!geo) { return; }
      L.geoJSON(geo, {
        filter: function (f) { return Boolean(f.geometry); },
        style: function (f) {
          var d = donnees.departements[f.properties.code];
          return {
            color: "#3a3a3a", weight: 0.6, fillOpacity: 1,
            fillColor: d ? d.couleur : donnees.sans_activite,
          };
        },
        onEachFeature: function (f, couche) {
          var d = donnees.departements[f.properties.code];
          // Du texte, jamais du HTML : l'infobulle reçoit un nœud dont seul le texte est posé.
          var texte = document.createElement("span");
          texte.textContent = d ? d.texte : f.properties.nom + " (" + f.properties.code + ") : aucune activité";
          couche.bindTooltip(texte, { sticky: true });
        },
      }).addTo(carte);
      conteneur.dataset.charge = "oui";
    });
})();
