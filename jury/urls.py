from django.urls import path

from . import views

app_name = "jury"

urlpatterns = [
    path("editions/<slug:slug>/jury/", views.jury_members, name="members"),
    path(
        "editions/<slug:slug>/jury/members/<int:pk>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("editions/<slug:slug>/jury/rubric/", views.rubric, name="rubric"),
    path("editions/<slug:slug>/jury/conflicts/", views.conflicts, name="conflicts"),
    path(
        "editions/<slug:slug>/jury/conflicts/<int:pk>/lift/",
        views.lift_conflict,
        name="lift_conflict",
    ),
    path("editions/<slug:slug>/jury/assignments/", views.assignments, name="assignments"),
    path("editions/<slug:slug>/jury/progress/", views.progress, name="progress"),
    path(
        "editions/<slug:slug>/jury/assignments/<int:pk>/more-time/",
        views.more_time,
        name="more_time",
    ),
    path("editions/<slug:slug>/jury/progress/<int:pk>/remind/", views.remind, name="remind"),
    path("editions/<slug:slug>/jury/evaluations/<int:pk>/", views.reopen, name="evaluation"),
    path("jury/invitations/<str:token>/", views.invitation, name="invitation"),
    path("jury/", views.juror_home, name="home"),
    path("jury/current/", views.current_jury, name="current"),
    path("jury/assignments/<int:pk>/", views.score_entry, name="score"),
    path("jury/assignments/<int:pk>/autosave/", views.score_autosave, name="score_autosave"),
    path("jury/assignments/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path(
        "jury/assignments/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment,
        name="attachment",
    ),
]
