"""Routage, fil, pièces jointes, journal d'audit, demandes en attente."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from guichet.demandes import destinataires, services
from guichet.demandes.models import Cote, Demande, Message, Nature, OperateurInvite, PieceJointe, Utilite
from guichet.journal.models import EntreeJournal
from tests.demandes.factories import LUNDI, SECRETS, donnees, ouvrir, pdf


def test_routage_vers_tous_les_referents_de_l_operateur_du_departement(m):
    demande = ouvrir(m)
    recus = set(destinataires.referents(demande.operateur_id, demande.departement_id))
    # Les deux référents CAF de A ; ni celui de B, ni la CPAM, ni le responsable (il reçoit les escalades).
    assert recus == {m.referent_caf_a, m.referent_caf_a2}
    assert set(destinataires.responsables(m.caf.pk, m.dep_a.pk)) == {m.responsable_caf_a}


def test_aucun_referent_dans_le_departement_refuse_l_envoi(m):
    with pytest.raises(services.AucunReferent, match="Aucun référent de la MSA pour Ain"):
        ouvrir(m, operateur=m.msa)
    # France Travail a un référent en A, aucun en B : la structure B ne peut pas lui écrire.
    with pytest.raises(services.AucunReferent):
        ouvrir(m, auteur=m.conseiller_b, structure=m.b, operateur=m.france_travail)
    assert not Demande.objects.exists()
    # Un référent désactivé ne compte pas.
    m.referent_ft_a.is_active = False
    m.referent_ft_a.save()
    with pytest.raises(services.AucunReferent):
        ouvrir(m, operateur=m.france_travail)


def test_seule_l_equipe_de_la_structure_ouvre_une_demande(m):
    for intrus in (m.conseiller_b, m.referent_caf_a, m.national, m.prefecture_a):
        with pytest.raises(PermissionDenied):
            ouvrir(m, auteur=intrus)
    assert ouvrir(m, auteur=m.gestionnaire_a1).auteur == m.gestionnaire_a1


def test_pieces_jointes_chiffrees_et_effacees_avec_la_demande(m):
    demande = ouvrir(m, pieces=[(pdf(), "justificatif.pdf", "application/pdf")])
    piece = PieceJointe.objects.get()
    assert (piece.nom, piece.type_mime, piece.taille) == ("justificatif.pdf", "application/pdf", len(pdf().read()))
    with default_storage.open(piece.fichier, "rb") as f:
        assert b"%PDF" not in f.read()
    assert "justificatif" not in piece.fichier
    demande.delete()
    assert not default_storage.exists(piece.fichier)


def test_fichiers_effaces_si_l_enregistrement_echoue(m, monkeypatch):
    ecrits = []
    original = services.enregistrer_chiffre

    def enregistrer(contenu, nom):
        ecrits.append(original(contenu, nom))
        return ecrits[-1]

    def casser(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(services, "enregistrer_chiffre", enregistrer)
    monkeypatch.setattr(services, "journaliser", casser)
    with pytest.raises(RuntimeError):
        ouvrir(m, pieces=[(pdf(), "a.pdf", "application/pdf")])
    assert ecrits and not any(default_storage.exists(nom) for nom in ecrits)
    assert not Demande.objects.exists()


def test_note_interne_reservee_aux_referents(m):
    demande = ouvrir(m)
    with pytest.raises(PermissionDenied):
        services.ecrire(demande, m.conseiller_a1, "note", interne=True)
    note = services.ecrire(demande, m.referent_caf_a, "à vérifier", interne=True)
    assert note.interne and note.cote == Cote.REFERENT and note.operateur == m.caf


def test_actions_reservees_a_un_cote(m):
    demande = ouvrir(m)
    for action in (services.prendre_en_charge, services.marquer_traitee):
        with pytest.raises(PermissionDenied):
            action(demande, m.conseiller_a1)
    with pytest.raises(PermissionDenied):
        services.cloturer(demande, m.referent_caf_a, Utilite.OUI)
    for intrus in (m.referent_cpam_a, m.referent_caf_b, m.conseiller_b, m.national):
        with pytest.raises(PermissionDenied):
            services.ecrire(demande, intrus, "bonjour")


def test_reorientation(m):
    demande = ouvrir(m)
    with pytest.raises(services.AucunReferent):
        services.rerouter(demande, m.referent_caf_a, m.msa)
    with pytest.raises(services.ActionImpossible, match="déjà adressée"):
        services.rerouter(demande, m.referent_caf_a, m.caf)
    services.rerouter(demande, m.referent_caf_a, m.cpam, "Relève de la CPAM")
    message = demande.messages.get(nature=Nature.PAS_LE_BON_INTERLOCUTEUR)
    assert message.operateur_cible == m.cpam and message.operateur == m.caf
    # Le référent CAF perd la demande ; le référent CPAM la reçoit.
    with pytest.raises(PermissionDenied):
        services.ecrire(demande, m.referent_caf_a, "encore moi")
    services.ecrire(demande, m.referent_cpam_a, "Je reprends")
    assert demande.premiere_reponse_le is not None


def test_invitation_d_un_autre_operateur(m):
    demande = ouvrir(m)
    with pytest.raises(PermissionDenied):
        services.ecrire(demande, m.referent_cpam_a, "pas encore invité")
    services.inviter(demande, m.referent_caf_a, m.cpam)
    assert OperateurInvite.objects.filter(demande=demande, operateur=m.cpam).exists()
    with pytest.raises(services.ActionImpossible, match="suivent déjà"):
        services.inviter(demande, m.referent_caf_a, m.cpam)
    with pytest.raises(services.AucunReferent):
        services.inviter(demande, m.referent_caf_a, m.msa)
    message = services.ecrire(demande, m.referent_cpam_a, "Vu côté CPAM")
    assert message.operateur == m.cpam
    # Un invité ne réoriente pas la demande de l'opérateur principal.
    with pytest.raises(PermissionDenied):
        services.rerouter(demande, m.referent_cpam_a, m.france_travail)


def test_demande_cloturee_ou_effacee(m):
    demande = ouvrir(m)
    services.cloturer(demande, m.conseiller_a1, Utilite.NON)
    with pytest.raises(services.ActionImpossible, match="clôturée"):
        services.ecrire(demande, m.referent_caf_a, "trop tard")
    with pytest.raises(services.ActionImpossible, match="clôturée"):
        services.cloturer(demande, m.conseiller_a1, Utilite.OUI)
    services.rouvrir(demande, m.conseiller_a1, "Pas réglé")
    with pytest.raises(services.ActionImpossible, match="déjà ouverte"):
        services.rouvrir(demande, m.conseiller_a1, "encore")
    services.ecrire(demande, m.referent_caf_a, "Voici la réponse")
    with pytest.raises(services.ActionImpossible, match="utile"):
        services.cloturer(demande, m.conseiller_a1, "peut-être")
    services.cloturer(demande, m.conseiller_a1, Utilite.OUI)
    demande.effacer_donnees_personnelles()
    assert demande.usager_nom is None and not demande.messages.filter(corps__isnull=False).exists()
    with pytest.raises(services.ActionImpossible, match="effacées"):
        services.rouvrir(demande, m.conseiller_a1, "encore")


def test_journal_d_audit_sans_donnee_personnelle(m):
    demande = ouvrir(m, pieces=[(pdf(), "a.pdf", "application/pdf")])
    services.ecrire(demande, m.referent_caf_a, "Réponse avec Dupontel dedans")
    services.cloturer(demande, m.conseiller_a1, Utilite.OUI)
    entrees = list(EntreeJournal.objects.filter(objet_type="demandes.demande", objet_id=str(demande.pk)))
    assert [e.action for e in sorted(entrees, key=lambda e: e.numero)] == ["creation", "modification", "modification"]
    assert {e.acteur for e in entrees} == {m.conseiller_a1, m.referent_caf_a}
    texte = " ".join(str(e.details) for e in entrees)
    assert not any(secret in texte for secret in SECRETS)


def test_demandes_en_attente_pour(m):
    nouvelle = ouvrir(m)
    repondue = ouvrir(m)
    services.ecrire(repondue, m.referent_caf_a, "Réponse")
    relancee = ouvrir(m)
    services.ecrire(relancee, m.referent_caf_a, "Réponse")
    services.ecrire(relancee, m.conseiller_a1, "Mais encore ?")
    traitee = ouvrir(m)
    services.marquer_traitee(traitee, m.referent_caf_a, "Dossier régularisé.")
    close = ouvrir(m)
    services.cloturer(close, m.conseiller_a1, Utilite.OUI)
    autre_structure = ouvrir(m, auteur=m.conseiller_a2, structure=m.a2)
    cpam = ouvrir(m, operateur=m.cpam)

    assert set(services.demandes_en_attente_pour(m.conseiller_a1)) == {repondue, traitee}
    assert set(services.demandes_en_attente_pour(m.gestionnaire_a1)) == {repondue, traitee}
    assert set(services.demandes_en_attente_pour(m.referent_caf_a)) == {nouvelle, relancee, autre_structure}
    assert set(services.demandes_en_attente_pour(m.referent_cpam_a)) == {cpam}
    assert not services.demandes_en_attente_pour(m.referent_caf_b).exists()
    assert not services.demandes_en_attente_pour(m.national).exists()
    # Invité, le référent CPAM voit aussi la demande CAF qui attend une réponse.
    services.inviter(nouvelle, m.referent_caf_a, m.cpam)
    assert set(services.demandes_en_attente_pour(m.referent_cpam_a)) == {cpam, nouvelle}


def test_message_enregistre_avec_l_auteur_et_le_cote(m):
    demande = ouvrir(m)
    envoi = Message.objects.get(demande=demande)
    assert (envoi.nature, envoi.cote, envoi.auteur) == (Nature.ENVOI, Cote.AGENT, m.conseiller_a1)
    assert envoi.cree_le == LUNDI
    assert donnees()["usager_nom"] == Demande.objects.get().usager_nom


def test_premiere_reponse_un_message_a_l_agent_pas_un_clic(m):
    demande = ouvrir(m)
    services.prendre_en_charge(demande, m.referent_caf_a)
    assert demande.premiere_reponse_le is None and demande.prise_en_charge_par == m.referent_caf_a
    # « Traitée » sans message : refusé, rien n'est écrit.
    with pytest.raises(services.ActionImpossible, match="sans message"):
        services.marquer_traitee(demande, m.referent_caf_a, "  ")
    assert not demande.messages.filter(nature=Nature.TRAITEE).exists()
    # Une note interne n'est pas une réponse à l'agent.
    services.ecrire(demande, m.referent_caf_a, "à vérifier", interne=True)
    demande.refresh_from_db()
    assert demande.premiere_reponse_le is None
    message = services.marquer_traitee(demande, m.referent_caf_a, "Le dossier est régularisé.")
    assert demande.premiere_reponse_le == message.cree_le


def test_cloture_sans_reponse_ne_demande_pas_l_utilite(m):
    demande = ouvrir(m)
    services.cloturer(demande, m.conseiller_a1, Utilite.OUI, "Réglé au guichet")
    demande.refresh_from_db()
    assert demande.cloturee_le is not None and demande.utile == ""
