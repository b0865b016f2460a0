"""Les statistiques d'activité :
agrégats des accompagnements, tableaux de bord à chaque échelle, exports."""
