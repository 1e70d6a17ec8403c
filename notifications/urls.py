from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/resend/", views.outbox_resend, name="outbox_resend"),
    path("preview/<str:kind>/", views.outbox_preview, name="outbox_preview"),
    path("preview/<str:kind>/html/", views.outbox_preview_html, name="outbox_preview_html"),
]
