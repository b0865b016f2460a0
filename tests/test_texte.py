from guichet.texte import replier, sans_accents


def test_sans_accents_garde_la_casse_et_la_longueur_des_lettres_simples():
    assert sans_accents("Évry-Courcouronnes, Pré-demande à l'Île") == "Evry-Courcouronnes, Pre-demande a l'Ile"
    assert sans_accents("") == "" and sans_accents(None) == ""


def test_sans_accents_ramene_les_caracteres_de_compatibilite():
    assert sans_accents("ﬁche\u00a0n°1") == "fiche n°1"


def test_replier_en_minuscules_sans_accents():
    assert replier("SAINT-ÉTIENNE") == "saint-etienne"
    assert replier("Cœur") == "cœur"  # une ligature n'est pas un accent
