def roles(request):
    """Les rôles de l'utilisateur connecté, pour afficher ses entrées de menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles_utilisateur": set()}
    return {"roles_utilisateur": {h.role for h in user.habilitations.all()}}
