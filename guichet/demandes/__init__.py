"""Les demandes au back-office des opérateurs : messagerie sécurisée et engagement de réponse en 72 h."""
