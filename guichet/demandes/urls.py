app_name = "demandes"
urlpatterns = []
