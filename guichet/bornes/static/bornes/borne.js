/* La borne de satisfaction : une question (cinq visages nommés), puis trois questions facultatives, merci,
   et retour au début après quelques secondes. Chaque avis reçoit un UUID créé ici et attend dans une file
   locale (IndexedDB) jusqu'à son envoi à l'API, qui ne le garde qu'une fois même s'il est renvoyé. La page
   est gardée par un service worker : la borne marche sans réseau.

   Le jeton d'appareil arrive dans le fragment de l'adresse d'appairage (#jeton=brn_…, jamais envoyé au
   serveur dans l'adresse) ; il est gardé sur la tablette et envoyé avec chaque lot (Authorization: Bearer). */
(function () {
  "use strict";

  const racine = document.getElementById("borne");
  const ecran = document.getElementById("ecran");
  if (!racine || !ecran) return;

  const API = racine.dataset.api;
  const MOI = racine.dataset.moi;
  // Les délais, en secondes, sont des attributs de la page (data-delai, data-abandon).
  const DELAI_MERCI = Number(racine.dataset.delai || "6") * 1000; // le merci, puis retour au début
  const DELAI_ABANDON = Number(racine.dataset.abandon || "30") * 1000; // sans geste sur une question facultative : l'avis part tel quel
  const CLE_JETON = "guichet-borne-jeton";
  const CLE_LIEU = "guichet-borne-lieu";
  const TAILLE_LOT = 200;

  const VISAGES = [
    [1, "Très mécontent", "😞"],
    [2, "Mécontent", "🙁"],
    [3, "Moyen", "😐"],
    [4, "Satisfait", "🙂"],
    [5, "Très satisfait", "😄"],
  ];
  const FACULTATIVES = [
    { champ: "resolu", question: "Votre problème a-t-il été résolu ?", choix: [[true, "Oui"], [false, "Non"]] },
    {
      champ: "attente",
      question: "Combien de temps avez-vous attendu ?",
      choix: [["moins_10", "Moins de 10 min"], ["10_30", "10 à 30 min"], ["plus_30", "Plus de 30 min"]],
    },
    { champ: "reviendrait", question: "Reviendriez-vous ?", choix: [[true, "Oui"], [false, "Non"]] },
  ];

  // ---------------------------------------------------------------- outils

  function el(nom, attributs, ...enfants) {
    const e = document.createElement(nom);
    for (const [cle, valeur] of Object.entries(attributs || {})) {
      if (valeur === null || valeur === undefined || valeur === false) continue;
      if (cle.startsWith("on")) e.addEventListener(cle.slice(2), valeur);
      else e.setAttribute(cle, valeur === true ? "" : valeur);
    }
    for (const enfant of enfants.flat()) if (enfant !== null && enfant !== undefined && enfant !== false) e.append(enfant);
    return e;
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const o = crypto.getRandomValues(new Uint8Array(16));
    o[6] = (o[6] & 0x0f) | 0x40;
    o[8] = (o[8] & 0x3f) | 0x80;
    const h = Array.from(o, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function annoncer(texte) {
    const zone = document.getElementById("annonce");
    zone.textContent = "";
    window.setTimeout(() => { zone.textContent = texte; }, 50);
  }

  function lire(cle) {
    try { return localStorage.getItem(cle); } catch (e) { return null; }
  }

  function ecrire(cle, valeur) {
    try { localStorage.setItem(cle, valeur); } catch (e) { /* stockage interdit : la borne le redira */ }
  }

  // ---------------------------------------------------------------- jeton d'appareil

  function jetonDuFragment() {
    const m = location.hash.match(/jeton=([A-Za-z0-9_\-]+)/);
    if (!m) return;
    ecrire(CLE_JETON, m[1]);
    history.replaceState(null, "", location.pathname + location.search);
  }

  function jeton() {
    return lire(CLE_JETON);
  }

  // ---------------------------------------------------------------- file locale (IndexedDB)

  const file = {
    base: null,
    ouvrir() {
      this.base =
        this.base ||
        new Promise((ok, ko) => {
          const r = indexedDB.open("guichet-borne", 1);
          r.onupgradeneeded = () => r.result.createObjectStore("file", { keyPath: "id" });
          r.onsuccess = () => ok(r.result);
          r.onerror = () => ko(r.error);
        });
      return this.base;
    },
    async transaction(mode, action) {
      const base = await this.ouvrir();
      return new Promise((ok, ko) => {
        const t = base.transaction("file", mode);
        const requete = action(t.objectStore("file"));
        t.oncomplete = () => ok(requete ? requete.result : undefined);
        t.onerror = () => ko(t.error);
        t.onabort = () => ko(t.error);
      });
    },
    ajouter(elements) {
      return this.transaction("readwrite", (store) => { for (const e of elements) store.put(e); });
    },
    lister() {
      return this.transaction("readonly", (store) => store.getAll());
    },
    retirer(ids) {
      return this.transaction("readwrite", (store) => { for (const id of ids) store.delete(id); });
    },
  };

  // ---------------------------------------------------------------- écrans

  let avis = null;
  let minuteur = null;

  function attendre(action, delai) {
    window.clearTimeout(minuteur);
    minuteur = window.setTimeout(action, delai);
  }

  function afficher(titre, ...contenu) {
    const h1 = el("h1", { id: "titre", tabindex: "-1" }, titre);
    ecran.replaceChildren(h1, ...contenu);
    h1.focus();
  }

  function boutons(legende, choix, action, classe) {
    return el(
      "fieldset",
      { class: "guichet-borne__choix " + (classe || "") },
      el("legend", { class: "fr-sr-only" }, legende),
      choix.map(([valeur, texte, image]) =>
        el(
          "button",
          { type: "button", class: "guichet-borne__bouton", "data-valeur": String(valeur), onclick: () => action(valeur) },
          image ? el("span", { class: "guichet-borne__visage", "aria-hidden": "true" }, image) : null,
          el("span", { class: "guichet-borne__texte" }, texte),
        ),
      ),
    );
  }

  function accueil() {
    window.clearTimeout(minuteur);
    avis = null;
    const question = "Êtes-vous satisfait de votre visite ?";
    afficher(
      question,
      boutons(question, VISAGES, (note) => {
        avis = { id: uuid(), le: new Date().toISOString(), note };
        facultative(0);
      }, "guichet-borne__choix--visages"),
    );
  }

  function facultative(rang) {
    if (rang >= FACULTATIVES.length) return terminer();
    const q = FACULTATIVES[rang];
    attendre(terminer, DELAI_ABANDON);
    afficher(
      q.question,
      el("p", { class: "guichet-borne__aide" }, `Question facultative ${rang + 1} sur ${FACULTATIVES.length}`),
      boutons(q.question, q.choix, (valeur) => {
        avis[q.champ] = valeur;
        facultative(rang + 1);
      }),
      el(
        "p",
        { class: "guichet-borne__suite" },
        el("button", { type: "button", class: "fr-btn fr-btn--secondary fr-btn--lg", onclick: () => facultative(rang + 1) }, "Passer"),
        " ",
        el("button", { type: "button", class: "fr-btn fr-btn--tertiary fr-btn--lg", onclick: terminer }, "Terminer"),
      ),
    );
  }

  async function terminer() {
    window.clearTimeout(minuteur);
    const donne = avis;
    avis = null;
    if (!donne) return accueil();
    try {
      await file.ajouter([donne]);
    } catch (e) {
      etat("Impossible de garder l'avis sur cette tablette : " + e);
    }
    afficher(
      "Merci pour votre avis !",
      el("p", { class: "guichet-borne__aide" }, "Bonne journée."),
      el("p", null, el("button", { type: "button", class: "fr-btn fr-btn--tertiary fr-btn--lg", onclick: accueil }, "Nouvel avis")),
    );
    annoncer("Merci pour votre avis !");
    attendre(accueil, DELAI_MERCI);
    synchroniser();
  }

  function nonAppairee() {
    window.clearTimeout(minuteur);
    const champ = el("input", { class: "fr-input", id: "champ-jeton", name: "jeton", autocomplete: "off", spellcheck: "false" });
    afficher(
      "Borne non appairée",
      el("p", null, "Le responsable de la structure crée le jeton de cette tablette dans son espace (Bornes de satisfaction) : ouvrez ici l'adresse d'appairage, ou collez le jeton."),
      el(
        "form",
        {
          onsubmit: (evenement) => {
            evenement.preventDefault();
            const valeur = champ.value.trim();
            if (!valeur) return;
            ecrire(CLE_JETON, valeur);
            demarrer();
          },
        },
        el("div", { class: "fr-input-group" }, el("label", { class: "fr-label", for: "champ-jeton" }, "Jeton de la borne"), champ),
        el("button", { type: "submit", class: "fr-btn" }, "Appairer"),
      ),
    );
  }

  // ---------------------------------------------------------------- synchronisation

  const zoneEtat = document.getElementById("etat");
  let enCours = null;
  let message = "";

  function etat(texte) {
    message = texte;
    majEtat();
  }

  async function majEtat() {
    let attente = [];
    try {
      attente = await file.lister();
    } catch (e) {
      message = "Ce navigateur ne permet pas de garder les avis hors ligne.";
    }
    zoneEtat.dataset.attente = String(attente.length);
    zoneEtat.textContent = (attente.length ? `${attente.length} avis en attente d'envoi. ` : "") + message;
  }

  function envoyer(lot) {
    return fetch(API, {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer " + jeton() },
      body: JSON.stringify(lot),
    });
  }

  async function synchroniserMaintenant() {
    if (!jeton()) return;
    const attente = await file.lister();
    message = "";
    for (let i = 0; i < attente.length; i += TAILLE_LOT) {
      const lot = attente.slice(i, i + TAILLE_LOT);
      const r = await envoyer(lot);
      if (r.ok) {
        await file.retirer(lot.map((a) => a.id));
        continue;
      }
      if (r.status === 401) {
        message = "Cette borne n'est plus appairée (jeton révoqué) : les avis restent sur la tablette.";
        return;
      }
      if (r.status === 422) {
        // Lot refusé en entier : chaque avis seul ; un avis refusé seul est illisible, on le retire.
        for (const a of lot) {
          const seul = await envoyer([a]);
          if (seul.ok || seul.status === 422) await file.retirer([a.id]);
        }
        continue;
      }
      message = `Le serveur n'a pas répondu (erreur ${r.status}) : nouvel essai plus tard.`;
      return;
    }
  }

  function synchroniser() {
    if (!enCours) {
      enCours = synchroniserMaintenant()
        .catch(() => { message = "Hors ligne : les avis restent sur la tablette et partiront au retour du réseau."; })
        .then(majEtat)
        .finally(() => { enCours = null; });
    }
    return enCours;
  }

  async function lieu() {
    const garde = lire(CLE_LIEU);
    if (garde) document.getElementById("lieu").textContent = garde;
    try {
      const r = await fetch(MOI, { credentials: "omit", headers: { Authorization: "Bearer " + jeton(), Accept: "application/json" } });
      if (r.ok) {
        const corps = await r.json();
        ecrire(CLE_LIEU, corps.structure);
        document.getElementById("lieu").textContent = corps.structure;
      } else if (r.status === 401) {
        etat("Cette borne n'est plus appairée (jeton révoqué) : les avis restent sur la tablette.");
      }
    } catch (e) {
      /* hors ligne : le nom gardé reste affiché */
    }
  }

  // ---------------------------------------------------------------- hors ligne : service worker

  function installerServiceWorker() {
    if (!("serviceWorker" in navigator) || !racine.dataset.sw) return;
    navigator.serviceWorker
      .register(racine.dataset.sw, { scope: new URL("./", new URL(racine.dataset.sw, location.href)).pathname })
      .then(() => navigator.serviceWorker.ready)
      .then(() => { document.documentElement.dataset.horsLigne = "pret"; })
      .catch(() => { document.documentElement.dataset.horsLigne = "indisponible"; });
  }

  // ---------------------------------------------------------------- démarrage

  function demarrer() {
    if (!jeton()) return nonAppairee();
    accueil();
    lieu();
    synchroniser();
  }

  jetonDuFragment();
  demarrer();
  window.addEventListener("online", () => synchroniser());
  window.addEventListener("offline", () => etat("Hors ligne : les avis restent sur la tablette."));
  window.setInterval(() => synchroniser(), 30000);
  installerServiceWorker();
  majEtat();

  // Pour le diagnostic (et les tests de bout en bout) : la file et la synchronisation.
  window.guichetBorne = { file, synchroniser };
})();
