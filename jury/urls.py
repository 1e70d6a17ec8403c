from django.urls import path

from . import views

app_name = "jury"

urlpatterns = [
    path("editions/<slug:slug>/jury/", views.jury_members, name="members"),
    path("jury/invitations/<str:token>/", views.invitation, name="invitation"),
    path("jury/", views.juror_home, name="home"),
    path("jury/assignments/<int:pk>/", views.score_entry, name="score"),
    path("jury/assignments/<int:pk>/autosave/", views.score_autosave, name="score_autosave"),
]
