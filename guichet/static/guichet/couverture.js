// La carte de la couverture d'un département : les communes colorées selon leur temps d'accès (contours du
// fond hors ligne du site, aucun serveur de tuiles), les lieux comptés, et un clic qui ajoute un lieu
// hypothétique (le formulaire « Ajouter » est envoyé avec le point cliqué). Les tableaux de la page donnent
// les mêmes informations.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte-couverture");
  var source = document.getElementById("donnees-couverture");
  if (!conteneur || !source || typeof L === "undefined") { return; }
  var donnees = JSON.parse(source.textContent);
  if (!donnees.centre) { conteneur.hidden = true; return; }
  var carte = L.map(conteneur, { attributionControl: false, zoomSnap: 0.5 });
  carte.setView(donnees.centre, 9);

  function couleur(minutes) {
    if (minutes === null || minutes === undefined) { return "#6a6a6a"; }
    if (minutes <= 10) { return "#1f8d49"; }
    if (minutes <= 20) { return "#a9d8b1"; }
    if (minutes <= 30) { return "#fcc63a"; }
    return "#ce0500";
  }
  var url = donnees.fond_departement.replace("CODE", encodeURIComponent(donnees.departement)).replace("NIVEAU", "large");
  fetch(url, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (geo) {
      if (!geo) { return; }
      var couche = L.geoJSON(geo, {
        filter: function (f) { return Boolean(f.geometry); },
        style: function (f) {
          var m = donnees.minutes[f.properties.code];
          return { color: "#666", weight: 0.5, fillColor: couleur(m), fillOpacity: 0.6 };
        },
        onEachFeature: function (f, calque) {
          var m = donnees.minutes[f.properties.code];
          var nom = f.properties.nom || f.properties.code;
          calque.bindTooltip(nom + " : " + (m === null || m === undefined ? "plus de 60" : Math.round(m)) + " min");
        }
      }).addTo(carte);
      if (couche.getBounds().isValid()) { carte.fitBounds(couche.getBounds()); }
    })
    .catch(function () { return null; });

  var CLASSES = { structure: "structure", arret: "arret", permanence: "permanence", hypothese: "recherche" };
  donnees.lieux.forEach(function (p) {
    var marqueur = L.marker([p.lat, p.lon], {
      keyboard: false,
      title: p.nom,
      icon: L.divIcon({ className: "guichet-symbole guichet-symbole--" + (CLASSES[p.type] || "structure") + " guichet-marqueur", iconSize: [16, 16] })
    });
    var texte = p.type_libelle + " : " + p.nom + (p.horaires.length ? " (" + p.horaires.join(", ") + ")" : "");
    marqueur.bindTooltip(texte);
    marqueur.addTo(carte);
  });

  carte.on("click", function (e) {
    var formulaire = document.getElementById("form-ajout");
    var point = document.getElementById("ajout-point");
    if (!formulaire || !point) { return; }
    point.value = e.latlng.lat.toFixed(5) + "," + e.latlng.lng.toFixed(5);
    point.disabled = false;
    document.getElementById("ajout-commune").disabled = true;
    formulaire.submit();
  });
})();
