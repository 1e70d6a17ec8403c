import json

import pytest
from django.urls import reverse

from tests import services

pytestmark = pytest.mark.django_db


def test_healthz_without_broker_reports_database(client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "not configured"},
    }


def test_healthz_broker_down_is_503(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{services.free_port()}/0"

    response = _get_with_broker(client, settings.CELERY_BROKER_URL)

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


@pytest.mark.services
def test_healthz_broker_up_is_200(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url

    response = _get_with_broker(client, redis_url)

    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["broker"] == "ok"


def _get_with_broker(client, url):
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = url
    try:
        return client.get(reverse("healthz"))
    finally:
        app.conf.broker_url = previous
