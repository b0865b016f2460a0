"""Le mandat de l'usager : recueilli avec la preuve de son accord, vérifié avant d'agir (portée, durée,
révocation), révocable à tout moment par l'usager seul avec son code ; le reçu est un vrai PDF ; la
vérification par un référent ne montre rien de l'usager ; tout est journalisé."""

import base64
import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from guichet.comptes.models import Role
from guichet.demarches.models import Demarche
from guichet.journal.models import EntreeJournal
from guichet.mandats import services
from guichet.mandats.models import Etat, Mandat
from guichet.temps import jour_local
from tests.comptes.conftest import connecter
from tests.comptes.factories import HabilitationFactory, UtilisateurFactory
from tests.pdf import pages_du_pdf, texte_du_pdf
from tests.reseau.factories import OperateurFactory, StructureFactory

AUJOURD_HUI = jour_local(timezone.now())
NAISSANCE = datetime.date(1958, 3, 14)


def _png() -> str:
    # Une vraie image PNG (1×1), comme celle qu'envoie la toile de signature.
    brut = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    return "data:image/png;base64," + base64.b64encode(brut).decode()


def _habilite(role, **kwargs):
    user = UtilisateurFactory()
    HabilitationFactory(utilisateur=user, role=role, **kwargs)
    return user


@pytest.fixture
def monde(db):
    structure = StructureFactory()
    autre_structure = StructureFactory()
    caf = OperateurFactory(code="caf", nom="Les Allocations familiales", national=True)
    cpam = OperateurFactory(code="cpam", nom="L'Assurance Maladie", national=True)
    prime, _ = Demarche.objects.get_or_create(operateur=caf, code="essai-prime", defaults={"libelle": "Prime d'essai"})
    apl, _ = Demarche.objects.get_or_create(operateur=caf, code="essai-aide", defaults={"libelle": "Aide d'essai"})
    conseiller = _habilite(Role.CONSEILLER, structure=structure)
    conseiller_autre = _habilite(Role.CONSEILLER, structure=autre_structure)
    referent = _habilite(Role.REFERENT, operateur=caf, departement=structure.commune.departement)
    return locals()


def _recueillir(monde, **changement):
    arguments = {
        "agent": monde["conseiller"],
        "structure": monde["structure"],
        "nom": "Durand",
        "prenom": "Josiane",
        "date_naissance": NAISSANCE,
        "email": "josiane.durand@example.fr",
        "operateurs": [monde["caf"]],
        "demarches": [monde["prime"]],
        "duree": Mandat.Duree.PERIODE,
        "consentement": Mandat.Consentement.CASE,
        "attestation": True,
    } | changement
    return services.recueillir(**arguments)


def test_un_mandat_recueilli_a_une_reference_un_code_et_une_identite_chiffree(monde):
    recueilli = _recueillir(monde)
    mandat = recueilli.mandat
    assert mandat.reference.startswith("M-") and len(mandat.reference) == 11
    assert mandat.etat() == Etat.VALIDE
    assert mandat.fin == datetime.date(AUJOURD_HUI.year + 1, AUJOURD_HUI.month, AUJOURD_HUI.day) - datetime.timedelta(
        days=1
    ) or (AUJOURD_HUI.month == 2 and AUJOURD_HUI.day == 29)
    assert mandat.code_correct(recueilli.code_revocation)
    assert mandat.code_correct(recueilli.code_revocation.lower().replace("-", " "))
    assert not mandat.code_correct("AAAA-BBBB-CCCC")
    with connection.cursor() as curseur:
        curseur.execute("SELECT usager_nom, code_revocation FROM mandats_mandat WHERE id = %s", [mandat.pk])
        nom_brut, code_brut = curseur.fetchone()
    assert "Durand" not in nom_brut and recueilli.code_revocation not in code_brut
    entree = EntreeJournal.objects.get(action="creation", objet_type="mandats.mandat")
    assert "Durand" not in str(entree.details) and entree.details["operateurs"] == ["caf"]


@pytest.mark.parametrize(
    "changement, champ, message",
    [
        ({"nom": " "}, "nom", "nom"),
        ({"date_naissance": AUJOURD_HUI}, "date_naissance", "passée"),
        ({"operateurs": []}, "operateurs", "au moins un opérateur"),
        ({"demarches": ["apl-cpam"]}, "demarches", "n'est pas d'un des opérateurs"),
        ({"fin": AUJOURD_HUI + datetime.timedelta(days=400)}, "fin", "au plus jusqu'au"),
        ({"duree": Mandat.Duree.DEMARCHE, "fin": AUJOURD_HUI + datetime.timedelta(days=120)}, "fin", "au plus"),
        ({"fin": AUJOURD_HUI - datetime.timedelta(days=1)}, "fin", "passée"),
        ({"attestation": False}, "attestation", "Attestez"),
        ({"consentement": Mandat.Consentement.SIGNATURE, "signature": ""}, "signature", "Faites signer"),
        (
            {
                "consentement": Mandat.Consentement.SIGNATURE,
                "signature": "data:image/png;base64," + base64.b64encode(b"<script>alert(1)</script>").decode(),
            },
            "signature",
            "n'est pas une image",
        ),
        ({"consentement": Mandat.Consentement.PAPIER}, "formulaire", "Joignez"),
        (
            {
                "consentement": Mandat.Consentement.PAPIER,
                "formulaire": SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 pas un pdf", content_type="application/pdf"),
            },
            "formulaire",
            "type accepté",
        ),
    ],
)
def test_un_mandat_invalide_n_est_pas_enregistre(monde, changement, champ, message):
    if changement.get("demarches") == ["apl-cpam"]:
        changement["demarches"] = [Demarche.objects.create(operateur=monde["cpam"], code="essai-c2s", libelle="C2S")]
    with pytest.raises(ValidationError) as erreur:
        _recueillir(monde, **changement)
    erreurs = erreur.value.message_dict if hasattr(erreur.value, "error_dict") else {champ: erreur.value.messages}
    assert champ in erreurs and message in " ".join(erreurs[champ])
    assert not Mandat.objects.exists()


def test_signature_et_formulaire_papier_sont_gardes_chiffres(monde):
    signe = _recueillir(monde, consentement=Mandat.Consentement.SIGNATURE, signature=_png()).mandat
    assert signe.signature.endswith(".chiffre")
    scan = SimpleUploadedFile("mandat.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    papier = _recueillir(monde, consentement=Mandat.Consentement.PAPIER, formulaire=scan).mandat
    assert papier.formulaire_signe.endswith(".chiffre") and papier.formulaire_type == "application/pdf"


@pytest.mark.parametrize(
    "jour, mois, attendu",
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
    ],
)
def test_ajouter_des_mois_reste_sur_une_date_qui_existe(jour, mois, attendu):
    assert services.ajouter_mois(jour, mois) == attendu


def test_la_portee_est_verifiee_avant_d_agir(monde):
    mandat = _recueillir(monde).mandat
    services.verifier(mandat, monde["caf"], monde["prime"])
    with pytest.raises(services.MandatRefuse, match=f"ne couvre pas {monde['cpam'].nom}"):
        services.verifier(mandat, monde["cpam"])
    with pytest.raises(services.MandatRefuse, match="ne couvre pas la démarche « Aide d'essai »"):
        services.verifier(mandat, monde["caf"], monde["apl"])
    with pytest.raises(services.MandatRefuse, match="a pris fin le"):
        services.verifier(mandat, monde["caf"], monde["prime"], jour=mandat.fin + datetime.timedelta(days=1))
    tout_caf = _recueillir(monde, demarches=[]).mandat
    services.verifier(tout_caf, monde["caf"], monde["apl"])


def test_un_mandat_pour_une_seule_demarche_ne_sert_qu_une_fois(monde):
    mandat = _recueillir(monde, duree=Mandat.Duree.DEMARCHE).mandat
    assert mandat.fin == services.ajouter_mois(AUJOURD_HUI, 3) - datetime.timedelta(days=1)
    services.utiliser(mandat, auteur=monde["conseiller"], operateur=monde["caf"], demarche=monde["prime"])
    mandat.refresh_from_db()
    assert mandat.etat() == Etat.UTILISE
    with pytest.raises(services.MandatRefuse, match="une seule démarche, déjà faite"):
        services.utiliser(mandat, auteur=monde["conseiller"], operateur=monde["caf"], demarche=monde["prime"])
    assert EntreeJournal.objects.filter(action="utilisation", objet_type="mandats.mandat").count() == 1


def test_l_usager_revoque_seul_avec_son_code_et_c_est_immediat(monde):
    recueilli = _recueillir(monde)
    mandat = recueilli.mandat
    with pytest.raises(services.MandatRefuse, match="incorrect"):
        services.revoquer_par_code(mandat.reference, "ZZZZ-ZZZZ-ZZZZ")
    with pytest.raises(services.MandatRefuse, match="incorrect"):
        services.revoquer_par_code("M-2222-2222", recueilli.code_revocation)  # référence inconnue : même message
    mandat.refresh_from_db()
    assert mandat.etat() == Etat.VALIDE
    services.revoquer_par_code(mandat.reference.lower(), recueilli.code_revocation)
    mandat.refresh_from_db()
    assert mandat.etat() == Etat.REVOQUE and mandat.revoque_par_usager
    with pytest.raises(services.MandatRefuse, match="révoqué le"):
        services.utiliser(mandat, auteur=monde["conseiller"], operateur=monde["caf"])
    entree = EntreeJournal.objects.get(action="revocation", objet_type="mandats.mandat")
    assert entree.acteur is None and entree.details == {"par_usager": True}


def test_les_essais_en_serie_sont_bloques(monde):
    recueilli = _recueillir(monde)
    for _ in range(services.ESSAIS_PAR_HEURE):
        with pytest.raises(services.MandatRefuse, match="incorrect"):
            services.revoquer_par_code(recueilli.mandat.reference, "AAAA-AAAA-AAAA")
    with pytest.raises(services.MandatRefuse, match="Trop d'essais"):
        services.revoquer_par_code(recueilli.mandat.reference, recueilli.code_revocation)
    recueilli.mandat.refresh_from_db()
    assert recueilli.mandat.revoque_le is None


def _donnees_formulaire(monde, **changement):
    return {
        "structure": monde["structure"].pk,
        "nom": "Durand",
        "prenom": "Josiane",
        "date_naissance": "1958-03-14",
        "email": "josiane.durand@example.fr",
        "operateurs": [monde["caf"].pk],
        "demarches": [monde["prime"].pk],
        "duree": "periode",
        "fin": "",
        "consentement": "case",
        "attestation": "on",
        "signature": "",
    } | changement


def test_le_conseiller_recueille_remet_le_recu_puis_le_code_disparait(client, monde):
    connecter(client, monde["conseiller"])
    reponse = client.post("/espace/mandats/nouveau/", _donnees_formulaire(monde))
    mandat = Mandat.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == f"/espace/mandats/{mandat.reference}/recu/"
    page = client.get(reponse["Location"]).content.decode()
    code = page.split("Code de révocation : <strong>")[1].split("<")[0]
    assert mandat.code_correct(code)
    pdf = client.get(f"/espace/mandats/{mandat.reference}/recu.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert len(pages_du_pdf(pdf.content)) == 1
    texte = texte_du_pdf(pdf.content)
    assert mandat.reference in texte and code in texte and "Prime d'essai" in texte and "RÉPUBLIQUE" in texte
    client.post(f"/espace/mandats/{mandat.reference}/recu/envoyer/")
    assert mail.outbox[-1].to == ["josiane.durand@example.fr"] and mandat.reference in mail.outbox[-1].subject
    assert mail.outbox[-1].attachments[0][0] == f"recu-{mandat.reference}.pdf"
    client.post(f"/espace/mandats/{mandat.reference}/recu/termine/")
    assert code not in client.get(f"/espace/mandats/{mandat.reference}/recu/").content.decode()
    assert client.get(f"/espace/mandats/{mandat.reference}/recu.pdf").status_code == 404


def test_le_formulaire_papier_pre_rempli_est_un_pdf_et_n_enregistre_rien(client, monde):
    connecter(client, monde["conseiller"])
    reponse = client.post("/espace/mandats/nouveau/", _donnees_formulaire(monde, formulaire_papier="1"))
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    pages_du_pdf(reponse.content)
    assert "Josiane Durand" in texte_du_pdf(reponse.content)
    assert not Mandat.objects.exists()


def test_une_erreur_du_formulaire_nomme_le_champ_et_garde_la_saisie(client, monde):
    connecter(client, monde["conseiller"])
    reponse = client.post(
        "/espace/mandats/nouveau/", _donnees_formulaire(monde, attestation="", date_naissance="1958-02-30")
    )
    contenu = reponse.content.decode()
    assert reponse.status_code == 400 and "Saisissez une date qui existe" in contenu
    assert 'value="Durand"' in contenu
    assert not Mandat.objects.exists()


def test_qui_voit_quoi(client, monde):
    mandat = _recueillir(monde).mandat
    connecter(client, monde["conseiller_autre"])
    assert client.get(f"/espace/mandats/{mandat.reference}/").status_code == 404
    assert client.post(f"/espace/mandats/{mandat.reference}/revoquer/").status_code == 404
    assert client.get("/espace/mandats/verifier/").status_code == 403
    connecter(client, monde["referent"])
    assert client.get("/espace/mandats/").status_code == 403
    assert client.get(f"/espace/mandats/{mandat.reference}/").status_code == 403
    page = client.get("/espace/mandats/verifier/", {"reference": mandat.reference.lower()}).content.decode()
    assert "Valide" in page and "Prime d&#x27;essai" in page and monde["structure"].nom in page
    assert "Durand" not in page and "Josiane" not in page and "1958" not in page
    assert client.get("/espace/mandats/verifier/", {"reference": "M-2222-2222"}).status_code == 404
    mandat.refresh_from_db()
    assert mandat.revoque_le is None


def test_la_page_publique_de_revocation(client, monde):
    recueilli = _recueillir(monde)
    reponse = client.post("/mandat/revoquer/", {"reference": recueilli.mandat.reference, "code": "faux"})
    assert reponse.status_code == 400 and "incorrect" in reponse.content.decode()
    reponse = client.post(
        "/mandat/revoquer/", {"reference": recueilli.mandat.reference, "code": recueilli.code_revocation}
    )
    assert reponse.status_code == 200 and "est révoqué" in reponse.content.decode()
    recueilli.mandat.refresh_from_db()
    assert recueilli.mandat.etat() == Etat.REVOQUE


def test_le_conseiller_revoque_a_la_demande_de_l_usager(client, monde):
    mandat = _recueillir(monde).mandat
    connecter(client, monde["conseiller"])
    assert client.post(f"/espace/mandats/{mandat.reference}/revoquer/").status_code == 302
    mandat.refresh_from_db()
    assert mandat.etat() == Etat.REVOQUE and not mandat.revoque_par_usager
    entree = EntreeJournal.objects.get(action="revocation")
    assert entree.acteur == monde["conseiller"]
