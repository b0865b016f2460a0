from guichet.pages.services import liens_du_pied


def pied(request):
    return {"liens_du_pied": liens_du_pied()}
