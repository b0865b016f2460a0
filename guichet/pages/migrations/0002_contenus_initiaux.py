"""Le texte initial des pages institutionnelles, fidèle à ce que fait la plateforme à cette date :
conservation des demandes (guichet.demandes.retention), chiffrement (guichet.chiffrement),
journal d'audit (guichet.journal). L'équipe nationale le tient ensuite à jour depuis son espace."""

from django.db import migrations

ACCESSIBILITE = """guichet France Services s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique à l'ensemble de la plateforme : pages publiques (trouver une France services, fiches des structures) et espace professionnel.

## État de conformité

La plateforme est **non conforme** avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1.2 : elle n'a pas encore fait l'objet d'un audit de conformité, et le RGAA impose cette mention tant qu'aucun audit n'a mesuré le taux de conformité.

## Ce qui est déjà vérifié

Sans tenir lieu d'audit, chaque version de la plateforme est vérifiée automatiquement :

- toutes les pages atteignables par chaque rôle (public, conseiller, responsable de structure, référent et responsable d'opérateur, préfecture, auditeur, équipe nationale) sont parcourues dans un navigateur et contrôlées avec l'outil axe-core (critères WCAG 2.1 niveaux A et AA) ;
- toute anomalie jugée grave ou critique par cet outil fait échouer les tests qui précèdent chaque mise en production ;
- la plateforme utilise le Système de design de l'État (DSFR), ses composants, ses liens d'évitement et ses paramètres d'affichage (thème clair ou sombre).

Un contrôle automatique ne détecte qu'une partie des critères du RGAA : des défauts peuvent subsister (alternatives des cartes, navigation au clavier dans les tableaux de bord, lecture des graphiques par un lecteur d'écran).

## Contenus non accessibles

- La carte de la page « Trouver une France services » n'a pas été vérifiée au clavier ni au lecteur d'écran ; la liste des résultats, placée à côté, donne les mêmes informations.
- La restitution des graphiques des tableaux de bord par un lecteur d'écran n'a pas été vérifiée.

## Établissement de cette déclaration

Cette déclaration a été établie le 30 novembre 2026.

Technologies utilisées : HTML5, CSS, JavaScript (Système de design de l'État).

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez nous écrire à {contact} pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme. Vous pouvez aussi vous rendre dans une France services : les conseillers vous accompagnent.

## Voies de recours

Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité, que vous nous l'avez signalé et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :

- écrire un message au Défenseur des droits : [formulaire en ligne](https://formulaire.defenseurdesdroits.fr/) ;
- contacter le délégué du Défenseur des droits dans votre région : [liste des délégués](https://www.defenseurdesdroits.fr/carte-des-delegues) ;
- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
"""

MENTIONS_LEGALES = """## Éditeur

Ce site est le système d'information du réseau France Services, programme national piloté par l'Agence nationale de la cohésion des territoires (ANCT), 20 avenue de Ségur, 75007 Paris.

Directeur ou directrice de la publication : le directeur général ou la directrice générale de l'ANCT.

Contact : {contact}

## Hébergement

La plateforme est hébergée en France par l'exploitant désigné par l'équipe nationale ; ses coordonnées sont données sur demande à {contact}.

## Logiciel libre

guichet est un logiciel libre publié sous licence AGPL-3.0-or-later : son code source peut être consulté, réutilisé et modifié aux conditions de cette licence.

## Réutilisation des contenus

Sauf mention contraire, les contenus de ce site sont publiés sous [licence Etalab 2.0](https://www.etalab.gouv.fr/licence-ouverte-open-licence/). Les fiches pratiques de la base de connaissances proviennent de [service-public.fr](https://www.service-public.fr) (Direction de l'information légale et administrative) et sont reprises sous la même licence.

## Liens vers d'autres sites

Les liens vers les sites des opérateurs et des administrations sont donnés pour faciliter les démarches ; ces sites restent sous la responsabilité de leurs éditeurs.

## Cookies

Le site n'utilise ni cookie publicitaire ni mesure d'audience. Seuls sont déposés les cookies nécessaires à son fonctionnement : la session de connexion de l'espace professionnel (8 heures au plus) et le jeton de protection des formulaires. Ils ne demandent donc pas de consentement.

## Accessibilité et données personnelles

Voir la [déclaration d'accessibilité](/accessibilite/) et la page [données personnelles](/donnees-personnelles/).
"""

DONNEES_PERSONNELLES = """Cette page dit quelles données personnelles la plateforme traite, pourquoi, combien de temps elle les garde, comment elles sont protégées, et comment exercer vos droits.

## Ce que la plateforme traite, et pourquoi

### Les usagers des France Services

- **Les accompagnements** : pour chaque aide apportée, le conseiller enregistre l'opérateur, la démarche, le canal, la durée, le résultat, et au plus une tranche d'âge et des besoins (usager allophone, en situation de handicap). Aucun nom, aucune adresse, aucun numéro : ces données servent aux statistiques du réseau et ne permettent pas de retrouver une personne.
- **Les demandes au back-office des opérateurs** : quand un conseiller saisit un référent d'opérateur pour résoudre un dossier complexe, la demande peut contenir l'identité de l'usager (nom, prénom, date de naissance), ses numéros (sécurité sociale, allocataire, fiscal, dossier), son adresse, son téléphone, la description de la situation, les messages échangés et des pièces jointes. Finalité : résoudre la démarche de l'usager avec l'opérateur compétent, dans le cadre de la mission de service public du réseau France Services.

### Les professionnels du réseau

- **Les comptes** : adresse électronique, nom, prénom, rôles et structure ou département de rattachement, second facteur d'authentification pour les rôles qui l'exigent. Finalité : donner à chacun l'accès à ce que son rôle permet, et rien d'autre.
- **Les tentatives de connexion** : identifiant saisi, adresse IP et navigateur, pour bloquer les essais répétés de mots de passe (blocage de 15 minutes après 5 échecs).
- **Le journal d'audit** : chaque lecture ou modification d'une donnée sensible y est inscrite, avec la personne qui agit, l'action, l'objet concerné et la date ; il ne contient ni l'identité de l'usager ni le contenu des demandes.

## Combien de temps

- **Demandes sans nouvelles** : une demande sans message depuis 23 jours fait l'objet d'un avertissement à son auteur ; sans nouvelles depuis 30 jours (et au moins 7 jours après l'avertissement), elle est clôturée automatiquement.
- **Données personnelles des demandes** : elles sont effacées **6 mois après la clôture** de la demande : identité, numéros, adresse, téléphone, description, texte libre de l'objet, corps des messages, pièces jointes et leurs fichiers. Restent des informations anonymes (dates, opérateur, structure, département, objet du catalogue, utilité de la réponse) qui servent à mesurer la qualité du back-office.
- **Accompagnements** : conservés pour les statistiques du réseau ; ils ne contiennent pas de donnée personnelle sur l'usager.
- **Invitations** : le lien d'inscription envoyé à un nouveau collègue est valable 7 jours.
- **Session de connexion** : 8 heures au plus.
- **Journal d'audit** : conservé tant que la plateforme est exploitée. Il est chaîné (chaque entrée porte l'empreinte de la précédente) et la base de données refuse toute modification ou suppression : c'est ce qui permet de prouver qui a consulté quoi. Quand un compte est supprimé, le lien vers ce compte est retiré ; le libellé de l'acteur reste.

Chaque avertissement, clôture et effacement est lui-même inscrit au journal d'audit.

## Comment elles sont protégées

- Les données personnelles des demandes (identité, numéros, adresse, téléphone, description, messages, noms des pièces jointes et leurs fichiers) sont **chiffrées** dans la base et sur le disque (chiffrement authentifié Fernet : AES-128 et HMAC-SHA256). Les clés sont gardées hors de la base et peuvent être changées sans perte de données (rotation).
- Une demande n'est lisible que par l'équipe de la structure qui l'a ouverte et par les référents et responsables de l'opérateur saisi, dans le département ; chaque lecture est journalisée.
- Les rôles qui voient des données sensibles (référent, préfecture, équipe nationale) se connectent avec un second facteur.
- Aucune ressource n'est chargée depuis un site tiers ; aucune mesure d'audience, aucun cookie publicitaire.

## Vos droits, et comment les exercer

Vous disposez d'un droit d'accès, de rectification, d'effacement, de limitation et d'opposition sur les données qui vous concernent (articles 15 à 21 du règlement général sur la protection des données).

- **Usager** : adressez-vous à la France services qui vous a accompagné, ou écrivez à {contact} en indiquant la structure et la date de votre démarche ; la plateforme ne connaît pas votre nom en dehors des demandes faites au back-office.
- **Professionnel du réseau** : votre page « Mon compte » montre vos rôles ; pour toute autre demande, écrivez à {contact}.

Une réponse vous est donnée dans un délai d'un mois. Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l'informatique et des libertés : [cnil.fr/fr/plaintes](https://www.cnil.fr/fr/plaintes).
"""

PAGES = [
    ("accessibilite", "Déclaration d'accessibilité", "Accessibilité : non conforme", ACCESSIBILITE),
    ("mentions-legales", "Mentions légales", "Mentions légales", MENTIONS_LEGALES),
    ("donnees-personnelles", "Données personnelles", "Données personnelles", DONNEES_PERSONNELLES),
]


def creer(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    for slug, titre, libelle_pied, contenu in PAGES:
        Page.objects.get_or_create(
            slug=slug, defaults={"titre": titre, "libelle_pied": libelle_pied, "contenu": contenu.strip()}
        )


class Migration(migrations.Migration):
    dependencies = [("pages", "0001_initial")]

    operations = [migrations.RunPython(creer, migrations.RunPython.noop)]
