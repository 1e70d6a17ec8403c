"""The people of bench/load.py, for locust: jurors scoring with autosave, applicants editing
drafts with autosave, visitors on the gallery, and the bare view beside them.

Each request is the one the browser sends: forms read from the page (the CSRF token included),
autosaves posted as htmx posts them (every field of the form, the X-CSRFToken header from
`data-hx-headers`, the HX-* headers, the version the page carries and the one each save sends
back). Reads the plan bench/load.py wrote (LOAD_PLAN); when the test stops, writes to
LOAD_RESULTS what each assignment and entry was sent, what the server acknowledged, and every
5xx with its request.
"""

import json
import os
import random
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

from locust import HttpUser, LoadTestShape, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
COUNTS = PLAN["counts"]
# htmx saves 3 seconds after the last keystroke ("input delay:3s"): a juror typing on saves
# every 3 to 6 seconds.
TYPING = between(3, 6)
SAVED = "Draft saved at"

_jurors = iter(PLAN["jurors"])
_applicants = iter(PLAN["applicants"])
STATE: dict = {
    "signed_in": 0,
    "window": [None, None],
    # Per assignment (and per entry): the last values acknowledged, those sent since without
    # an answer, and the submission.
    "assignments": {},
    "entries": {},
    "statuses": defaultdict(Counter),
    "server_errors": 0,
    "server_error_samples": [],
}


def _secure_cookies_over_loopback(policy, cookie, request) -> bool:
    """Django believes the requests come over HTTPS (X-Forwarded-Proto, as from production's
    TLS-terminating proxy) and marks its session and CSRF cookies Secure; a browser sends them
    back over TLS, so this process sends them back over loopback. (requests copies each
    session's cookies into a jar of the default policy for every request: the policy of this
    process it is.)"""
    return True


DefaultCookiePolicy.return_ok_secure = _secure_cookies_over_loopback


class Page(HTMLParser):
    """The forms of a page (the fields a browser would send) and the body's htmx headers."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.hx_headers: dict = {}
        self._in_form = False
        self._textarea: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body" and attributes.get("data-hx-headers"):
            self.hx_headers = json.loads(attributes["data-hx-headers"])
        elif tag == "form":
            self.forms.append({"attrs": attributes, "fields": []})
            self._in_form = True
        elif not self._in_form or not attributes.get("name"):
            return
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "file") or (
                kind in ("checkbox", "radio") and "checked" not in attributes
            ):
                return
            value = attributes.get("value") or ("on" if kind == "checkbox" else "")
            self.forms[-1]["fields"].append((attributes["name"], value))
        elif tag == "textarea":
            self._textarea = [attributes["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            self.forms[-1]["fields"].append(tuple(self._textarea))
            self._textarea = None

    def form(self, attribute: str) -> dict:
        return next(f for f in self.forms if attribute in f["attrs"])


class SiteUser(HttpUser):
    """Someone with a browser on the site, behind the proxy as far as Django knows."""

    abstract = True

    def on_start(self) -> None:
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + self.host.split("://", 1)[1]

    def htmx_post(self, url: str, fields: list, page: str, csrf: dict, name: str):
        headers = {
            **csrf,
            "HX-Request": "true",
            "HX-Current-URL": self.origin + page,
            "HX-Target": "autosave-status",
            "Origin": self.origin,
            "Referer": self.origin + page,
        }
        return self.client.post(url, data=fields, headers=headers, name=name, catch_response=True)

    def sign_in(self, email: str) -> bool:
        page = Page(self.client.get("/accounts/sign-in/", name="sign-in page").text)
        token = dict(page.form("method")["fields"])["csrfmiddlewaretoken"]
        fields = {
            "csrfmiddlewaretoken": token,
            "next": "",
            "username": email,
            "password": PLAN["password"],
        }
        headers = {"Origin": self.origin, "Referer": self.origin + "/accounts/sign-in/"}
        with self.client.post(
            "/accounts/sign-in/",
            data=fields,
            headers=headers,
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                return False
        return True


class Visitor(SiteUser):
    """Someone on the public gallery: the list, then entries."""

    fixed_count = COUNTS["visitors"]
    wait_time = between(1, 3)

    @task
    def gallery(self) -> None:
        self.client.get("/gallery/", name="gallery")

    @task(2)
    def entry_page(self) -> None:
        self.client.get(f"/gallery/{random.choice(PLAN['gallery'])}/", name="gallery entry page")


class Bare(SiteUser):
    """The bare Django view, for comparison: a request with no query and no template."""

    fixed_count = COUNTS["bare"]
    wait_time = between(0.5, 1.5)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name="bare view")


class Juror(SiteUser):
    """A juror: signs in, opens each entry given them, types (an autosave every few seconds,
    AUTOSAVES of them), submits, and goes on to the next."""

    fixed_count = COUNTS["jurors"]

    def wait_time(self) -> float:
        return TYPING(self) if self.todo or self.sheet else 30

    def on_start(self) -> None:
        super().on_start()
        self.todo, self.sheet = [], None
        self.email = next(_jurors)["email"]
        if not self.sign_in(self.email):
            return
        STATE["signed_in"] += 1
        home = self.client.get("/jury/", name="juror home").text
        self.todo = sorted({int(pk) for pk in re.findall(r'href="/jury/assignments/(\d+)/"', home)})

    @task
    def work(self) -> None:
        if self.sheet is None:
            if self.todo:
                self.open(self.todo.pop(0))
        elif self.sheet["saves_left"]:
            self.sheet["saves_left"] -= 1
            self.autosave()
        else:
            self.submit()

    def open(self, pk: int) -> None:
        path = f"/jury/assignments/{pk}/"
        page = Page(self.client.get(path, name="score page").text)
        form = page.form("data-hx-post")
        self.sheet = {
            "pk": pk,
            "path": path,
            "autosave": form["attrs"]["data-hx-post"],
            "fields": form["fields"],
            "csrf": page.hx_headers,
            "saves_left": PLAN["autosaves"],
            "n": 0,
        }
        STATE["assignments"].setdefault(
            str(pk),
            {"juror": self.email, "acked": None, "pending": [], "submitted": 0, "submitting": 0},
        )

    def typed(self) -> tuple[list, dict]:
        """What the juror has typed by now: every field of the form, as the page holds it."""
        sheet = self.sheet
        sheet["n"] += 1
        values: dict = {"scores": {}, "comments": {}, "overall": ""}
        fields = []
        for name, value in sheet["fields"]:
            kind, _sep, criterion = name.partition("_")
            if kind == "score" and criterion.isdigit():
                mark = "na" if random.random() < 0.1 else str(random.randrange(0, 21) / 2)
                values["scores"][criterion] = mark
                fields.append((name, "" if mark == "na" else mark))
                if mark == "na":
                    fields.append((f"na_{criterion}", "on"))
            elif kind == "na":
                continue  # ticked or not by the score above
            elif kind == "comment" and criterion.isdigit():
                text = f"Save {sheet['n']} of {self.email}: criterion {criterion}, déjà vu."
                values["comments"][criterion] = text
                fields.append((name, text))
            elif name == "overall_comment":
                values["overall"] = f"Overall, save {sheet['n']}: a solid partnership."
                fields.append((name, values["overall"]))
            else:
                fields.append((name, value))
        return fields, values

    def autosave(self) -> None:
        sheet = self.sheet
        fields, values = self.typed()
        record = STATE["assignments"][str(sheet["pk"])]
        record["pending"].append(values)
        with self.htmx_post(
            sheet["autosave"], fields, sheet["path"], sheet["csrf"], "score autosave"
        ) as response:
            if response.status_code == 200 and SAVED in response.text:
                record["acked"], record["pending"] = values, []
            elif response.status_code < 500 and "text-danger" in response.text:
                record["pending"].remove(values)  # refused before anything was written
                response.failure(f"refused: {_excerpt(response.text)}")
            else:
                response.failure(f"{response.status_code}: {_excerpt(response.text)}")

    def submit(self) -> None:
        sheet = self.sheet
        fields, values = self.typed()
        fields.append(("action", "submit"))
        record = STATE["assignments"][str(sheet["pk"])]
        record["pending"].append(values)
        record["submitting"] += 1
        headers = {"Origin": self.origin, "Referer": self.origin + sheet["path"]}
        with self.client.post(
            sheet["path"],
            data=fields,
            headers=headers,
            name="score submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                record["acked"], record["pending"] = values, []
                record["submitted"] += 1
                record["submitting"] -= 1
            else:
                response.failure(f"{response.status_code}: {_excerpt(response.text)}")
        self.sheet = None
        if response.status_code == 302:
            self.client.get(response.headers["Location"], name="score page")


class Applicant(SiteUser):
    """An applicant: signs in, opens the criteria step of their draft and types, an autosave
    every few seconds, reloading the page now and then."""

    fixed_count = COUNTS["applicants"]
    wait_time = TYPING

    def on_start(self) -> None:
        super().on_start()
        account = next(_applicants)
        self.entry, self.form = account["entry"], None
        self.path = f"/entries/{self.entry}/edit/answers/"
        self.n = 0
        if self.sign_in(account["email"]):
            self.open()

    def open(self) -> None:
        page = Page(self.client.get(self.path, name="entry edit page").text)
        self.form = page.form("data-hx-post")
        self.csrf = page.hx_headers
        STATE["entries"].setdefault(str(self.entry), {"acked": None, "pending": []})

    @task
    def type_and_save(self) -> None:
        if self.form is None:
            return
        self.n += 1
        if self.n % 6 == 0:
            self.open()
            return
        values, fields = {}, []
        for name, value in self.form["fields"]:
            if name.startswith("answer_"):
                value = f"Answer {self.n} to {name}: the cities share a water utility."
                values[name.removeprefix("answer_")] = value
            fields.append((name, value))
        record = STATE["entries"][str(self.entry)]
        record["pending"].append(values)
        url = self.form["attrs"]["data-hx-post"]
        with self.htmx_post(url, fields, self.path, self.csrf, "entry autosave") as response:
            version = re.search(r'name="version" id="entry-version" value="([^"]+)"', response.text)
            if response.status_code == 200 and SAVED in response.text and version:
                record["acked"], record["pending"] = values, []
                self.form["fields"] = [
                    (name, version.group(1) if name == "version" else value)
                    for name, value in self.form["fields"]
                ]
            else:
                response.failure(f"{response.status_code}: {_excerpt(response.text)}")


class JuryDay(LoadTestShape):
    """Every user spawned at SPAWN_RATE a second; the measured window (LOAD_SECONDS) opens once
    every juror has signed in, or SIGN_IN_LIMIT seconds after the start if some never do."""

    opened: float | None = None

    def tick(self):
        run_time = self.get_run_time()
        if self.opened is None:
            if STATE["signed_in"] >= COUNTS["jurors"] or run_time > PLAN["sign_in_limit"]:
                self.opened = run_time
                STATE["window"][0] = run_time
        elif run_time - self.opened >= PLAN["seconds"]:
            STATE["window"][1] = run_time
            return None
        return sum(COUNTS.values()), PLAN["spawn_rate"]


@events.request.add_listener
def _count(name, response, exception, **kwargs) -> None:
    status = response.status_code if response is not None and response.status_code else 0
    STATE["statuses"][name][str(status) if status else f"no answer ({exception!r})"[:80]] += 1
    if status >= 500:
        STATE["server_errors"] += 1
        if len(STATE["server_error_samples"]) < 10:
            request = response.request
            body = request.body if isinstance(request.body, str) else (request.body or b"")
            STATE["server_error_samples"].append(
                {
                    "request": f"{request.method} {request.url}",
                    "request_body": str(body)[:600],
                    "status": status,
                    "response": response.text[:1500],
                }
            )


@events.test_stop.add_listener
def _write_results(**kwargs) -> None:
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps(STATE, indent=1, default=str))


def _excerpt(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:200]
