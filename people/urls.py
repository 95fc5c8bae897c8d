from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.directory, name="directory"),
    path("people/import/", views.import_people, name="import"),
    path("people/<uuid:uid>/", views.person_detail, name="detail"),
    path("people/<uuid:uid>/manager/", views.change_manager, name="change_manager"),
    path("people/<uuid:uid>/level/", views.set_level, name="set_level"),
]
