/* Service worker de la saisie hors ligne (portée /espace/activite/).
   - la page de saisie : le réseau d'abord (4 s au plus), sinon la copie gardée ;
   - les fichiers statiques : la copie gardée d'abord ;
   - l'API n'est jamais mise en cache (la page garde les saisies dans IndexedDB et les envoie au retour du réseau). */
{{ constantes|safe }}
const CACHE = "guichet-saisie-" + VERSION;
const DELAI_RESEAU = 4000;

async function garderPage(cache) {
  const reponse = await fetch(PAGE, { credentials: "same-origin", cache: "no-store" });
  // Une session expirée renvoie vers la connexion : ne jamais garder cette page-là à la place.
  if (reponse.ok && !reponse.redirected) await cache.put(PAGE, reponse);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(FICHIERS.map((url) => cache.add(url).catch(() => null)));
      await garderPage(cache);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const cle of await caches.keys()) {
        if (cle.startsWith("guichet-saisie-") && cle !== CACHE) await caches.delete(cle);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const donnees = event.data || {};
  if (donnees.type !== "garder" || !Array.isArray(donnees.fichiers)) return;
  const fichiers = donnees.fichiers.filter((url) => new URL(url).origin === self.location.origin && new URL(url).pathname.startsWith(STATIQUES));
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        fichiers.map((url) => cache.match(url).then((deja) => deja || cache.add(url).catch(() => null))),
      ),
    ),
  );
});

async function pageDuReseauSinonGardee(requete) {
  const cache = await caches.open(CACHE);
  const reseau = fetch(requete).then((reponse) => {
    if (reponse.ok && !reponse.redirected && !new URL(requete.url).search) cache.put(PAGE, reponse.clone());
    return reponse;
  });
  const attente = new Promise((resoudre) => setTimeout(resoudre, DELAI_RESEAU, null));
  try {
    const premiere = await Promise.race([reseau, attente]);
    if (premiere) return premiere;
  } catch (e) {
    /* hors ligne */
  }
  const gardee = await cache.match(PAGE, { ignoreVary: true, ignoreSearch: true });
  if (gardee) return gardee;
  return reseau.catch(
    () =>
      new Response("<!doctype html><meta charset=utf-8><title>Hors ligne</title><p>Hors ligne : la page de saisie n'a pas encore été gardée sur cet appareil.</p>", {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      }),
  );
}

async function statiqueGardeSinonReseau(requete) {
  const cache = await caches.open(CACHE);
  const gardee = await cache.match(requete, { ignoreVary: true });
  if (gardee) return gardee;
  const reponse = await fetch(requete);
  if (reponse.ok) cache.put(requete, reponse.clone());
  return reponse;
}

self.addEventListener("fetch", (event) => {
  const requete = event.request;
  if (requete.method !== "GET") return;
  const url = new URL(requete.url);
  if (url.origin !== self.location.origin) return;
  if (requete.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(pageDuReseauSinonGardee(requete));
  } else if (url.pathname.startsWith(STATIQUES)) {
    event.respondWith(statiqueGardeSinonReseau(requete));
  }
});
