/* Service worker de la borne de satisfaction (portée /borne/), sur le modèle de celui de la saisie :
   - la page de la borne : le réseau d'abord (4 s au plus), sinon la copie gardée ;
   - les fichiers statiques : la copie gardée d'abord ;
   - l'API n'est jamais mise en cache (la page garde les avis dans IndexedDB et les envoie au retour du réseau). */
{{ constantes|safe }}
const CACHE = "guichet-borne-" + VERSION;
const DELAI_RESEAU = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(FICHIERS.map((url) => cache.add(url).catch(() => null)));
      const reponse = await fetch(PAGE, { cache: "no-store" });
      if (reponse.ok && !reponse.redirected) await cache.put(PAGE, reponse);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const cle of await caches.keys()) {
        if (cle.startsWith("guichet-borne-") && cle !== CACHE) await caches.delete(cle);
      }
      await self.clients.claim();
    })(),
  );
});

async function pageDuReseauSinonGardee(requete) {
  const cache = await caches.open(CACHE);
  const reseau = fetch(requete).then((reponse) => {
    if (reponse.ok && !reponse.redirected) cache.put(PAGE, reponse.clone());
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
      new Response("<!doctype html><html lang=fr><meta charset=utf-8><title>Hors ligne</title><main><h1>Hors ligne</h1><p>La borne n'a pas encore été gardée sur cet appareil.</p></main>", {
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
