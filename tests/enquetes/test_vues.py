"""Les pages des enquêtes : qui voit quoi, le questionnaire public et ses protections, les conseillers."""

import time

import pytest
from django.core import signing
from django.urls import reverse

from guichet.enquetes import permissions as permissions_enquetes
from guichet.enquetes.forms import SEL_JETON
from guichet.enquetes.models import Participation, Reponse, Valeur
from tests.comptes.conftest import connecter
from tests.enquetes.factories import CampagneFactory, questionnaire_type


def _resultats(client, user, campagne, **params):
    connecter(client, user)
    return client.get(reverse("enquetes:resultats", args=[campagne.pk]), params)


def test_anonyme_renvoye_a_la_connexion(client, enquete):
    reponse = client.get(reverse("enquetes:resultats", args=[enquete.campagne.pk]))
    assert reponse.status_code == 302 and reverse("comptes:connexion") in reponse["Location"]


@pytest.mark.parametrize("personne", ["referent_caf_a", "referent_local_b", "sans_role"])
def test_sans_acces_aux_enquetes(client, enquete, personne):
    connecter(client, getattr(enquete.monde, personne))
    assert client.get(reverse("enquetes:accueil")).status_code == 403
    assert client.get(reverse("enquetes:resultats", args=[enquete.campagne.pk])).status_code == 403
    assert client.get(reverse("enquetes:export", args=[enquete.campagne.pk])).status_code == 403


def test_une_structure_ne_voit_jamais_les_resultats_d_une_autre(client, enquete):
    m = enquete.monde
    for personne in (m.conseiller_a1, m.gestionnaire_a1):
        assert _resultats(client, personne, enquete.campagne).context["niveau"].objet == m.a1  # par défaut, la sienne
        assert _resultats(client, personne, enquete.campagne, niveau="structure", code=m.b.matricule).status_code == 403
        assert (
            _resultats(client, personne, enquete.campagne, niveau="structure", code=m.a2.matricule).status_code == 403
        )
        assert _resultats(client, personne, enquete.campagne, niveau="departement", code="01").status_code == 403
        url = reverse("enquetes:export", args=[enquete.campagne.pk])
        assert client.get(url, {"niveau": "structure", "code": m.b.matricule}).status_code == 403
    # Les niveaux agrégés (région, national) restent lisibles.
    assert _resultats(client, m.conseiller_a1, enquete.campagne, niveau="national").status_code == 200


def test_prefecture_voit_son_departement_pas_l_autre(client, enquete):
    m = enquete.monde
    reponse = _resultats(client, m.prefecture_a, enquete.campagne)
    assert reponse.status_code == 200 and reponse.context["niveau"].objet == m.dep_a
    page = reponse.content.decode()
    assert "15 questionnaires" in page and "France services A1" in page
    assert _resultats(client, m.prefecture_a, enquete.campagne, niveau="departement", code="02").status_code == 403
    assert (
        _resultats(client, m.prefecture_a, enquete.campagne, niveau="structure", code=m.b.matricule).status_code == 403
    )
    assert (
        _resultats(client, m.prefecture_a, enquete.campagne, niveau="structure", code=m.a1.matricule).status_code == 200
    )
    assert _resultats(client, m.prefecture_a, enquete.campagne, niveau="inconnu", code="x").status_code == 404


def test_textes_libres_au_national_seulement(client, enquete):
    m = enquete.monde
    params = {"niveau": "structure", "code": m.b.matricule}
    page = _resultats(client, m.national, enquete.campagne, **params).content.decode()
    assert "Rappelez-moi au [téléphone masqué]" in page and "06 12" not in page
    for personne in (m.conseiller_b, m.auditeur_national):
        page = _resultats(client, personne, enquete.campagne, **params).content.decode()
        assert "Rappelez-moi" not in page and "ne sont lues que par l'équipe nationale" in page


def test_page_de_structure_sous_le_seuil(client, enquete):
    m = enquete.monde
    page = _resultats(client, m.national, enquete.campagne, niveau="structure", code=m.a2.matricule).content.decode()
    assert "Moins de 5 questionnaires" in page and "résultat non montré" in page


def test_export_csv_secret_et_neutralise(client, enquete):
    m = enquete.monde
    m.b.nom = '=HYPERLINK("http://pirate")'
    m.b.save()
    connecter(client, m.national)
    csv = client.get(reverse("enquetes:export", args=[enquete.campagne.pk]), {"niveau": "departement", "code": "02"})
    texte = csv.content.decode()
    assert csv.status_code == 200 and "'=HYPERLINK" in texte
    lignes = [ligne.split(";") for ligne in texte.strip().splitlines()]
    assert lignes[1][5] == "6"
    csv = client.get(
        reverse("enquetes:export", args=[enquete.campagne.pk]), {"niveau": "structure", "code": m.a2.matricule}
    )
    assert all(ligne.split(";")[5] == "" for ligne in csv.content.decode().strip().splitlines()[1:])


# Le questionnaire public


def _url(campagne, structure):
    return reverse("enquete:questionnaire", args=[campagne.pk, structure.matricule])


def _jeton(campagne, structure, il_y_a=10, nonce="n1"):
    return signing.dumps({"c": campagne.pk, "s": structure.pk, "t": time.time() - il_y_a, "n": nonce}, salt=SEL_JETON)


@pytest.fixture
def publique(monde):
    campagne = CampagneFactory(titre="Votre avis 2026")
    echelle, choix, texte = questionnaire_type(campagne)
    return campagne, echelle, choix, texte


def _envoi(campagne, structure, echelle, choix, texte, **autres):
    return {
        f"q{echelle.pk}": "4",
        f"q{choix.pk}": "Oui",
        f"q{texte.pk}": "Très bien ; écrivez-moi : lea.martin@free.fr",
        "jeton": _jeton(campagne, structure),
        "site_web": "",
        **autres,
    }


def test_questionnaire_public_sans_compte_une_fois_par_navigateur(client, monde, publique):
    campagne, echelle, choix, texte = publique
    url = _url(campagne, monde.a1)
    page = client.get(url)
    assert page.status_code == 200 and "Votre avis 2026" in page.content.decode()
    reponse = client.post(url, _envoi(campagne, monde.a1, echelle, choix, texte), REMOTE_ADDR="203.0.113.7")
    assert reponse.status_code == 200 and "Merci" in reponse.content.decode()
    assert Reponse.objects.filter(campagne=campagne, structure=monde.a1).count() == 1
    assert Valeur.objects.get(question=texte).texte == "Très bien ; écrivez-moi : [courriel masqué]"
    # Rien de la personne n'est gardé : ni adresse IP, ni compte, ni heure.
    for modele in (Reponse, Valeur):
        for objet in modele.objects.all():
            assert "203.0.113.7" not in str([getattr(objet, f.attname) for f in modele._meta.concrete_fields])
    # Le même navigateur ne répond pas deux fois.
    deuxieme = client.post(
        url, _envoi(campagne, monde.a1, echelle, choix, texte, jeton=_jeton(campagne, monde.a1, nonce="n2"))
    )
    assert "déjà répondu" in deuxieme.content.decode()
    assert Reponse.objects.filter(campagne=campagne).count() == 1


def test_questionnaire_public_refuse_les_envois_automatiques(client, monde, publique):
    campagne, echelle, choix, texte = publique
    url = _url(campagne, monde.a1)
    envoi = _envoi(campagne, monde.a1, echelle, choix, texte)
    # Trop rapide (moins de 2 s après l'affichage).
    trop_vite = client.post(url, {**envoi, "jeton": _jeton(campagne, monde.a1, il_y_a=0.1)})
    assert "Réponse trop rapide" in trop_vite.content.decode()
    # Jeton falsifié, ou d'une autre structure.
    assert "Questionnaire invalide" in client.post(url, {**envoi, "jeton": "faux"}).content.decode()
    autre = client.post(url, {**envoi, "jeton": _jeton(campagne, monde.b)})
    assert "Questionnaire invalide" in autre.content.decode()
    # Pot de miel rempli.
    assert client.post(url, {**envoi, "site_web": "http://spam"}).status_code == 200
    assert not Reponse.objects.exists()
    # Un jeton ne sert qu'une fois, même depuis un autre navigateur (sans témoin).
    assert "Merci" in client.post(url, envoi).content.decode()
    client.cookies.clear()
    rejoue = client.post(url, envoi)
    assert "déjà été envoyé" in rejoue.content.decode()
    assert Reponse.objects.count() == 1


def test_questionnaire_public_hors_dates_ou_inconnu(client, monde):
    close = CampagneFactory(close=True)
    questionnaire_type(close)
    assert client.get(_url(close, monde.a1)).status_code == 410
    assert client.get(_url(CampagneFactory(a_venir=True), monde.a1)).status_code == 404
    agents = CampagneFactory(agents=True)
    assert client.get(_url(agents, monde.a1)).status_code == 404
    assert client.get(reverse("enquete:questionnaire", args=[close.pk, "INCONNU"])).status_code == 404


def test_question_obligatoire_et_reponse_vide(client, monde, publique):
    campagne, echelle, choix, texte = publique
    url = _url(campagne, monde.a1)
    vide = client.post(url, {"jeton": _jeton(campagne, monde.a1), "site_web": ""})
    assert "Répondez à au moins une question" in vide.content.decode()
    hors_echelle = client.post(url, _envoi(campagne, monde.a1, echelle, choix, texte, **{f"q{echelle.pk}": "9"}))
    assert "Sélectionnez un choix valide" in hors_echelle.content.decode()
    assert not Reponse.objects.exists()


# Les conseillers


def test_conseiller_repond_une_fois_sans_lien_avec_sa_reponse(client, monde):
    campagne = CampagneFactory(agents=True, titre="Baromètre des conseillers")
    echelle, choix, texte = questionnaire_type(campagne)
    connecter(client, monde.conseiller_a1)
    accueil = client.get(reverse("enquetes:accueil")).content.decode()
    assert "Baromètre des conseillers" in accueil and reverse("enquetes:repondre", args=[campagne.pk]) in accueil
    url = reverse("enquetes:repondre", args=[campagne.pk])
    reponse = client.post(url, {f"q{echelle.pk}": "3", f"q{choix.pk}": "Non"})
    assert reponse.status_code == 302
    assert Participation.objects.filter(campagne=campagne, utilisateur=monde.conseiller_a1).count() == 1
    assert Reponse.objects.get(campagne=campagne).structure == monde.a1
    # Aucun champ de la réponse ne désigne la personne.
    assert not any(f.related_model and f.related_model.__name__ == "Utilisateur" for f in Reponse._meta.get_fields())
    # Une seconde fois : non.
    client.post(url, {f"q{echelle.pk}": "5"})
    assert Reponse.objects.filter(campagne=campagne).count() == 1
    assert client.get(url).status_code == 302
    # Qui n'est pas agent ne répond pas ; une campagne des usagers ne se remplit pas ici.
    connecter(client, monde.prefecture_a)
    assert client.get(url).status_code == 403
    connecter(client, monde.conseiller_b)
    usagers = CampagneFactory()
    assert client.get(reverse("enquetes:repondre", args=[usagers.pk])).status_code == 404


# Les campagnes


def test_seule_l_equipe_nationale_definit_les_campagnes(client, monde):
    for personne in (monde.prefecture_a, monde.auditeur_national, monde.gestionnaire_a1):
        connecter(client, personne)
        assert client.get(reverse("enquetes:nouvelle")).status_code == 403
    connecter(client, monde.national)
    reponse = client.post(
        reverse("enquetes:nouvelle"),
        {"titre": "Enquête 2027", "public": "usagers", "debut": "2027-01-10", "fin": "2027-02-10"},
    )
    campagne_pk = int(reponse["Location"].rstrip("/").split("/")[-1])
    url = reverse("enquetes:campagne", args=[campagne_pk])
    client.post(url, {"libelle": "Satisfait ?", "nature": "echelle", "echelle_max": "5"})
    erreur = client.post(url, {"libelle": "Résolu ?", "nature": "choix", "echelle_max": "5", "choix_texte": "Oui"})
    assert "Donnez de 2 à 12 choix" in erreur.content.decode()
    client.post(url, {"libelle": "Résolu ?", "nature": "choix", "echelle_max": "5", "choix_texte": "Oui\nNon\n"})
    from guichet.enquetes.models import Campagne

    campagne = Campagne.objects.get(pk=campagne_pk)
    assert [(q.libelle, q.choix) for q in campagne.questions.all()] == [
        ("Satisfait ?", []),
        ("Résolu ?", ["Oui", "Non"]),
    ]
    inversee = client.post(
        reverse("enquetes:nouvelle"), {"titre": "x", "public": "agents", "debut": "2027-02-10", "fin": "2027-01-10"}
    )
    assert "La date de fin doit suivre" in inversee.content.decode()


def test_questions_figees_une_fois_la_campagne_ouverte(client, monde, publique):
    campagne = publique[0]
    connecter(client, monde.national)
    client.post(
        reverse("enquetes:campagne", args=[campagne.pk]), {"libelle": "Ajout", "nature": "texte", "echelle_max": "5"}
    )
    assert not campagne.questions.filter(libelle="Ajout").exists()


def test_affiche_et_qr_code(client, monde, publique):
    campagne = publique[0]
    connecter(client, monde.gestionnaire_a1)
    page = client.get(reverse("enquetes:affiche", args=[campagne.pk, monde.a1.matricule])).content.decode()
    assert "<svg" in page and _url(campagne, monde.a1) in page
    assert client.get(reverse("enquetes:affiche", args=[campagne.pk, monde.b.matricule])).status_code == 403


def test_lignes_du_tableau_par_territoire_lisibles_selon_les_droits(client, enquete):
    """Chaque ligne du tableau par territoire ne mène qu'aux résultats que la personne peut lire (la même
    règle que la page de ce niveau), calculée pour tout le tableau d'un coup."""
    m = enquete.monde
    region = m.dep_a.region
    for personne in (m.prefecture_a, m.gestionnaire_a1, m.national):
        for niveau, code in (("region", region.code), ("departement", "01"), ("national", "")):
            page = _resultats(client, personne, enquete.campagne, niveau=niveau, code=code)
            if page.status_code != 200:
                continue
            for ligne in page.context["r"].detail:
                assert ligne["lisible"] == permissions_enquetes.peut_voir_resultats_enquete(personne, ligne["niveau"])
    departements = {
        ligne["niveau"].objet.code: ligne["lisible"]
        for ligne in _resultats(client, m.prefecture_a, enquete.campagne, niveau="region", code=region.code)
        .context["r"]
        .detail
    }
    assert departements.get("01") is True and departements.get("02", False) is False


def test_pas_d_affiche_pour_une_campagne_close(client, monde):
    """L'affiche mènerait à un questionnaire fermé : ni lien sur l'accueil, ni page."""
    close = CampagneFactory(close=True, titre="Enquête close")
    questionnaire_type(close)
    connecter(client, monde.gestionnaire_a1)
    accueil = client.get(reverse("enquetes:accueil")).content.decode()
    assert "Enquête close" in accueil
    assert reverse("enquetes:affiche", args=[close.pk, monde.a1.matricule]) not in accueil
    assert client.get(reverse("enquetes:affiche", args=[close.pk, monde.a1.matricule])).status_code == 404


def test_le_lien_vers_le_niveau_superieur_mene_a_une_page_lisible(client, enquete):
    """Le responsable d'une structure ne lit pas son département : sa page remonte directement à la région."""
    m = enquete.monde
    page = _resultats(client, m.gestionnaire_a1, enquete.campagne, niveau="structure", code=m.a1.matricule)
    parent = page.context["parent"]
    assert parent.code == "region"
    assert _resultats(client, m.gestionnaire_a1, enquete.campagne, **parent.parametres).status_code == 200
    page = _resultats(client, m.prefecture_a, enquete.campagne, niveau="structure", code=m.a1.matricule)
    assert page.context["parent"].code == "departement"


def test_autres_niveaux_sans_doublon(client, enquete):
    """La page d'une région ne propose « France entière » qu'une fois (c'est aussi son niveau supérieur)."""
    m = enquete.monde
    page = _resultats(client, m.national, enquete.campagne, niveau="region", code=m.dep_a.region.code)
    assert page.content.decode().count(">France entière</a>") == 1
    page = _resultats(client, m.national, enquete.campagne, niveau="departement", code="01")
    assert page.content.decode().count(">France entière</a>") == 1
