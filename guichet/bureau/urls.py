app_name = "bureau"
urlpatterns = []
