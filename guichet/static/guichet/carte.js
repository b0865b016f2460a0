// Carte sans fond tuilé (aucun serveur externe) : contours des départements et lieux en marqueurs.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte");
  var source = document.getElementById("donnees-carte");
  if (!conteneur || !source || typeof L === "undefined") { return; }
  var donnees = JSON.parse(source.textContent);
  if (!donnees.centre) { conteneur.hidden = true; return; }
  var carte = L.map(conteneur, { attributionControl: false, zoomSnap: 0.5 });
  carte.setView(donnees.centre, 10);
  fetch(conteneur.dataset.departements, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geo) {
      if (!geo) { return; }
      L.geoJSON(geo, {
        style: { color: "#000091", weight: 1, fillColor: "#e3e3fd", fillOpacity: 0.35 },
        interactive: false
      }).addTo(carte).bringToBack();
    });
  var groupe = [];
  donnees.points.forEach(function (p) {
    var marqueur = L.circleMarker([p.lat, p.lon], { radius: 8, color: "#000091", fillColor: "#6a6af4", fillOpacity: 0.9 });
    marqueur.bindTooltip(p.nom);
    if (p.url) { marqueur.on("click", function () { window.location.href = p.url; }); }
    marqueur.addTo(carte);
    groupe.push([p.lat, p.lon]);
  });
  L.circleMarker(donnees.centre, { radius: 5, color: "#ce0500", fillOpacity: 1 }).addTo(carte);
  if (groupe.length > 1) { carte.fitBounds(groupe.concat([donnees.centre]), { padding: [20, 20] }); }
})();
