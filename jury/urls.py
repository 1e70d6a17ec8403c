from django.urls import path

from . import views

app_name = "jury"

urlpatterns = [
    path("editions/<slug:slug>/jury/", views.jury_members, name="members"),
    path("jury/invitations/<str:token>/", views.invitation, name="invitation"),
]
