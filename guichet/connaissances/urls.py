app_name = "connaissances"
urlpatterns = []
