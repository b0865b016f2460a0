"""Ce que l'activité annonce aux applications qui la lisent (les statistiques), sans les connaître.

`Accompagnement.save()` et `delete()` envoient les signaux de Django ; une écriture en masse
(`bulk_create`) n'en envoie pas : elle annonce `accompagnements_crees`.
"""

from django.dispatch import Signal

# Envoyé après la création en masse d'accompagnements. Argument : `immediat` (bool) — vrai quand
# l'appelant veut des agrégats à jour aussitôt (démonstration), faux pour une actualisation en
# tâche de fond (saisie, API).
accompagnements_crees = Signal()
