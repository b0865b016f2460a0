// « Utiliser ma position » : la géolocalisation du navigateur remplit le formulaire de recherche.
(function () {
  "use strict";
  var bouton = document.getElementById("bouton-position");
  if (!bouton || !("geolocation" in navigator)) { return; }
  var message = document.getElementById("message-position");
  bouton.hidden = false;
  bouton.addEventListener("click", function () {
    message.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        document.getElementById("champ-lat").value = pos.coords.latitude.toFixed(5);
        document.getElementById("champ-lon").value = pos.coords.longitude.toFixed(5);
        document.getElementById("champ-q").value = "";
        document.getElementById("form-trouver").submit();
      },
      function () {
        message.textContent = "Votre position n'a pas pu être obtenue. Saisissez une commune ou un code postal.";
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
