from ninja import NinjaAPI

api = NinjaAPI(
    title="API guichet",
    version="1",
    description="Les structures France Services : recherche par proximité et fiche d'une structure.",
    urls_namespace="api",
)
