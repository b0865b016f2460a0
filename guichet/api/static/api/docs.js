// Lance Swagger UI sur le document OpenAPI de l'API (réglages posés par le serveur dans la page).
(function () {
  "use strict";
  var reglages = JSON.parse(document.getElementById("reglages-swagger").textContent);
  reglages.dom_id = "#swagger-ui";
  reglages.presets = [window.SwaggerUIBundle.presets.apis];
  window.SwaggerUIBundle(reglages);
})();
