"""Le catalogue des démarches par opérateur et des événements de vie.

Des données, partagées par l'activité, les demandes et le bureau."""
