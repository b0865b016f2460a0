"""La base de connaissances : les fiches « vos droits » de service-public.fr et leur recherche."""
