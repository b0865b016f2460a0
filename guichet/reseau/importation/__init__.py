"""L'import des structures : la liste nationale des France Services et le schéma des lieux de médiation.

`lecture` lit le fichier, `lignes` valide les champs communs, `national` et `lmn` les colonnes de chaque
format, `ecriture` enregistre ; `structures.importer` les enchaîne, `rapport` rend compte.
"""
