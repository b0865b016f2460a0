"""Pages : nouvelle demande (routage visible, erreurs nommées, rien de perdu), liste et boîte, fil."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guichet.demandes import services
from guichet.demandes.models import Demande, Nature, PieceJointe, Statut
from guichet.demarches.models import Demarche
from tests.comptes.conftest import connecter
from tests.demandes.factories import LUNDI, DemandeFactory, ouvrir, pdf


def _formulaire(m, **autres):
    return {
        "structure": m.a1.pk,
        "operateur": m.caf.pk,
        "objet": "",
        "objet_libre": "Droits suspendus",
        "description": "Situation confidentielle.",
        "usager_nom": "Dupontel",
        "usager_prenom": "Jeannine",
        "usager_date_naissance": "1980-05-17",
        "usager_nir": "2 80 05 75 056 123 89",
        "usager_numero_allocataire": "",
        "usager_numero_fiscal": "",
        "usager_numero_dossier": "",
        "usager_adresse": "",
        "usager_telephone": "",
        "consentement_atteste": "on",
        "mandat_nature": "ecrit",
        "mandat_date": "2026-01-05",
        "type_aide": "demarche_en_ligne",
        "duree": "15_30",
        **autres,
    }


def test_formulaire_montre_les_operateurs_sans_referent(client, m):
    connecter(client, m.conseiller_a1)
    reponse = client.get(reverse("demandes:nouvelle"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Aucun référent pour Ain (01) chez" in contenu
    sans = {o.code for o in reponse.context["sans_referent"]}
    assert "msa" in sans and "caf" not in sans and "cpam" not in sans
    assert "La MSA — aucun référent dans ce département" in contenu


def test_envoi_avec_piece_jointe(client, m, mailoutbox, django_capture_on_commit_callbacks):
    connecter(client, m.conseiller_a1)
    demarche = Demarche.objects.filter(operateur=m.caf).first()
    donnees = _formulaire(m, objet=demarche.pk if demarche else "", pieces_jointes=[pdf("avis.pdf")])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("demandes:nouvelle"), donnees)
    demande = Demande.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == demande.get_absolute_url()
    assert (demande.usager_nir, demande.usager_date_naissance, demande.mandat_nature) == (
        "280057505612389",
        "1980-05-17",
        "ecrit",
    )
    assert demande.objet == demarche and demande.auteur == m.conseiller_a1
    assert PieceJointe.objects.get().nom == "avis.pdf"
    assert sorted(e.to[0] for e in mailoutbox) == sorted([m.referent_caf_a.email, m.referent_caf_a2.email])


def test_erreurs_nommees_et_valeurs_gardees(client, m):
    connecter(client, m.conseiller_a1)
    donnees = _formulaire(
        m,
        usager_nom="",
        usager_nir="2 80 05 75 056 123 88",
        consentement_atteste="",
        mandat_date="2099-01-01",
        pieces_jointes=[pdf("avis.pdf")],
    )
    reponse = client.post(reverse("demandes:nouvelle"), donnees)
    assert reponse.status_code == 200 and not Demande.objects.exists()
    form = reponse.context["form"]
    assert form.errors["usager_nom"] == ["« Nom de l'usager » est obligatoire."]
    assert "clé du numéro de sécurité sociale" in form.errors["usager_nir"][0]
    assert "consentement" in form.errors["consentement_atteste"][0]
    assert "Date du mandat" in form.errors["mandat_date"][0]
    contenu = reponse.content.decode()
    assert 'value="Jeannine"' in contenu and "Situation confidentielle." in contenu
    assert "Sélectionnez-les à nouveau" in contenu
    assert "Le formulaire contient 4 erreurs" in contenu


def test_piece_jointe_refusee_par_son_contenu(client, m):
    connecter(client, m.conseiller_a1)
    faux = pdf("virus.pdf", b"MZ\x90\x00 pas un pdf")
    reponse = client.post(reverse("demandes:nouvelle"), _formulaire(m, pieces_jointes=[faux]))
    assert reponse.status_code == 200 and not Demande.objects.exists()
    assert "virus.pdf" in reponse.context["form"].errors["pieces_jointes"][0]


def test_operateur_sans_referent_refuse_au_formulaire(client, m):
    connecter(client, m.conseiller_a1)
    reponse = client.post(reverse("demandes:nouvelle"), _formulaire(m, operateur=m.msa.pk))
    assert reponse.status_code == 200 and not Demande.objects.exists()
    assert "aucun référent" in reponse.context["form"].errors["operateur"][0]


def test_demarche_d_un_autre_operateur_refusee(client, m):
    connecter(client, m.conseiller_a1)
    autre = Demarche.objects.exclude(operateur=m.caf).first()
    if autre is None:
        pytest.skip("catalogue des démarches vide")
    reponse = client.post(reverse("demandes:nouvelle"), _formulaire(m, objet=autre.pk))
    assert "n'est pas une démarche" in reponse.context["form"].errors["objet"][0]


def test_boite_du_referent_filtres_et_pagination(client, m):
    maintenant = timezone.now()
    recentes = [
        DemandeFactory(structure=m.a1, operateur_initial=m.caf, envoyee_le=maintenant - timedelta(minutes=i))
        for i in range(27)
    ]
    en_retard = DemandeFactory(structure=m.a2, operateur_initial=m.caf, envoyee_le=maintenant - timedelta(days=15))
    close = DemandeFactory(structure=m.a1, operateur_initial=m.caf, envoyee_le=maintenant - timedelta(days=20))
    ancienne = ouvrir(m, maintenant=maintenant - timedelta(days=20))
    autre_operateur = DemandeFactory(structure=m.a1, operateur_initial=m.cpam)
    autre_departement = DemandeFactory(structure=m.b, operateur_initial=m.caf)
    services.cloturer(close, m.conseiller_a1, "oui")
    connecter(client, m.referent_caf_a)
    url = reverse("demandes:liste")
    reponse = client.get(url)
    assert reponse.context["vue"] == "operateur" and reponse.context["filtre"] == "a_traiter"
    page = reponse.context["page_obj"]
    assert page.paginator.count == 27 + 1 + 1  # + la demande ouverte par le service
    assert len(page.object_list) == 25
    assert page.object_list[0] == ancienne  # la plus proche de son échéance (ici : la plus en retard) d'abord
    retard = client.get(url, {"filtre": "en_retard"}).context["page_obj"]
    assert {d.pk for d in retard.object_list} == {en_retard.pk, ancienne.pk}
    assert all(d.statut_courant == Statut.EN_RETARD for d in retard.object_list)
    toutes = client.get(url, {"filtre": "toutes", "page": 2}).context["page_obj"]
    assert toutes.paginator.count == 27 + 3
    tous_pk = {d.pk for p in (1, 2) for d in client.get(url, {"filtre": "toutes", "page": p}).context["page_obj"]}
    assert autre_operateur.pk not in tous_pk and autre_departement.pk not in tous_pk
    assert {r.pk for r in recentes} <= tous_pk
    assert "En retard depuis le" in client.get(url, {"filtre": "en_retard"}).content.decode()


def test_liste_de_l_agent(client, m):
    mienne = ouvrir(m)
    collegue = ouvrir(m, auteur=m.gestionnaire_a1)
    ouvrir(m, auteur=m.conseiller_a2, structure=m.a2)
    connecter(client, m.conseiller_a1)
    reponse = client.get(reverse("demandes:liste"))
    assert reponse.context["vue"] == "agent" and reponse.context["peut_ouvrir"]
    assert {d.pk for d in reponse.context["page_obj"]} == {mienne.pk, collegue.pk}
    assert "Nouvelle demande" in reponse.content.decode()


def test_fil_par_les_pages(client, m, mailoutbox, django_capture_on_commit_callbacks):
    demande = ouvrir(m)
    detail = reverse("demandes:detail", args=[demande.pk])
    connecter(client, m.referent_caf_a)
    assert "Je m'en occupe" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("demandes:prendre_en_charge", args=[demande.pk]))
        reponse = client.post(
            reverse("demandes:message", args=[demande.pk]),
            {"message-corps": "Voici la réponse.", "message-pieces_jointes": [pdf("reponse.pdf")]},
        )
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == Statut.REPONSE_RECUE
    # « Je m'en occupe » et le message, à quelques instants d'intervalle : un seul courriel à l'agent.
    assert [e.to for e in mailoutbox if "conseiller" in e.to[0]] == [[m.conseiller_a1.email]]
    # Message vide : refusé, champ nommé, code 400.
    vide = client.post(reverse("demandes:message", args=[demande.pk]), {"message-corps": ""})
    assert vide.status_code == 400 and "« Votre message » est obligatoire." in vide.content.decode()

    connecter(client, m.conseiller_a1)
    contenu = client.get(detail).content.decode()
    assert "Voici la réponse." in contenu and "reponse.pdf" in contenu and "Je m'en occupe</button>" not in contenu
    sans_avis = client.post(reverse("demandes:cloturer", args=[demande.pk]), {"cloture-utile": ""})
    assert sans_avis.status_code == 400 and "La réponse a-t-elle été utile ?" in sans_avis.content.decode()
    client.post(reverse("demandes:cloturer", args=[demande.pk]), {"cloture-utile": "oui"})
    demande.refresh_from_db()
    assert (demande.statut, demande.utile) == (Statut.CLOTUREE, "oui")
    reponse = client.post(reverse("demandes:message", args=[demande.pk]), {"message-corps": "encore"}, follow=True)
    assert "rouvrez-la" in reponse.content.decode()
    client.post(reverse("demandes:rouvrir", args=[demande.pk]), {"reouverture-corps": "Pas reçu"})
    demande.refresh_from_db()
    assert demande.statut == Statut.EN_ATTENTE


def test_reorienter_et_inviter_par_les_pages(client, m):
    demande = ouvrir(m)
    connecter(client, m.referent_caf_a)
    refus = client.post(reverse("demandes:rerouter", args=[demande.pk]), {"reroutage-operateur": m.msa.pk})
    assert refus.status_code == 400 and "Aucun référent de la MSA" in refus.content.decode()
    client.post(reverse("demandes:inviter", args=[demande.pk]), {"invitation-operateur": m.france_travail.pk})
    assert demande.invitations.filter(operateur=m.france_travail).exists()
    reponse = client.post(reverse("demandes:rerouter", args=[demande.pk]), {"reroutage-operateur": m.cpam.pk})
    assert reponse.status_code == 302 and reponse["Location"] == reverse("demandes:liste")
    demande.refresh_from_db()
    assert demande.operateur == m.cpam and demande.reroutee
    assert demande.messages.filter(nature=Nature.PAS_LE_BON_INTERLOCUTEUR).exists()
    assert client.get(reverse("demandes:detail", args=[demande.pk])).status_code == 404
    # Le référent France Travail, invité, ne réoriente pas.
    connecter(client, m.referent_ft_a)
    assert client.get(reverse("demandes:detail", args=[demande.pk])).status_code == 200
    interdit = client.post(reverse("demandes:rerouter", args=[demande.pk]), {"reroutage-operateur": m.caf.pk})
    assert interdit.status_code == 403


def test_nouveau_marque_tant_que_non_lu(client, m):
    demande = ouvrir(m)
    connecter(client, m.referent_caf_a)
    assert not client.get(reverse("demandes:liste")).context["page_obj"].object_list[0].lue
    client.get(reverse("demandes:detail", args=[demande.pk]))
    assert client.get(reverse("demandes:liste")).context["page_obj"].object_list[0].lue


def test_boite_avec_invitations_triee_et_comptee(client, m):
    """Les demandes où l'opérateur est invité s'intercalent dans l'ordre, sans doublon."""
    propres = [ouvrir(m, operateur=m.cpam, maintenant=LUNDI + timedelta(hours=h)) for h in (1, 3, 5)]
    invitee = ouvrir(m, maintenant=LUNDI + timedelta(hours=4))
    services.inviter(invitee, m.referent_caf_a, m.cpam)
    deja_cpam = ouvrir(m, maintenant=LUNDI + timedelta(hours=2))
    services.inviter(deja_cpam, m.referent_caf_a, m.cpam)
    services.rerouter(deja_cpam, m.referent_caf_a, m.cpam)  # invitée puis réorientée : une seule fois
    ouvrir(m)  # une demande CAF où la CPAM n'est pas invitée
    connecter(client, m.referent_cpam_a)
    reponse = client.get(reverse("demandes:liste"), {"filtre": "toutes"})
    ordre = [d.pk for d in reponse.context["page_obj"]]
    assert ordre == [propres[2].pk, invitee.pk, propres[1].pk, deja_cpam.pk, propres[0].pk]
    assert reponse.context["page_obj"].paginator.count == 5
    a_traiter = next(o for o in reponse.context["onglets"] if o["code"] == "a_traiter")
    assert a_traiter["nombre"] == 5


def test_bombe_de_decompression_refusee_a_l_envoi(client, m):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.demandes.test_chiffrement import _odt_bombe

    connecter(client, m.conseiller_a1)
    bombe = SimpleUploadedFile("lettre.odt", _odt_bombe(30_000_000), "application/vnd.oasis.opendocument.text")
    reponse = client.post(reverse("demandes:nouvelle"), _formulaire(m, pieces_jointes=[bombe]))
    assert reponse.status_code == 200 and not Demande.objects.exists()
    erreur = reponse.context["form"].errors["pieces_jointes"][0]
    assert "« lettre.odt » est refusée" in erreur and "bombe de décompression" in erreur


def test_ouvrir_une_demande_compte_l_accompagnement_une_fois(client, m):
    from guichet.activite.models import Accompagnement, Resultat

    connecter(client, m.conseiller_a1)
    page = client.get(reverse("demandes:nouvelle"))
    identifiant = page.context["form"].initial["accompagnement"]
    assert 'id="id_duree"' in page.content.decode()
    donnees = _formulaire(m, accompagnement=identifiant)
    client.post(reverse("demandes:nouvelle"), donnees)
    client.post(reverse("demandes:nouvelle"), donnees)  # renvoyée (retour arrière, double clic)
    a = Accompagnement.objects.get()
    assert (a.pk, a.agent, a.structure, a.operateur, a.resultat) == (
        identifiant,
        m.conseiller_a1,
        m.a1,
        m.caf,
        Resultat.BACK_OFFICE,
    )
    assert (a.type_aide, a.duree) == ("demarche_en_ligne", "15_30")
    assert set(Demande.objects.values_list("accompagnement", flat=True)) == {identifiant}


def test_demande_ouverte_depuis_la_saisie_pre_remplie_sans_second_accompagnement(client, m):
    from guichet.activite import services as activite
    from guichet.activite.models import Accompagnement

    connecter(client, m.conseiller_a1)
    demarche = Demarche.objects.filter(operateur=m.caf).order_by("ordre").first()
    (ligne,) = activite.enregistrer_lot(
        m.conseiller_a1,
        [
            {
                "id": "0b5cbd1e-3c41-4a55-9a55-2a2f4f8d2a01",
                "structure": m.a1.pk,
                "operateur": "caf",
                "demarche": demarche.code,
                "type_aide": "demarche_en_ligne",
                "resultat": "back_office",
                "duree": "30_60",
            }
        ],
    )
    params = {"structure": m.a1.pk, "operateur": "caf", "demarche": demarche.code, "accompagnement": ligne.id}
    page = client.get(reverse("demandes:nouvelle"), params)
    form = page.context["form"]
    assert form.initial["operateur"] == m.caf and form.initial["objet"] == demarche
    assert form.accompagnement_saisi and "duree" not in form.fields
    assert "déjà compté dans votre activité" in page.content.decode()
    donnees = _formulaire(m, objet=demarche.pk, accompagnement=ligne.id)
    del donnees["type_aide"], donnees["duree"]
    reponse = client.post(reverse("demandes:nouvelle"), donnees)
    assert reponse.status_code == 302
    assert Accompagnement.objects.count() == 1
    assert Demande.objects.get().accompagnement_id == ligne.id
    # L'accompagnement d'un autre agent n'est ni repris ni rattaché : la page demande de le compter.
    connecter(client, m.conseiller_a2)
    form = client.get(reverse("demandes:nouvelle"), params).context["form"]
    assert not form.accompagnement_saisi and "duree" in form.fields


def test_fil_la_question_d_utilite_seulement_apres_une_reponse(client, m):
    demande = ouvrir(m)
    connecter(client, m.conseiller_a1)
    page = client.get(demande.get_absolute_url())
    assert "utile" not in page.context["actions"]["cloture"].fields
    assert "La réponse a-t-elle été utile" not in page.content.decode()
    services.ecrire(demande, m.referent_caf_a, "Voici la réponse")
    page = client.get(demande.get_absolute_url())
    assert "utile" in page.context["actions"]["cloture"].fields


def test_traitee_sans_message_demande_un_message_et_je_m_en_occupe_disparait(client, m):
    demande = ouvrir(m)
    connecter(client, m.referent_caf_a)
    assert "Je m'en occupe</button>" in client.get(demande.get_absolute_url()).content.decode()
    reponse = client.post(reverse("demandes:traitee", args=[demande.pk]), {"traitee-corps": ""})
    assert reponse.status_code == 400
    assert "Votre réponse à l&#x27;agent" in reponse.content.decode() and "autofocus" in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.traitee_le is None and demande.premiere_reponse_le is None
    client.post(reverse("demandes:prendre_en_charge", args=[demande.pk]))
    page = client.get(demande.get_absolute_url()).content.decode()
    assert "Je m'en occupe</button>" not in page and "Prise en charge par" in page
    client.post(reverse("demandes:traitee", args=[demande.pk]), {"traitee-corps": "Versement repris."})
    demande.refresh_from_db()
    assert demande.traitee_le is not None and demande.premiere_reponse_le == demande.traitee_le


def test_boite_recherche_et_filtres_marques(client, m):
    premiere = ouvrir(m)
    seconde = ouvrir(m, structure=m.a2, auteur=m.conseiller_a2, maintenant=timezone.now())
    services.prendre_en_charge(premiere, m.referent_caf_a)
    connecter(client, m.referent_caf_a)
    liste = reverse("demandes:liste")

    def numeros(**params):
        reponse = client.get(liste, {"filtre": "toutes", **params})
        assert reponse.status_code == 200
        return {d.pk for d in reponse.context["page_obj"]}, reponse.content.decode()

    assert numeros()[0] == {premiere.pk, seconde.pk}
    trouves, html = numeros(q=str(seconde.pk))
    assert trouves == {seconde.pk} and 'id="filtres-actifs"' in html
    assert numeros(q="A2")[0] == {seconde.pk}  # le nom de la structure
    assert numeros(q="Droits suspendus")[0] == set()  # la précision libre est chiffrée : jamais cherchée
    assert numeros(miennes="1")[0] == {premiere.pk}
    assert numeros(structure=str(m.a1.pk))[0] == {premiere.pk}
    assert numeros(echeance="depassee")[0] == {premiere.pk}  # ouverte un lundi de mars 2026
    assert numeros(echeance="24h")[0] == set()
    # Valeurs farfelues : ignorées, jamais d'erreur.
    assert numeros(structure="²", echeance="demain", q="x" * 500)[0] == set()
    # L'onglet choisi se voit et les liens des onglets gardent la recherche.
    _, html = numeros(q="A2")
    assert "guichet-tag--actif" in html and "q=A2" in html
