from django.apps import AppConfig, apps

# Les modèles des bibliothèques installées, sous des noms français dans l'administration :
# application → (nom de l'application, {modèle : nom de la liste}). Les noms des modèles eux-mêmes ne
# sont pas touchés (ils sont dans les migrations des bibliothèques) : seuls l'accueil et le menu de
# l'administration les renomment (`renommer_dans_l_administration`).
NOMS_FRANCAIS = {
    "axes": (
        "Tentatives de connexion",
        {
            "AccessAttempt": "Tentatives de connexion",
            "AccessLog": "Connexions",
            "AccessFailureLog": "Échecs de connexion",
        },
    ),
    "otp_totp": ("Double authentification", {"TOTPDevice": "Applications d'authentification (TOTP)"}),
    "django_tasks_database": ("Tâches de fond", {"DBTaskResult": "Résultats des tâches de fond"}),
}


def renommer_dans_l_administration(site):
    """L'accueil et le menu de l'administration nomment en français les modèles des bibliothèques."""
    liste_d_origine = site.get_app_list

    def get_app_list(request, app_label=None):
        applications = liste_d_origine(request, app_label)
        for application in applications:
            nom, modeles = NOMS_FRANCAIS.get(application["app_label"], (None, {}))
            if nom:
                application["name"] = nom
            for modele in application["models"]:
                modele["name"] = modeles.get(modele["object_name"], modele["name"])
        return applications

    site.get_app_list = get_app_list


class Config(AppConfig):
    name = "guichet.comptes"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from django.contrib import admin

        installees = {config.label for config in apps.get_app_configs()}
        for label, (nom, _) in NOMS_FRANCAIS.items():
            if label in installees:
                apps.get_app_config(label).verbose_name = nom
        renommer_dans_l_administration(admin.site)
