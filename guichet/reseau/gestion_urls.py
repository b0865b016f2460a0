app_name = "gestion"
urlpatterns = []
