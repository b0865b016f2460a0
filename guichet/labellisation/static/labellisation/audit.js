/* L'audit sur place : chaque constat est envoyé dès qu'il change (fetch) ; en attendant la réponse, et tant
   que le réseau manque, il est gardé dans le stockage local de l'appareil, puis rejoué : au retour du
   réseau (événement « online »), toutes les 15 secondes, et à la prochaine ouverture de la page. */
(function () {
  "use strict";
  const racine = document.getElementById("audit");
  if (!racine || racine.dataset.modifiable !== "1") return;
  const CLE = "guichet-audit-" + racine.dataset.audit;
  const etat = document.getElementById("audit-etat");
  let enCours = false;

  function attente() {
    try {
      return JSON.parse(window.localStorage.getItem(CLE)) || {};
    } catch (e) {
      return {};
    }
  }
  function garder(valeurs) {
    if (Object.keys(valeurs).length) window.localStorage.setItem(CLE, JSON.stringify(valeurs));
    else window.localStorage.removeItem(CLE);
  }
  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : racine.dataset.csrf || "";
  }
  function formulaire(id) {
    return document.getElementById("form-ligne-" + id);
  }
  function lire(form) {
    const donnees = new FormData(form);
    return { resultat: donnees.get("resultat") || "", commentaire: donnees.get("commentaire") || "" };
  }
  function appliquer(form, valeurs) {
    form.querySelectorAll('input[name="resultat"]').forEach(function (r) {
      r.checked = r.value === valeurs.resultat;
    });
    form.querySelector('textarea[name="commentaire"]').value = valeurs.commentaire;
  }
  function marquer(id, valeur) {
    const section = document.getElementById("ligne-" + id);
    if (section) section.dataset.etat = valeur;
  }
  function annoncer(texte) {
    etat.textContent = texte;
  }
  function majConclusion(reponse) {
    const bloc = document.getElementById("audit-raisons");
    const liste = document.getElementById("audit-raisons-liste");
    if (bloc && liste) {
      liste.replaceChildren();
      reponse.raisons.forEach(function (raison) {
        const li = document.createElement("li");
        li.textContent = raison;
        liste.appendChild(li);
      });
      bloc.hidden = reponse.raisons.length === 0;
    }
    const reste = document.getElementById("audit-a-remplir");
    if (reste) reste.textContent = reponse.a_remplir + " critère" + (reponse.a_remplir > 1 ? "s" : "") + " sans constat.";
  }

  async function envoyer(id, valeurs) {
    const form = formulaire(id);
    if (!form) return { ok: true, oublier: true };
    const reponse = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(valeurs),
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
    });
    if (reponse.status >= 400 && reponse.status < 500) {
      let message = "Constat refusé.";
      try {
        message = (await reponse.json()).erreur || message;
      } catch (e) { /* réponse non JSON (session expirée) */ }
      return { ok: false, oublier: true, message: message };
    }
    if (!reponse.ok) throw new Error("serveur " + reponse.status);
    const json = await reponse.json();
    majConclusion(json);
    return { ok: true };
  }

  async function synchroniser() {
    if (enCours) return;
    enCours = true;
    try {
      const envoyees = attente();
      for (const id of Object.keys(envoyees)) {
        let resultat;
        try {
          resultat = await envoyer(id, envoyees[id]);
        } catch (e) {
          const n = Object.keys(attente()).length;
          annoncer("Hors connexion : " + n + " constat" + (n > 1 ? "s gardés" : " gardé") +
            " sur cet appareil, envoyé" + (n > 1 ? "s" : "") + " au retour du réseau.");
          return;
        }
        const restantes = attente();
        if (JSON.stringify(restantes[id]) === JSON.stringify(envoyees[id])) delete restantes[id];
        garder(restantes);
        marquer(id, resultat.ok ? "enregistre" : "attente");
        if (!resultat.ok && resultat.message) {
          annoncer(resultat.message);
          return;
        }
      }
      if (Object.keys(envoyees).length) annoncer("Constats enregistrés.");
    } finally {
      enCours = false;
    }
    if (Object.keys(attente()).length) synchroniser();
  }

  function changer(form) {
    const id = form.dataset.ligne;
    const valeurs = attente();
    valeurs[id] = lire(form);
    garder(valeurs);
    marquer(id, "attente");
    synchroniser();
  }

  const minuteries = {};
  document.querySelectorAll(".guichet-form-ligne").forEach(function (form) {
    form.addEventListener("change", function () {
      clearTimeout(minuteries[form.dataset.ligne]);
      changer(form);
    });
    form.addEventListener("input", function (evenement) {
      if (evenement.target.name !== "commentaire") return;
      clearTimeout(minuteries[form.dataset.ligne]);
      minuteries[form.dataset.ligne] = setTimeout(function () {
        changer(form);
      }, 600);
    });
    form.addEventListener("submit", function (evenement) {
      evenement.preventDefault();
      changer(form);
    });
  });

  // Rejouer ce qui attend depuis une visite précédente (réseau perdu, onglet fermé).
  const restantes = attente();
  Object.keys(restantes).forEach(function (id) {
    const form = formulaire(id);
    if (form) {
      appliquer(form, restantes[id]);
      marquer(id, "attente");
    }
  });
  window.addEventListener("online", synchroniser);
  setInterval(function () {
    if (Object.keys(attente()).length) synchroniser();
  }, 15000);
  synchroniser();
})();
