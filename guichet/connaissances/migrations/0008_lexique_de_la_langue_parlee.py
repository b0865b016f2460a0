from django.db import migrations

# Le lexique de la langue parlée au guichet : des données, modifiables dans l'administration.
# (expression, équivalents séparés par « ; », nature)
COURANT, NOM, REMPLISSAGE = "courant", "nom", "remplissage"
EXPRESSIONS = [
    # Mots courants et d'argot → les mots des fiches.
    ("paumé", "perdu ; perte", COURANT),
    ("tune", "argent ; ressources", COURANT),
    ("thune", "argent ; ressources", COURANT),
    ("fric", "argent", COURANT),
    ("pognon", "argent", COURANT),
    ("rond", "argent", COURANT),
    ("dèche", "difficultés financières ; ressources", COURANT),
    ("galère", "difficultés", COURANT),
    ("taf", "travail ; emploi", COURANT),
    ("taff", "travail ; emploi", COURANT),
    ("boulot", "travail ; emploi", COURANT),
    ("bosser", "travailler ; emploi", COURANT),
    ("job", "emploi ; travail ; job", COURANT),
    ("sucré", "suppression ; supprimé ; suspension", COURANT),
    ("sucrer", "supprimer ; suppression", COURANT),
    ("viré", "licenciement ; licencié", COURANT),
    ("virer", "licencier ; licenciement", COURANT),
    ("chômedu", "chômage", COURANT),
    ("chomdu", "chômage", COURANT),
    ("flic", "police", COURANT),
    ("keuf", "police", COURANT),
    ("bagnole", "véhicule ; voiture", COURANT),
    ("voiture", "véhicule ; voiture", COURANT),
    ("occaz", "occasion", COURANT),
    ("gosse", "enfant", COURANT),
    ("gamin", "enfant", COURANT),
    ("môme", "enfant", COURANT),
    ("bébé", "enfant ; naissance ; bébé", COURANT),
    ("fils", "enfant", COURANT),
    ("fille", "enfant", COURANT),
    ("mari", "conjoint ; époux", COURANT),
    ("veuve", "conjoint survivant ; veuve", COURANT),
    ("veuf", "conjoint survivant ; veuf", COURANT),
    ("mort", "décès ; mort", COURANT),
    ("mourir", "décès", COURANT),
    ("décédé", "décès", COURANT),
    ("héritage", "succession", COURANT),
    ("ex", "ancien conjoint ; séparation", COURANT),
    ("proprio", "propriétaire ; bailleur", COURANT),
    ("appart", "logement ; appartement", COURANT),
    ("paye", "salaire ; paie", COURANT),
    ("fiche de paie", "bulletin de paie ; salaire", COURANT),
    ("toubib", "médecin", COURANT),
    ("fac", "université ; études supérieures", COURANT),
    ("flashé", "radar ; contrôle automatisé ; amende", COURANT),
    ("arnaquer", "escroquerie", COURANT),
    ("chourer", "vol", COURANT),
    ("couper", "coupure ; suspension ; couper", COURANT),
    ("jus", "électricité", COURANT),
    ("EDF", "électricité ; fournisseur", COURANT),
    ("fisc", "impôts ; administration fiscale", COURANT),
    ("bled", "étranger ; voyage", COURANT),
    ("vieux", "personne âgée", COURANT),
    ("grand-mère", "personne âgée", COURANT),
    ("grand-père", "personne âgée", COURANT),
    ("pb", "problème", COURANT),
    ("dmd", "demande", COURANT),
    ("doc", "document", COURANT),
    ("tel", "téléphone", COURANT),
    ("mi-temps", "temps partiel", COURANT),
    ("à l'amiable", "consentement mutuel ; amiable", COURANT),
    ("d'un commun accord", "rupture conventionnelle", COURANT),
    ("caution", "dépôt de garantie ; caution", COURANT),
    ("frappe", "violence conjugale ; violences", COURANT),
    ("frapper", "violence ; violences", COURANT),
    ("dettes", "surendettement ; dettes", COURANT),
    ("trop de crédits", "surendettement", COURANT),
    ("avocat gratuit", "aide juridictionnelle", COURANT),
    ("pas les moyens", "ressources ; aide", COURANT),
    ("sans aller au tribunal", "conciliateur de justice ; conciliation ; médiation", COURANT),
    ("ne peut plus travailler", "invalidité ; inaptitude", COURANT),
    ("jumeaux", "naissances multiples ; naissance", COURANT),
    ("enceinte", "grossesse ; enceinte", COURANT),
    ("chaudière", "chauffage ; chaudière", COURANT),
    # Anciens et nouveaux noms, dans les deux sens.
    ("France Travail", "Pôle emploi", NOM),
    ("France Titres", "ANTS ; agence nationale des titres sécurisés", NOM),
    ("carte grise", "certificat d'immatriculation", NOM),
    ("RMI", "RSA ; revenu de solidarité active", NOM),
    ("prime pour l'emploi", "prime d'activité", NOM),
    ("RSA activité", "prime d'activité", NOM),
    ("CMU-C", "complémentaire santé solidaire", NOM),
    ("ACS", "complémentaire santé solidaire ; aide au paiement d'une complémentaire santé", NOM),
    ("France Rénov'", "MaPrimeRénov' ; Anah ; rénovation énergétique", NOM),
    ("Anah", "MaPrimeRénov' ; rénovation énergétique", NOM),
    ("minimum vieillesse", "allocation de solidarité aux personnes âgées ; Aspa", NOM),
    ("Assurance Retraite", "Carsat ; Cnav ; caisse de retraite", NOM),
    ("Assurance Maladie", "CPAM ; sécurité sociale", NOM),
    ("Allocations familiales", "Caf", NOM),
    ("Finances publiques", "impôts ; trésor public", NOM),
    ("trésor public", "finances publiques ; impôts", NOM),
    ("Point Justice", "maison de justice et du droit ; accès au droit", NOM),
    ("tarif social", "chèque énergie ; tarif de première nécessité", NOM),
    ("carte vitale", "carte d'assuré social", NOM),
    ("France services", "maison de services au public", NOM),
    # Tournures de remplissage (retirées du classement ; les mots pleins restent).
    ("je fais comment", "", REMPLISSAGE),
    ("on fait comment", "", REMPLISSAGE),
    ("il faut faire quoi", "", REMPLISSAGE),
    ("faut faire quoi", "", REMPLISSAGE),
    ("y fo faire koi", "", REMPLISSAGE),
    ("je fai koi", "", REMPLISSAGE),
    ("c'est quoi", "", REMPLISSAGE),
    ("c koi", "", REMPLISSAGE),
    ("comment ça marche", "", REMPLISSAGE),
    ("ça se passe comment", "", REMPLISSAGE),
    ("qu'est-ce que je dois faire", "", REMPLISSAGE),
    ("qu'est-ce qu'il faut faire", "", REMPLISSAGE),
    ("est-ce que", "", REMPLISSAGE),
    ("il y a", "", REMPLISSAGE),
    ("y a", "", REMPLISSAGE),
    ("s'il vous plaît", "", REMPLISSAGE),
    ("koi", "", REMPLISSAGE),
    ("kan", "", REMPLISSAGE),
    ("fo", "", REMPLISSAGE),
    ("ya", "", REMPLISSAGE),
    ("jsui", "", REMPLISSAGE),
    ("jai", "", REMPLISSAGE),
    ("ke", "", REMPLISSAGE),
    ("ki", "", REMPLISSAGE),
    ("pr", "", REMPLISSAGE),
    ("ds", "", REMPLISSAGE),
    ("stp", "", REMPLISSAGE),
    ("bjr", "", REMPLISSAGE),
    ("slt", "", REMPLISSAGE),
    ("qqn", "", REMPLISSAGE),
    ("direct", "", REMPLISSAGE),
    ("truc", "", REMPLISSAGE),
    ("normal", "", REMPLISSAGE),
    ("toucher", "", REMPLISSAGE),  # « combien on touche » : le sujet est ailleurs dans la question
]

# Sigles entendus au guichet, absents du lexique initial : (sigle, développement, casse exacte).
SIGLES = [
    ("AJ", "aide juridictionnelle", True),
    ("ASI", "allocation supplémentaire d'invalidité", False),
    ("CEAM", "carte européenne d'assurance maladie", False),
    ("CESU", "chèque emploi service universel ; particulier employeur", False),
    ("CMG", "complément de libre choix du mode de garde", False),
    ("CROUS", "bourse ; logement étudiant", False),
    ("DSE", "dossier social étudiant", False),
    ("IJ", "indemnités journalières", True),
    ("PV", "procès-verbal ; amende ; contravention", True),
    ("PTZ", "prêt à taux zéro", False),
    ("VAE", "validation des acquis de l'expérience", False),
    ("AGEPI", "aide à la garde d'enfants pour parent isolé", False),
    ("BDF", "Banque de France", True),
]


def creer(apps, schema_editor):
    Expression = apps.get_model("connaissances", "Expression")
    Sigle = apps.get_model("connaissances", "Sigle")
    for expression, equivalents, nature in EXPRESSIONS:
        Expression.objects.update_or_create(
            expression=expression, defaults={"equivalents": equivalents, "nature": nature}
        )
    for sigle, expansion, casse in SIGLES:
        Sigle.objects.update_or_create(sigle=sigle, defaults={"expansion": expansion, "casse_exacte": casse})


def supprimer(apps, schema_editor):
    apps.get_model("connaissances", "Expression").objects.filter(expression__in=[e[0] for e in EXPRESSIONS]).delete()
    apps.get_model("connaissances", "Sigle").objects.filter(sigle__in=[s[0] for s in SIGLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("connaissances", "0007_expressions")]
    operations = [migrations.RunPython(creer, supprimer)]
