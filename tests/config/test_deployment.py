"""The production configuration and packaging, checked the way an operator would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_check_deploy_passes_with_production_values():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-like-secret-for-the-deploy-check-" + "z" * 10,
        "DJANGO_ALLOWED_HOSTS": "awards.example.org",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "0"

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_docker_compose_is_valid_against_the_compose_spec():
    result = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            "docker-compose.yml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_docker_compose_runs_every_service_with_a_health_check():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}
    assert all("healthcheck" in service for service in compose["services"].values())


def test_gunicorn_config_is_valid_and_used_by_the_image_and_compose():
    import yaml

    result = subprocess.run(
        [str(BIN / "gunicorn"), "--check-config", "--config", "gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "check-config-only"},
        capture_output=True,
        text=True,
        check=False,
    )
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "--config gunicorn.conf.py" in compose["services"]["web"]["command"]
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()


def test_gunicorn_limits_the_request_line_and_outlasts_the_pdf_budget(settings):
    import runpy

    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert (
        config["limit_request_line"],
        config["limit_request_fields"],
        config["limit_request_field_size"],
    ) == (4094, 100, 8190)
    # A PDF is refused before gunicorn would kill the worker rendering it.
    assert settings.PDF_RENDER_SECONDS < config["timeout"] == 30


def test_suite_runs_on_postgresql_when_services_are_required(postgresql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")
