from django.contrib import admin
from django.urls import include, path

from showcase import views as showcase_views
from showcase.api import public_urls as api_urls

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("outbox/", include("notifications.urls")),
    path("api/docs", showcase_views.api_docs, name="api_docs"),
    path("api/", api_urls()),
    path("", include("showcase.urls")),
    path("", include("jury.urls")),
    path("", include("awards.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
# A database out of reach for a moment is a 503 that says to try again, not a 500.
handler500 = "core.unavailable.server_error"
