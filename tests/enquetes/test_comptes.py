"""Les comptes d'où se lisent les résultats : tenus par l'enregistrement d'une réponse, égaux à un recompte
depuis les réponses, reconstruits par `guichet recompter_enquetes` après un chargement en masse."""

import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from guichet.enquetes import services
from guichet.enquetes.models import Compte, CompteQuestionnaires, Reponse, Valeur
from guichet.enquetes.services import Niveau
from tests.enquetes.conftest import repondre


def _comptes():
    questionnaires = {
        (c.campagne_id, c.structure_id, c.departement_id): (c.nombre, c.premier, c.dernier)
        for c in CompteQuestionnaires.objects.all()
    }
    valeurs = Counter()
    for c in Compte.objects.all():
        valeurs[(c.campagne_id, c.structure_id, c.departement_id, c.question_id, c.modalite)] += c.nombre
    return questionnaires, valeurs


def _depuis_les_reponses():
    """Le même décompte refait à la main, réponse par réponse."""
    questionnaires = {}
    for r in Reponse.objects.select_related("structure__commune"):
        cle = (r.campagne_id, r.structure_id, r.structure.commune.departement_id)
        n, premier, dernier = questionnaires.get(cle, (0, r.le, r.le))
        questionnaires[cle] = (n + 1, min(premier, r.le), max(dernier, r.le))
    valeurs = Counter()
    for v in Valeur.objects.select_related("reponse__structure__commune"):
        modalite = "" if v.texte else (str(v.note) if v.note is not None else v.choix)
        r = v.reponse
        valeurs[(r.campagne_id, r.structure_id, r.structure.commune.departement_id, v.question_id, modalite)] += 1
    return questionnaires, valeurs


def test_les_comptes_tenus_a_l_ecriture_egalent_un_recompte_depuis_les_reponses(enquete):
    tenus = _comptes()
    assert tenus == _depuis_les_reponses()
    assert sum(n for n, _, _ in tenus[0].values()) == 21
    services.recompter()
    assert _comptes() == tenus


def test_une_reponse_de_plus_s_ajoute_au_compte_existant(enquete):
    avant = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.b))
    repondre(enquete.campagne, enquete.monde.b, note=1, choix="En partie")
    apres = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.b))
    assert apres.reponses == avant.reponses + 1 == 7
    assert CompteQuestionnaires.objects.filter(campagne=enquete.campagne, structure=enquete.monde.b).count() == 1
    assert _comptes() == _depuis_les_reponses()


def test_chargement_en_masse_puis_recompte_par_la_commande(enquete):
    """Des réponses écrites hors du seul écrivain (un chargement en masse) n'apparaissent qu'une fois les comptes
    reconstruits ; la simulation n'écrit rien ; la période s'élargit à leur jour."""
    mois_dernier = enquete.campagne.debut.replace(day=1) - timedelta(days=3)
    reponses = [
        Reponse(id=uuid.uuid4(), campagne=enquete.campagne, structure=enquete.monde.a2, le=mois_dernier)
        for _ in range(4)
    ]
    Reponse.objects.bulk_create(reponses)
    Valeur.objects.bulk_create(Valeur(reponse=r, question=enquete.echelle, note=2) for r in reponses)
    assert services.calculer(enquete.campagne, Niveau("structure", enquete.monde.a2)).reponses == 3

    call_command("recompter_enquetes", "--campagne", str(enquete.campagne.pk))  # simulation
    assert services.calculer(enquete.campagne, Niveau("structure", enquete.monde.a2)).reponses == 3

    call_command("recompter_enquetes", "--campagne", str(enquete.campagne.pk), "--wet-run")
    assert _comptes() == _depuis_les_reponses()
    r = services.calculer(enquete.campagne, Niveau("structure", enquete.monde.a2))
    assert r.reponses == 7 and not r.masque and r.premier_jour == mois_dernier
    echelle = next(q for q in r.questions if q.question == enquete.echelle)
    assert echelle.total == 7 and round(echelle.moyenne, 2) == round((2 + 2 + 3 + 4 * 2) / 7, 2)


def test_recompter_une_campagne_inconnue_echoue_clairement(db):
    with pytest.raises(CommandError, match="Campagne n° 999999 inconnue"):
        call_command("recompter_enquetes", "--campagne", "999999", "--wet-run")


def test_textes_libres_du_territoire_les_plus_recents_d_abord(enquete):
    """Les textes d'un département sont les siens (lus par la structure copiée sur chaque valeur), les plus
    récents d'abord ; un texte écrit en masse sans sa structure la reçoit du recompte."""
    monde = enquete.monde
    dep_a = services.calculer(enquete.campagne, Niveau("departement", monde.dep_a), textes_libres=True)
    textes = next(q for q in dep_a.questions if q.question == enquete.texte).textes
    assert textes == [f"Très bien, merci {i}" for i in range(11, -1, -1)]  # a1 seule a écrit, dernier d'abord
    national = services.calculer(enquete.campagne, Niveau("national"), textes_libres=True)
    assert len(next(q for q in national.questions if q.question == enquete.texte).textes) == 18

    reponse = Reponse.objects.create(campagne=enquete.campagne, structure=monde.a2, le=enquete.campagne.debut)
    Valeur.objects.create(reponse=reponse, question=enquete.texte, texte="Écrit en masse")
    services.recompter([enquete.campagne])
    assert Valeur.objects.get(texte="Écrit en masse").structure == monde.a2
    dep_a = services.calculer(enquete.campagne, Niveau("departement", monde.dep_a), textes_libres=True)
    assert next(q for q in dep_a.questions if q.question == enquete.texte).textes[0] == "Écrit en masse"
