// Nouvelle demande : la liste des démarches ne montre que celles de l'opérateur choisi.
// Sans JavaScript, toutes les démarches restent proposées (groupées par opérateur) et le serveur vérifie.
(function () {
  "use strict";
  var operateur = document.getElementById("id_operateur");
  var objet = document.getElementById("id_objet");
  if (!operateur || !objet) { return; }
  function filtrer() {
    var choisi = operateur.options[operateur.selectedIndex];
    var nom = choisi && choisi.value ? choisi.text.split(" — ")[0] : null;
    var groupes = objet.getElementsByTagName("optgroup");
    for (var i = 0; i < groupes.length; i++) {
      var visible = nom === null || groupes[i].label === nom;
      groupes[i].hidden = !visible;
      groupes[i].disabled = !visible;
      if (!visible && objet.selectedOptions.length && objet.selectedOptions[0].parentNode === groupes[i]) {
        objet.value = "";
      }
    }
  }
  operateur.addEventListener("change", filtrer);
  filtrer();
})();
