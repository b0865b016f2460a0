"""Les résultats sous le secret statistique, niveau par niveau."""

from guichet.enquetes import services
from guichet.enquetes.models import Reponse
from guichet.enquetes.services import Niveau


def _question(resultats, question):
    return next(r for r in resultats.questions if r.question == question)


def test_structure_a_moins_de_cinq_reponses_masquee(enquete):
    r = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.a2))
    assert r.reponses == 3 and r.masque
    for q in r.questions:
        assert q.masquee and q.total is None and q.moyenne is None and q.cases == []


def test_structure_chiffres_avec_effectif_et_cases_sous_le_seuil_masquees(enquete):
    r = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.a1))
    assert r.reponses == 12 and not r.masque
    assert r.premier_jour == r.dernier_jour  # la période réelle des réponses
    echelle = _question(r, enquete.echelle)
    assert echelle.total == 12
    assert round(echelle.moyenne, 2) == round(49 / 12, 2)
    nombres = dict((libelle, n) for libelle, n, _ in echelle.cases)
    # 1 : 1, 2 : 0, 3 : 1 sous le seuil ; 4 et 5 : 5 chacun. Les masquées somment à 2 < 5 : une visible
    # de plus est masquée ; la moyenne publiée exige au moins trois cases masquées.
    assert nombres["1"] is None and nombres["2"] is None and nombres["3"] is None
    assert [nombres["4"], nombres["5"]].count(None) == 1
    choix = _question(r, enquete.choix)
    # « En partie » (0) et « Non » (4) somment à 4 < 5 : « Oui » est masqué aussi (12 − 8 redonnerait 4).
    assert dict((libelle, n) for libelle, n, _ in choix.cases) == {"Oui": None, "En partie": None, "Non": None}


def test_departement_et_national(enquete):
    dep = services.calculer(enquete.campagne, Niveau("departement", enquete.monde.dep_a))
    assert dep.reponses == 15
    # Par structure : a2 (3 réponses) masquée, et a1 avec elle (sinon 15 − 12 la redonnerait).
    assert {ligne["niveau"].objet.nom: ligne["masquee"] for ligne in dep.detail} == {
        "France services A1": True,
        "France services A2": True,
    }
    assert all(ligne["moyennes"] == [None] for ligne in dep.detail)
    national = services.calculer(enquete.campagne, Niveau("national"))
    assert national.reponses == 21
    assert _question(national, enquete.echelle).total == 21


def test_textes_libres_masques_a_l_ecriture_et_rendus_au_seul_national(enquete):
    assert not Reponse.objects.filter(valeurs__texte__contains="06 12").exists()
    r = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.b), textes_libres=True)
    textes = _question(r, enquete.texte).textes
    assert textes == ["Rappelez-moi au [téléphone masqué]"] * 6
    sans = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.b), textes_libres=False)
    assert _question(sans, enquete.texte).textes == []


def test_csv_laisse_vides_les_cases_masquees(enquete):
    lignes = services.en_lignes_csv(services.calculer(enquete.campagne, Niveau("structure", enquete.monde.a2)))
    assert lignes[1][5] == ""  # 3 questionnaires : non publiés
    assert all(ligne[5] == "" and ligne[7] == "" for ligne in lignes[2:])


def test_reponse_sans_heure_ni_compte(enquete):
    champs = {f.name for f in Reponse._meta.get_fields()}
    assert champs == {"id", "campagne", "structure", "le", "valeurs"}
