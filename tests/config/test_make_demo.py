"""`make demo` as a newcomer runs it: its seed step in a process of its own, on a SQLite file."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# subject → recipient: link
MAIL_LINE = re.compile(r"^(?P<subject>.+) → (?P<to>\S+@\S+): (?P<link>\S+)$")


def make(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    # A fresh machine's defaults: no database, mail or site address configured. `-o setup`
    # because the virtual environment running this test is the one to use (BIN).
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "EMAIL_URL", "SITE_URL", "DJANGO_ALLOWED_HOSTS"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "setup", f"BIN={BIN}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def run_python(code: str, unset: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess:
    """`code` run by this Python in a process of its own, with the environment changed."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in unset}, **env},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.services
def test_make_demo_seed_step_prints_one_line_per_mail_with_links_on_its_port(tmp_path):
    result = make("demo-data", "PORT=8100", tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    mails = [MAIL_LINE.match(line) for line in lines if " → " in line]
    # Receipts, partner requests and decisions of the three editions, invitations, a reminder,
    # and the results of the published edition to its applicants and partners (12).
    assert len(mails) == 49
    assert all(mails), [line for line in lines if " → " in line]
    assert all(m["link"].startswith("http://127.0.0.1:8100/") for m in mails)
    partners = {m["to"]: m for m in mails if "/partners/" in m["link"]}
    assert {"cooperation@tetouan.example", "salma@chefchaouen.example"} <= set(partners)
    link = partners["salma@chefchaouen.example"]["link"]
    assert resolve(link.removeprefix("http://127.0.0.1:8100")).url_name == "partner_respond"
    # No raw message, no task or broker chatter: the mails, then the logins, last.
    assert not [line for line in lines if line.startswith(("Content-Type:", "Task "))]
    assert "No hostname was supplied" not in result.stderr
    assert lines[-7] == "Logins (role, email, interface language, password):"
    roles = [line.split()[0] for line in lines[-6:]]
    assert roles == ["secretariat", "jury", "juror", "juror", "applicant", "applicant"]


def test_make_demo_serves_and_links_on_the_host_and_port_given(tmp_path):
    result = make("-n", "demo", "HOST=192.0.2.10", "PORT=8100", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line]
    address = "SITE_URL=http://192.0.2.10:8100 EMAIL_URL=onelinemail://"
    assert commands == [
        f"{BIN}/python manage.py migrate --no-input",
        f"{address} {BIN}/python manage.py seed_demo",
        f"{address} {BIN}/python manage.py runserver 192.0.2.10:8100",
    ]


PRINT_ALLOWED_HOSTS = (
    "import django; django.setup(); from django.conf import settings; "
    "print(' '.join(settings.ALLOWED_HOSTS))"
)
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


@pytest.mark.parametrize(
    ("site_url", "hosts"),
    [
        ("http://192.0.2.10:8100", [*LOCAL_HOSTS, "192.0.2.10"]),
        ("http://awards.local:8000", [*LOCAL_HOSTS, "awards.local"]),
        ("http://[::1]:8100", LOCAL_HOSTS),
        ("http://127.0.0.1:8000", LOCAL_HOSTS),
    ],
)
def test_debug_site_accepts_the_host_of_its_site_url(site_url, hosts):
    result = run_python(
        PRINT_ALLOWED_HOSTS, unset=("DJANGO_ALLOWED_HOSTS",), DJANGO_DEBUG="1", SITE_URL=site_url
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == hosts


def test_a_task_run_in_process_leaves_the_console_to_its_caller():
    # No broker configured: the task runs in-process, as in the demo.
    code = "\n".join(
        [
            "import django",
            "django.setup()",
            "from celery import shared_task",
            "@shared_task(name='probe')",
            "def probe():",
            "    return 'done'",
            "print(probe.delay().get())",
        ]
    )

    result = run_python(code, CELERY_BROKER_URL="")

    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("done\n", "")
