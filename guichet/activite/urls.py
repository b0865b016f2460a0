app_name = "activite"
urlpatterns = []
