/* Saisie des accompagnements dans le navigateur : une question à la fois, les réponses dans leur
   ordre naturel et les plus probables en plus dans une rangée « Fréquents », une file locale (IndexedDB) synchronisée avec l'API quand le réseau est là, et un
   service worker qui garde la page pour travailler hors ligne. Sans ce script, la page reste
   utilisable : chaque réponse recharge la page avec la question suivante.

   Règles identiques à guichet/activite/services.py (rangée « Fréquents », recherche sans accents). */
(function () {
  "use strict";

  const racine = document.getElementById("saisie");
  const source = document.getElementById("saisie-donnees");
  if (!racine || !source) return;

  const D = JSON.parse(source.textContent);
  const API = racine.dataset.api;
  const ETAPES = ["structure", "canal", "operateur", "demarche", "type_aide", "resultat", "duree"];
  const AUCUNE = "aucune";
  const TAILLE_LOT = 200;
  const NB_FREQUENTS = 3;
  const DUREE_ANNULATION_MS = 10000;
  const CLE_DERNIERE = "guichet-saisie-derniere-" + D.agent;
  const VIDES = new Set(D.mots_vides);
  const S = D.suggestions;

  // ---------------------------------------------------------------- outils

  function el(nom, attributs, ...enfants) {
    const e = document.createElement(nom);
    for (const [cle, valeur] of Object.entries(attributs || {})) {
      if (valeur === null || valeur === undefined || valeur === false) continue;
      if (cle.startsWith("on")) e.addEventListener(cle.slice(2), valeur);
      else e.setAttribute(cle, valeur === true ? "" : valeur);
    }
    for (const enfant of enfants.flat()) {
      if (enfant !== null && enfant !== undefined && enfant !== false) e.append(enfant);
    }
    return e;
  }

  function normaliser(texte) {
    return (texte || "")
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const o = crypto.getRandomValues(new Uint8Array(16));
    o[6] = (o[6] & 0x0f) | 0x40;
    o[8] = (o[8] & 0x3f) | 0x80;
    const h = Array.from(o, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function csrf() {
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : racine.dataset.csrf || "";
  }

  function annoncer(texte) {
    const zone = document.getElementById("annonce");
    if (!zone) return;
    zone.textContent = "";
    window.setTimeout(() => { zone.textContent = texte; }, 50);
  }

  function pluriel(n, mot) {
    return `${n} ${mot}${n > 1 ? "s" : ""}`;
  }

  // ---------------------------------------------------------------- catalogue et suggestions

  const libelleChoix = {};
  for (const [question, choix] of Object.entries(D.choix)) libelleChoix[question] = Object.fromEntries(choix);
  const demarchesParCle = Object.fromEntries(D.demarches.map((d) => [d.cle, d]));
  const operateursParCode = Object.fromEntries(D.operateurs.map((o) => [o.code, o]));

  function somme(scores) {
    return Object.values(scores || {}).reduce((a, b) => a + b, 0);
  }

  function frequents(question, valeurs, cleDemarche) {
    // Les plus choisies, rendues dans l'ordre naturel : la rangée ne se réordonne pas d'une visite à l'autre.
    let scores = S.scores[question] || {};
    const propres = cleDemarche && S.par_demarche[cleDemarche] && S.par_demarche[cleDemarche][question];
    if (propres && somme(propres) >= D.min_par_demarche) scores = propres;
    const retenues = new Set(
      valeurs
        .map((v, i) => [v, i])
        .filter(([v]) => (scores[v] || 0) > 0)
        .sort((a, b) => scores[b[0]] - scores[a[0]] || a[1] - b[1])
        .slice(0, NB_FREQUENTS)
        .map((x) => x[0]),
    );
    return valeurs.filter((v) => retenues.has(v));
  }

  function structureCourante() {
    return D.structures.find((s) => String(s.id) === String(etat.structure)) || null;
  }

  function operateursPermis(idStructure) {
    const id = idStructure === undefined ? etat.structure : idStructure;
    const s = D.structures.find((x) => String(x.id) === String(id));
    if (!s) return [];
    return D.operateurs.filter((o) => o.departement === null || o.departement === s.departement);
  }

  function demarchesDe(codeOperateur) {
    return D.demarches.filter((d) => d.operateur === codeOperateur);
  }

  function demarchesFrequentes() {
    const permis = new Set(operateursPermis().map((o) => o.code));
    return Object.entries(S.scores.demarche || {})
      .filter(([cle]) => !cle.endsWith(":" + AUCUNE) && demarchesParCle[cle] && permis.has(cle.split(":")[0]))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([cle]) => demarchesParCle[cle]);
  }

  function rechercher(question) {
    let mots = normaliser(question).split(" ").filter(Boolean);
    const utiles = mots.filter((m) => !VIDES.has(m));
    if (utiles.length) mots = utiles;
    if (!mots.length) return [];
    const permis = new Set(operateursPermis().map((o) => o.code));
    const trouvees = [];
    D.demarches.forEach((d, rang) => {
      if (!permis.has(d.operateur)) return;
      const index = d.index.split(" ");
      let score = 0;
      for (const mot of mots) {
        if (index.includes(mot)) score += 2;
        else if (index.some((m) => m.startsWith(mot))) score += 1;
        else return;
      }
      trouvees.push([-score, rang, d]);
    });
    trouvees.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return trouvees.slice(0, 12).map((t) => t[2]);
  }

  function libelleDemarche(d) {
    return `${operateursParCode[d.operateur].nom} — ${d.libelle}`;
  }

  function libelle(question, valeur) {
    if (question === "structure") return (structureCourante() || {}).nom || "";
    if (question === "operateur") return (operateursParCode[valeur] || {}).nom || valeur;
    if (question === "demarche") {
      const d = demarchesParCle[`${etat.operateur}:${valeur}`];
      return d ? d.libelle : "Autre démarche";
    }
    return (libelleChoix[question] || {})[valeur] || valeur;
  }

  // ---------------------------------------------------------------- état du parcours

  let etat = {};
  let forcee = null;
  let confirmation = null;

  function canalParDefaut() {
    const s = structureCourante();
    return s ? s.defaut_canal : "accueil";
  }

  function initialiser(garder) {
    etat = {};
    forcee = null;
    const structure = (garder && garder.structure) || (D.structure !== null ? String(D.structure) : null);
    if (structure && D.structures.some((s) => String(s.id) === String(structure))) etat.structure = String(structure);
    else if (D.structures.length === 1) etat.structure = String(D.structures[0].id);
    etat.canal = (garder && garder.canal) || canalParDefaut();
  }

  function valider(valeurs) {
    // Des réponses venues d'ailleurs (adresse, dernière saisie) : seulement celles qui ont cours ici.
    const propres = {};
    if (valeurs.structure && D.structures.some((s) => String(s.id) === String(valeurs.structure))) {
      propres.structure = String(valeurs.structure);
    }
    if (valeurs.canal in libelleChoix.canal) propres.canal = valeurs.canal;
    const permis = new Set(operateursPermis(propres.structure || etat.structure).map((o) => o.code));
    if (permis.has(valeurs.operateur)) {
      propres.operateur = valeurs.operateur;
      if (valeurs.demarche === AUCUNE || !demarchesDe(valeurs.operateur).length) propres.demarche = AUCUNE;
      else if (demarchesParCle[`${valeurs.operateur}:${valeurs.demarche}`]) propres.demarche = valeurs.demarche;
    }
    for (const q of ["type_aide", "resultat", "duree"]) if (valeurs[q] in libelleChoix[q]) propres[q] = valeurs[q];
    return propres;
  }

  function etapeCourante() {
    if (forcee) return forcee;
    return ETAPES.find((q) => !(q in etat)) || "duree";
  }

  function derniere() {
    let locale = null;
    try {
      locale = JSON.parse(localStorage.getItem(CLE_DERNIERE) || "null");
    } catch (e) {
      locale = null;
    }
    const serveur = D.derniere;
    if (locale && (!serveur || (locale.le || "") > (serveur.le || ""))) return locale;
    return serveur;
  }

  function repondre(question, valeur) {
    etat[question] = valeur;
    if (question === "structure" && forcee !== "canal") etat.canal = canalParDefaut();
    if (question === "operateur") {
      delete etat.demarche;
      if (!demarchesDe(valeur).length) etat.demarche = AUCUNE;
    }
    forcee = null;
    confirmation = null;
    if (question === "duree") {
      enregistrer();
      return;
    }
    rendre(true);
  }

  function choisirDemarche(d) {
    etat.operateur = d.operateur;
    etat.demarche = d.code;
    forcee = null;
    confirmation = null;
    rendre(true);
  }

  function modifier(question) {
    forcee = question;
    delete etat[question];
    if (question === "operateur") delete etat.demarche;
    confirmation = null;
    rendre(true);
  }

  // ---------------------------------------------------------------- rendu

  function bouton(texte, action, principal) {
    return el(
      "li",
      null,
      el("button", { type: "button", class: principal ? "fr-btn" : "fr-btn fr-btn--secondary", onclick: action }, texte),
    );
  }

  function groupe(legende, boutons, legendeVisible) {
    return el(
      "fieldset",
      { class: "guichet-groupe" },
      el("legend", { class: legendeVisible ? "guichet-groupe__legende" : "fr-sr-only" }, legende),
      el("ul", { class: "guichet-reponses" }, boutons),
    );
  }

  function recapitulatif() {
    const lignes = ETAPES.filter((q) => q in etat).map((q) => {
      const modifiable = !(q === "structure" && D.structures.length < 2);
      return el(
        "li",
        null,
        el("span", { class: "guichet-recap__intitule" }, D.libelles[q]),
        " ",
        libelle(q, etat[q]),
        " ",
        modifiable &&
          el(
            "button",
            { type: "button", class: "fr-link fr-link--sm", onclick: () => modifier(q) },
            "Modifier",
            el("span", { class: "fr-sr-only" }, " : " + D.libelles[q].toLowerCase()),
          ),
      );
    });
    return lignes.length ? el("ul", { class: "guichet-recap", "aria-label": "Réponses données" }, lignes) : null;
  }

  function etapeOperateur() {
    const blocs = [];
    const avant = derniere();
    const propres = avant ? valider(avant) : {};
    if (propres.operateur && propres.type_aide && propres.resultat) {
      const d = demarchesParCle[`${propres.operateur}:${propres.demarche}`];
      const texte = d ? libelleDemarche(d) : `${operateursParCode[propres.operateur].nom} — autre démarche`;
      blocs.push(
        el(
          "p",
          null,
          el(
            "button",
            {
              type: "button",
              class: "fr-btn fr-btn--tertiary fr-icon-refresh-line fr-btn--icon-left",
              id: "comme-derniere-fois",
              onclick: () => {
                delete propres.duree;
                Object.assign(etat, propres);
                forcee = null;
                confirmation = null;
                rendre(true);
              },
            },
            "Comme la dernière fois : " + texte,
          ),
        ),
      );
    }
    const resultats = el("div", { id: "resultats-recherche" });
    const champ = el("input", {
      class: "fr-input",
      id: "recherche-demarche",
      type: "search",
      placeholder: "APL, carte grise, impôts…",
      autocomplete: "off",
      "aria-describedby": "recherche-aide",
    });
    const frequentes = demarchesFrequentes();
    const zoneFrequentes = frequentes.length
      ? groupe("Démarches fréquentes", frequentes.map((d, i) => bouton(libelleDemarche(d), () => choisirDemarche(d), i === 0)), true)
      : null;
    champ.addEventListener("input", () => {
      const q = champ.value.trim();
      resultats.replaceChildren();
      if (!q) {
        if (zoneFrequentes) zoneFrequentes.hidden = false;
        return;
      }
      const trouvees = rechercher(q);
      if (zoneFrequentes) zoneFrequentes.hidden = true;
      resultats.append(
        trouvees.length
          ? groupe(`Démarches trouvées pour « ${q} »`, trouvees.map((d, i) => bouton(libelleDemarche(d), () => choisirDemarche(d), i === 0)), true)
          : el("p", null, "Aucune démarche ne correspond : choisissez l'opérateur ci-dessous."),
      );
      const s = trouvees.length > 1 ? "s" : "";
      annoncer(trouvees.length ? `${trouvees.length} démarche${s} trouvée${s}` : "Aucune démarche trouvée");
    });
    champ.addEventListener("keydown", (e) => {
      // Entrée : la première démarche trouvée.
      if (e.key !== "Enter") return;
      e.preventDefault();
      const premiere = resultats.querySelector("button");
      if (premiere) premiere.click();
    });
    blocs.push(
      el(
        "div",
        { class: "guichet-recherche", role: "search" },
        el("label", { class: "fr-label", for: "recherche-demarche" }, "Rechercher une démarche",
          el("span", { class: "fr-hint-text", id: "recherche-aide" }, "Sigles et mots-clés acceptés ; Entrée choisit la première démarche trouvée.")),
        champ,
      ),
      resultats,
    );
    if (zoneFrequentes) blocs.push(zoneFrequentes);
    const operateurs = operateursPermis().map((o) => o.code);
    blocs.push(
      groupe("Tous les opérateurs", operateurs.map((code) => bouton(operateursParCode[code].nom, () => repondre("operateur", code), false)), true),
    );
    return blocs;
  }

  function reponses(question) {
    // L'ordre naturel de chaque liste (catalogue, choix).
    if (question === "structure") return D.structures.map((s) => [String(s.id), s.nom]);
    if (question === "demarche") {
      return demarchesDe(etat.operateur).map((d) => [d.code, d.libelle]).concat([[AUCUNE, "Autre démarche"]]);
    }
    return D.choix[question].map((c) => [c[0], c[1]]);
  }

  function reponsesFrequentes(question, toutes) {
    if (question === "structure") return [];
    if (question === "demarche") {
      const cles = frequents("demarche", toutes.filter(([v]) => v !== AUCUNE).map(([v]) => `${etat.operateur}:${v}`));
      const codes = new Set(cles.map((c) => c.split(":")[1]));
      return toutes.filter(([v]) => codes.has(v));
    }
    const cle = "demarche" in etat ? `${etat.operateur}:${etat.demarche}` : null;
    const retenues = new Set(frequents(question, toutes.map(([v]) => v), cle));
    return toutes.filter(([v]) => retenues.has(v));
  }

  function blocConfirmation() {
    const c = confirmation;
    const boutons = [];
    if (c.demande) {
      boutons.push(el("li", null, el("a", { class: "fr-btn fr-btn--sm", href: c.demande, id: "ouvrir-demande" }, "Ouvrir la demande au back-office")));
    }
    if (c.annulable) {
      boutons.push(
        el("li", null,
          el("button", {
            type: "button",
            id: "annuler-saisie",
            class: "fr-btn fr-btn--sm fr-btn--tertiary fr-icon-arrow-go-back-line fr-btn--icon-left",
            onclick: () => annulerSaisie(c),
          }, "Annuler")),
      );
    }
    return el("div", { class: "fr-alert fr-alert--success fr-alert--sm fr-mb-3w", id: "confirmation" },
      el("p", null, c.texte),
      boutons.length ? el("ul", { class: "fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-mt-1w fr-mb-0" }, boutons) : null);
  }

  function rendre(deplacerFocus) {
    const etape = etapeCourante();
    const titre = el("h2", { id: "question", class: "guichet-question", tabindex: "-1" }, D.questions[etape]);
    const contenu = [];
    if (confirmation) contenu.push(blocConfirmation());
    contenu.push(recapitulatif(), titre);
    if (etape === "operateur") {
      contenu.push(...etapeOperateur());
    } else {
      if (etape === "duree") {
        const gabarit = document.getElementById("gabarit-profil");
        const details = el("details", { class: "guichet-facultatif", id: "profil" },
          el("summary", null, "Profil de l'usager et événement de vie (facultatif)"));
        if (gabarit) details.append(gabarit.content.cloneNode(true));
        contenu.push(details);
      }
      const toutes = reponses(etape);
      const frequentes = reponsesFrequentes(etape, toutes);
      if (frequentes.length) {
        contenu.push(groupe("Fréquents", frequentes.map(([v, texte], i) => bouton(texte, () => repondre(etape, v), i === 0)), true));
      }
      contenu.push(
        groupe(frequentes.length ? "Toutes les réponses" : D.questions[etape], toutes.map(([v, texte]) => bouton(texte, () => repondre(etape, v), false)), frequentes.length > 0),
      );
    }
    contenu.push(
      el("p", { class: "fr-mt-2w" },
        el("button", {
          type: "button",
          class: "fr-btn fr-btn--tertiary-no-outline fr-icon-close-line fr-btn--icon-left",
          onclick: () => { initialiser({ structure: etat.structure }); confirmation = null; rendre(true); },
        }, "Recommencer")),
    );
    racine.replaceChildren(...contenu.filter(Boolean));
    if (deplacerFocus) titre.focus();
  }

  function profil() {
    const formulaire = document.getElementById("profil");
    if (!formulaire) return {};
    const valeur = (nom) => {
      const champ = formulaire.querySelector(`[name="${nom}"]:checked, select[name="${nom}"]`);
      return champ ? champ.value : "";
    };
    const visite = valeur("premiere_visite");
    return {
      evenement: valeur("evenement") || null,
      tranche_age: valeur("tranche_age") || null,
      autonomie: valeur("autonomie") || null,
      premiere_visite: visite === "oui" ? true : visite === "non" ? false : null,
      besoin_allophone: !!formulaire.querySelector('[name="besoin_allophone"]:checked'),
      besoin_handicap: !!formulaire.querySelector('[name="besoin_handicap"]:checked'),
    };
  }

  async function enregistrer() {
    const le = new Date().toISOString();
    const donnees = {
      id: uuid(),
      structure: etat.structure,
      le,
      canal: etat.canal,
      operateur: etat.operateur,
      demarche: etat.demarche === AUCUNE ? null : etat.demarche,
      type_aide: etat.type_aide,
      resultat: etat.resultat,
      duree: etat.duree,
      ...profil(),
    };
    const resume = `${libelle("operateur", etat.operateur)} — ${libelle("demarche", etat.demarche)}`;
    try {
      await file.ajouter([{ id: donnees.id, agent: D.agent, cree: Date.now(), donnees }]);
    } catch (e) {
      confirmation = null;
      annoncer("Impossible de garder la saisie sur cet appareil : " + e);
      return;
    }
    try {
      const { id, le: _, ...valeurs } = donnees;
      localStorage.setItem(CLE_DERNIERE, JSON.stringify({ ...valeurs, demarche: etat.demarche, structure: etat.structure, le }));
    } catch (e) {
      /* stockage local plein ou interdit : « Comme la dernière fois » reprendra la saisie du serveur */
    }
    const adresseDemande = etat.resultat === "back_office" ? urlDemande(donnees) : "";
    initialiser({ structure: etat.structure, canal: etat.canal });
    const texte = `Accompagnement enregistré : ${resume}.`;
    confirmation = { texte, id: donnees.id, demande: adresseDemande, annulable: true };
    const celleCi = confirmation;
    window.setTimeout(() => {
      // Passé quelques secondes, « Annuler » disparaît : on corrige ensuite depuis « Mes saisies ».
      if (confirmation === celleCi) {
        celleCi.annulable = false;
        const bouton = document.getElementById("annuler-saisie");
        if (bouton) bouton.closest("li").remove();
      }
    }, DUREE_ANNULATION_MS);
    rendre(true);
    annoncer(texte + (adresseDemande ? " Vous pouvez ouvrir la demande au back-office." : ""));
    await majEtat();
    synchroniser();
  }

  function urlDemande(donnees) {
    const params = new URLSearchParams({ structure: donnees.structure, operateur: donnees.operateur, accompagnement: donnees.id });
    if (donnees.demarche) params.set("demarche", donnees.demarche);
    return `${racine.dataset.nouvelleDemande}?${params}`;
  }

  async function annulerSaisie(c) {
    // Encore dans la file de l'appareil : on l'y retire ; déjà envoyé : le serveur le supprime.
    if (enCours) await enCours;
    let annule = false;
    const attente = await enAttente().catch(() => []);
    if (attente.some((e) => e.id === c.id)) {
      await file.retirer([c.id]);
      annule = true;
    } else {
      try {
        const corps = new URLSearchParams({ id: c.id });
        const r = await fetch(racine.dataset.annuler, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrf() },
          body: corps,
        });
        annule = r.ok;
      } catch (e) {
        annule = false;
      }
    }
    confirmation = annule
      ? { texte: "Accompagnement annulé : il n'est pas compté.", annulable: false }
      : { texte: "Cet accompagnement ne peut plus être annulé : corrigez-le depuis « Mes saisies ».", annulable: false };
    rendre(true);
    annoncer(confirmation.texte);
    await majEtat();
  }

  // ---------------------------------------------------------------- file locale (IndexedDB)

  const file = {
    base: null,
    ouvrir() {
      this.base =
        this.base ||
        new Promise((ok, ko) => {
          const r = indexedDB.open("guichet-saisie", 1);
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

  // ---------------------------------------------------------------- synchronisation

  const panneau = document.getElementById("synchro");
  const texteEtat = document.getElementById("synchro-etat");
  const boutonSynchro = document.getElementById("synchro-bouton");
  let message = "";
  let enCours = null;

  async function enAttente() {
    return (await file.lister()).filter((e) => e.agent === D.agent);
  }

  async function majEtat() {
    let attente = [];
    try {
      attente = await enAttente();
    } catch (e) {
      message = "Ce navigateur ne permet pas de garder les saisies hors ligne.";
    }
    const erreurs = attente.filter((e) => e.erreur);
    let texte = attente.length
      ? `${pluriel(attente.length, "accompagnement")} en attente d'envoi sur cet appareil.`
      : "Aucune saisie en attente : tout est envoyé.";
    if (erreurs.length) texte += ` ${pluriel(erreurs.length, "refusé")} par le serveur (voir ci-dessous).`;
    if (message) texte += " " + message;
    texteEtat.textContent = texte;
    panneau.dataset.attente = String(attente.length);
    // Le bandeau ne paraît que si quelque chose attend (ou ne part pas) : sinon il n'y a rien à dire.
    panneau.hidden = !attente.length && !message;
    const liste = document.getElementById("synchro-erreurs");
    if (liste) liste.remove();
    if (erreurs.length) {
      panneau.append(
        el("ul", { id: "synchro-erreurs", class: "fr-mb-0" }, erreurs.map((e) =>
          el("li", null,
            `${new Date(e.donnees.le).toLocaleString("fr-FR")} — ${libelle("operateur", e.donnees.operateur)} : ${e.erreur} `,
            el("button", {
              type: "button",
              class: "fr-btn fr-btn--sm fr-btn--tertiary",
              onclick: async () => { await file.retirer([e.id]); await majEtat(); },
            }, "Retirer de la file")))),
      );
    }
  }

  async function envoyer(donnees) {
    return fetch(API, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(donnees),
    });
  }

  async function lireErreurs(reponse) {
    try {
      const corps = await reponse.json();
      if (corps && Array.isArray(corps.erreurs)) return corps.erreurs.map((e) => `${e.champ} : ${e.message}`).join(" ; ");
    } catch (e) {
      /* corps illisible */
    }
    return null;
  }

  async function envoyerUnParUn(lot) {
    for (const element of lot) {
      const r = await envoyer([element.donnees]);
      if (r.ok) {
        await file.retirer([element.id]);
        continue;
      }
      const erreurs = r.status === 422 || r.status === 403 ? await lireErreurs(r) : null;
      if (!erreurs) return r;
      element.erreur = erreurs;
      await file.ajouter([element]);
    }
    return null;
  }

  async function synchroniserMaintenant() {
    message = "";
    const attente = (await enAttente()).filter((e) => !e.erreur);
    if (!attente.length) return;
    texteEtat.textContent = "Synchronisation en cours…";
    try {
      for (let i = 0; i < attente.length; i += TAILLE_LOT) {
        const lot = attente.slice(i, i + TAILLE_LOT);
        let r = await envoyer(lot.map((e) => e.donnees));
        if (r.ok) {
          await r.json();
          await file.retirer(lot.map((e) => e.id));
          continue;
        }
        if (r.status === 422 || r.status === 403) {
          // Lot refusé en entier : on isole le ou les accompagnements en cause.
          const corps = await lireErreurs(r.clone());
          if (corps) r = await envoyerUnParUn(lot);
        }
        if (r && !r.ok) {
          message = r.status === 401 || r.status === 403 || r.type === "opaqueredirect"
            ? "Votre session a expiré : reconnectez-vous pour envoyer les saisies."
            : `Le serveur n'a pas répondu (erreur ${r.status}) : nouvel essai plus tard.`;
          break;
        }
      }
    } catch (e) {
      message = "Pas de réseau : les saisies restent sur cet appareil et partiront au retour du réseau.";
    }
  }

  function synchroniser() {
    if (!enCours) {
      enCours = synchroniserMaintenant()
        .catch((e) => { message = "Synchronisation impossible : " + e; })
        .then(majEtat)
        .finally(() => { enCours = null; });
    }
    return enCours;
  }

  // ---------------------------------------------------------------- hors ligne : service worker

  function installerServiceWorker() {
    if (!("serviceWorker" in navigator) || !racine.dataset.sw) return;
    const url = new URL(racine.dataset.sw, location.href);
    const portee = new URL("./", url).pathname;
    navigator.serviceWorker
      .register(url.pathname, { scope: portee })
      .then(() => navigator.serviceWorker.ready)
      .then((inscription) => {
        // Garder aussi ce que la page a chargé (icônes, polices) pour la rouvrir hors ligne.
        const fichiers = performance
          .getEntriesByType("resource")
          .map((e) => e.name)
          .filter((n) => n.startsWith(location.origin + (racine.dataset.statiques || "/static/")));
        if (inscription.active) inscription.active.postMessage({ type: "garder", fichiers });
        document.documentElement.dataset.horsLigne = "pret";
      })
      .catch(() => {
        document.documentElement.dataset.horsLigne = "indisponible";
      });
  }

  // ---------------------------------------------------------------- démarrage

  initialiser();
  const depuisAdresse = valider(Object.fromEntries(new URLSearchParams(location.search)));
  delete depuisAdresse.duree;
  Object.assign(etat, depuisAdresse);
  rendre(false);
  boutonSynchro.addEventListener("click", () => synchroniser());
  window.addEventListener("online", () => synchroniser());
  window.addEventListener("offline", () => {
    message = "Hors ligne : les saisies restent sur cet appareil.";
    majEtat();
  });
  synchroniser();
  installerServiceWorker();

  // Pour le diagnostic (et les tests de bout en bout) : la file et la synchronisation.
  window.guichetSaisie = { file, synchroniser, etat: () => ({ ...etat }) };
})();
