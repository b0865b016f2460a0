from datetime import UTC, date, datetime

from guichet.temps import PARIS, a_paris, bornes, bornes_du_jour, debut_du_jour, jour_local


def test_debut_du_jour_a_minuit_heure_de_paris_ete_comme_hiver():
    assert debut_du_jour(date(2026, 1, 15)).astimezone(UTC) == datetime(2026, 1, 14, 23, tzinfo=UTC)
    assert debut_du_jour(date(2026, 7, 15)).astimezone(UTC) == datetime(2026, 7, 14, 22, tzinfo=UTC)


def test_bornes_d_un_jour_de_changement_d_heure():
    debut, fin = bornes_du_jour(date(2026, 3, 29))
    assert (fin.astimezone(UTC) - debut.astimezone(UTC)).total_seconds() == 23 * 3600
    assert bornes(date(2026, 3, 1), date(2026, 3, 31)) == (
        debut_du_jour(date(2026, 3, 1)),
        debut_du_jour(date(2026, 4, 1)),
    )


def test_jour_local_d_un_instant_utc_tardif():
    assert jour_local(datetime(2026, 7, 14, 22, 30, tzinfo=UTC)) == date(2026, 7, 15)


def test_un_moment_naif_est_l_heure_de_paris():
    assert a_paris(datetime(2026, 1, 5, 10)) == datetime(2026, 1, 5, 10, tzinfo=PARIS)
    assert a_paris(datetime(2026, 1, 5, 9, tzinfo=UTC)) == datetime(2026, 1, 5, 10, tzinfo=PARIS)
