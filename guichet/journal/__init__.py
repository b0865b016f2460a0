"""Le journal d'audit : chaque lecture et écriture d'une donnée sensible, en chaîne signée et ancrée."""
