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
    path("editions/<slug:slug>/jury/ranking/", views.ranking, name="ranking"),
    path(
        "editions/<slug:slug>/jury/ranking/settings/",
        views.ranking_settings,
        name="ranking_settings",
    ),
    path("editions/<slug:slug>/jury/shortlist/", views.shortlist, name="shortlist"),
    path("editions/<slug:slug>/jury/shortlist/undo/", views.undo_shortlist, name="undo_shortlist"),
    path("editions/<slug:slug>/jury/board/", views.board, name="board"),
    path("editions/<slug:slug>/jury/board/current/", views.board_current, name="board_current"),
    path("editions/<slug:slug>/jury/board/discuss/", views.discuss, name="discuss"),
    path("editions/<slug:slug>/jury/round-two/", views.round_two, name="round_two"),
    path("editions/<slug:slug>/jury/board/notes/", views.meeting_note, name="meeting_note"),
    path("editions/<slug:slug>/jury/ballot/", views.ballot, name="ballot"),
    path("editions/<slug:slug>/jury/ballot/open/", views.ballot_open, name="ballot_open"),
    path("editions/<slug:slug>/jury/ballot/close/", views.ballot_close, name="ballot_close"),
    path("editions/<slug:slug>/jury/decision/", views.decision, name="decision"),
    path(
        "editions/<slug:slug>/jury/decision/prizes/<int:pk>/remove/",
        views.remove_prize,
        name="remove_prize",
    ),
    path("editions/<slug:slug>/jury/decision/joint/", views.joint_prizes, name="joint_prizes"),
    path("editions/<slug:slug>/jury/decision/confirm/", views.confirm_decision, name="confirm"),
    path("editions/<slug:slug>/jury/decision/reopen/", views.reopen_decision, name="reopen"),
    path("editions/<slug:slug>/jury/exports/", views.exports, name="exports"),
    path("editions/<slug:slug>/jury/report/", views.report, name="report"),
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
