"""L'activité des structures : chaque accompagnement saisi, et les tableaux de bord qui en découlent."""
