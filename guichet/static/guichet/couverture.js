// La carte de la couverture d'un département : les communes colorées selon leur temps d'accès (contours du
// fond hors ligne du site, aucun serveur de tuiles), les lieux comptés, et un clic qui ajoute un lieu
// hypothétique. Les tableaux de la page donnent les mêmes informations.
//
// Scénarios : sans JavaScript, les formulaires « Ajouter », « Retirer », « Déplacer » rechargent la page avec le
// scénario dans l'adresse. Ici, le même scénario est demandé en JSON : seuls les chiffres, les communes qui
// changent, les zones blanches, les couleurs et les lieux de la carte sont remplacés ; l'adresse suit
// (history.pushState, le scénario reste partageable) et le changement est annoncé aux lecteurs d'écran.
(function () {
  "use strict";
  var conteneur = document.getElementById("carte-couverture");
  var source = document.getElementById("donnees-couverture");
  if (!source) { return; }
  var donnees = JSON.parse(source.textContent);
  var minutes = donnees.minutes;
  var carte = null;
  var couche = null;
  var marqueurs = null;

  function couleur(m) {
    if (m === null || m === undefined) { return "#6a6a6a"; }
    if (m <= 10) { return "#1f8d49"; }
    if (m <= 20) { return "#a9d8b1"; }
    if (m <= 30) { return "#fcc63a"; }
    return "#ce0500";
  }
  function style(f) {
    return { color: "#666", weight: 0.5, fillColor: couleur(minutes[f.properties.code]), fillOpacity: 0.6 };
  }
  function bulle(f) {
    var m = minutes[f.properties.code];
    var nom = f.properties.nom || f.properties.code;
    return nom + " : " + (m === null || m === undefined ? "plus de 60" : Math.round(m)) + " min";
  }
  function colorer() {
    if (!couche) { return; }
    couche.setStyle(style);
    couche.eachLayer(function (calque) { calque.setTooltipContent(bulle(calque.feature)); });
  }

  var CLASSES = { structure: "structure", arret: "arret", permanence: "permanence", hypothese: "recherche" };
  function dessinerLieux(lieux) {
    if (!carte) { return; }
    if (marqueurs) { marqueurs.remove(); }
    marqueurs = L.layerGroup();
    lieux.forEach(function (p) {
      var marqueur = L.marker([p.lat, p.lon], {
        keyboard: false,
        title: p.nom,
        icon: L.divIcon({ className: "guichet-symbole guichet-symbole--" + (CLASSES[p.type] || "structure") + " guichet-marqueur", iconSize: [16, 16] })
      });
      marqueur.bindTooltip(p.type_libelle + " : " + p.nom + (p.horaires.length ? " (" + p.horaires.join(", ") + ")" : ""));
      marqueurs.addLayer(marqueur);
    });
    marqueurs.addTo(carte);
  }

  if (conteneur && typeof L !== "undefined" && donnees.centre) {
    carte = L.map(conteneur, { attributionControl: false, zoomSnap: 0.5 });
    carte.setView(donnees.centre, 9);
    var url = donnees.fond_departement.replace("CODE", encodeURIComponent(donnees.departement)).replace("NIVEAU", "large");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geo) {
        if (!geo) { return; }
        couche = L.geoJSON(geo, {
          filter: function (f) { return Boolean(f.geometry); },
          style: style,
          onEachFeature: function (f, calque) { calque.bindTooltip(bulle(f)); }
        }).addTo(carte);
        if (couche.getBounds().isValid()) { carte.fitBounds(couche.getBounds()); }
      })
      .catch(function () { return null; });
    dessinerLieux(donnees.lieux);
  } else if (conteneur) {
    conteneur.hidden = true;
  }

  // — scénarios sans recharger la page —
  var annonce = document.getElementById("annonce-scenario");
  var version = 0;
  var enCours = null;

  function remplacer(id, html) {
    var bloc = document.getElementById(id);
    if (bloc) { bloc.innerHTML = html; }
  }
  function annoncer(r) {
    if (!annonce) { return; }
    var texte;
    if (r.erreurs.length) {
      texte = r.erreurs.join(" ");
    } else if (!r.scenario) {
      texte = "Situation actuelle, sans scénario.";
    } else {
      texte = "Scénario recalculé : à moins de 20 minutes, " + r.ecarts.population_gagnee + " habitants gagnés et " +
        r.ecarts.population_perdue + " perdus ; " + r.nombre_communes_qui_changent + " communes changent de temps ; " +
        r.nombre_zones_blanches + " communes à plus de 20 minutes.";
    }
    // Vider puis remplir : un même texte deux fois de suite est annoncé deux fois.
    annonce.textContent = "";
    window.setTimeout(function () { annonce.textContent = texte; }, 50);
  }
  function mettreAJour(r) {
    remplacer("resultats-scenario", r.fragments.resultats);
    remplacer("communes-qui-changent-bloc", r.fragments.communes_qui_changent);
    remplacer("zones-blanches-bloc", r.fragments.zones_blanches);
    document.querySelectorAll(".guichet-scenario-cache").forEach(function (bloc) { bloc.innerHTML = r.fragments.scenario_cache; });
    // Les lieux à retirer ou déplacer, et leur tableau : un lieu retiré n'y est plus, un lieu ajouté y entre.
    document.querySelectorAll(".guichet-options-lieux").forEach(function (liste) { liste.innerHTML = r.fragments.options_lieux; });
    remplacer("lieux-bloc", r.fragments.lieux);
    var nombre = document.getElementById("nombre-lieux");
    if (nombre) { nombre.textContent = String(r.lieux.length); }
    minutes = r.minutes;
    colorer();
    dessinerLieux(r.lieux);
    version += 1;
    document.getElementById("resultats-scenario").setAttribute("data-version", String(version));
    annoncer(r);
    document.dispatchEvent(new CustomEvent("couverture:a-jour", { detail: { version: version } }));
  }
  function demander(parametres, pousser, secours) {
    if (enCours) { enCours.abort(); }
    var controle = typeof AbortController !== "undefined" ? new AbortController() : null;
    enCours = controle;
    var requete = parametres.toString();
    return fetch(donnees.scenario_json + (requete ? "?" + requete : ""), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controle ? controle.signal : undefined
    })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (r) {
        mettreAJour(r);
        if (pousser) { window.history.pushState({ scenario: true }, "", r.adresse); }
      })
      .catch(function (erreur) {
        if (erreur && erreur.name === "AbortError") { return; }
        if (secours) { secours(); } else { window.location.reload(); }
      });
  }

  ["form-ajout", "form-retrait", "form-deplacement"].forEach(function (id) {
    var formulaire = document.getElementById(id);
    if (!formulaire || !window.fetch || !window.history.pushState) { return; }
    formulaire.addEventListener("submit", function (e) {
      e.preventDefault();
      demander(new URLSearchParams(new FormData(formulaire)), true, function () { formulaire.submit(); });
    });
  });

  // « Revenir à la situation actuelle » : le même chemin, sans recharger.
  var resultats = document.getElementById("resultats-scenario");
  if (resultats && window.fetch && window.history.pushState) {
    resultats.addEventListener("click", function (e) {
      var lien = e.target.closest ? e.target.closest("a[data-scenario-lien]") : null;
      if (!lien) { return; }
      e.preventDefault();
      demander(new URL(lien.href).searchParams, true, function () { window.location.assign(lien.href); });
    });
  }

  if (carte) {
    carte.on("click", function (e) {
      var formulaire = document.getElementById("form-ajout");
      var point = document.getElementById("ajout-point");
      var commune = document.getElementById("ajout-commune");
      if (!formulaire || !point || !commune) { return; }
      point.value = e.latlng.lat.toFixed(5) + "," + e.latlng.lng.toFixed(5);
      point.disabled = false;
      commune.disabled = true;
      var parametres = new URLSearchParams(new FormData(formulaire));
      point.disabled = true;
      commune.disabled = false;
      demander(parametres, true, function () {
        point.disabled = false;
        commune.disabled = true;
        formulaire.submit();
      });
    });
  }

  window.addEventListener("popstate", function () {
    demander(new URLSearchParams(window.location.search), false, null);
  });
})();
