from guichet import permissions


def roles(request):
    """Les rôles de l'utilisateur connecté, pour afficher ses entrées de menu."""
    return {"roles_utilisateur": permissions.roles(getattr(request, "user", None))}
