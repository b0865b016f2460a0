// La signature de l'usager tracée au doigt ou à la souris, envoyée comme image PNG dans le champ caché
// « signature ». Sans tracé, le champ reste vide : le serveur demande alors de faire signer.
(function () {
  "use strict";
  const formulaire = document.getElementById("formulaire-mandat");
  const bloc = formulaire && formulaire.querySelector("[data-signature]");
  if (!bloc) return;
  const toile = bloc.querySelector("canvas");
  const champ = formulaire.querySelector("input[name='signature']");
  const contexte = toile.getContext("2d");
  let trace = false;
  let enCours = false;

  contexte.lineWidth = 2.5;
  contexte.lineCap = "round";
  contexte.strokeStyle = "#161616";

  function point(evenement) {
    const cadre = toile.getBoundingClientRect();
    return {
      x: ((evenement.clientX - cadre.left) * toile.width) / cadre.width,
      y: ((evenement.clientY - cadre.top) * toile.height) / cadre.height,
    };
  }

  toile.addEventListener("pointerdown", function (evenement) {
    enCours = true;
    toile.setPointerCapture(evenement.pointerId);
    const p = point(evenement);
    contexte.beginPath();
    contexte.moveTo(p.x, p.y);
  });
  toile.addEventListener("pointermove", function (evenement) {
    if (!enCours) return;
    const p = point(evenement);
    contexte.lineTo(p.x, p.y);
    contexte.stroke();
    trace = true;
  });
  ["pointerup", "pointercancel"].forEach(function (type) {
    toile.addEventListener(type, function () {
      enCours = false;
      if (trace) champ.value = toile.toDataURL("image/png");
    });
  });
  bloc.querySelector("[data-effacer-signature]").addEventListener("click", function () {
    contexte.clearRect(0, 0, toile.width, toile.height);
    trace = false;
    champ.value = "";
  });
})();
