app_name = "statistiques"
urlpatterns = []
