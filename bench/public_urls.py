"""The site's URLs and `/bench/bare/`: a response with no query and no template, through the
same middleware as every page."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


@login_not_required
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
