"""What the simulated people do (Locust), after JOURNEYS.md, with think times between pages.

Students (most of the load) open their home and units and now and then log a unit with a phone
photo (as the log form's script sends it, shrunk in the browser; a share LOADTEST_ORIGINALS as
the camera's 12-megapixel original, as a browser without the script sends it); teachers open
the verification queue and verify the oldest record; the office opens the dashboard and exports
it; API clients page through the completions. The users ramp up in steps (LOADTEST_STEPS users
each, LOADTEST_STEP_SECONDS long); at the end of each step the figures are printed, at the end
of the run written under LOADTEST_RESULTS (see report.py).

Needs LOADTEST_ACCOUNTS (seed.py's JSON), LOADTEST_PHOTO, LOADTEST_SHRUNK_PHOTO,
LOADTEST_SERVER_PID and LOADTEST_DATABASE; run.py sets them all.
"""

import itertools
import json
import os
import random
import re
from datetime import date
from http.cookiejar import Cookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, LoadTestShape, between, events, task

from loadtest import report

ACCOUNTS = json.loads(Path(os.environ["LOADTEST_ACCOUNTS"]).read_text())
PHOTO = Path(os.environ["LOADTEST_PHOTO"]).read_bytes()
SHRUNK_PHOTO = Path(os.environ.get("LOADTEST_SHRUNK_PHOTO", os.environ["LOADTEST_PHOTO"]))
SHRUNK_PHOTO = SHRUNK_PHOTO.read_bytes()
ORIGINALS = float(os.environ.get("LOADTEST_ORIGINALS", "0.1"))
STEPS = [int(n) for n in os.environ.get("LOADTEST_STEPS", "50,100,250,500,1000").split(",")]
STEP_SECONDS = float(os.environ.get("LOADTEST_STEP_SECONDS", "60"))
THINK = [float(n) for n in os.environ.get("LOADTEST_THINK", "3,10").split(",")]
# Students, teachers, office, API clients: shares of the users (the smoke run takes 1 each).
WEIGHTS = [int(n) for n in os.environ.get("LOADTEST_WEIGHTS", "85,8,2,5").split(",")]
COOKIE = "eduplatform_session"

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOG_LINK = re.compile(r'href="(/training/units/\d+/log)"')
UNIT_LINK = re.compile(r'href="(/curriculum/[^"#?]+)"')
REVIEW_LINK = re.compile(r'href="(/training/completions/\d+)[^"]*"')
CRITERION = re.compile(r'name="criteria" value="(\d+)"')
# What a refused form says (the field's message, or the form's own), for the error report.
REFUSAL = re.compile(
    r'<p class="error"[^>]*>([^<]+)</p>|flash-error" role="alert">\s*(?:<p>)?([^<]+)'
)


RESULTS = Path(os.environ.get("LOADTEST_RESULTS", "loadtest/results/latest"))
KEPT_REFUSALS = 5


def refusal(text):
    """What the refused form says; the first few refused pages are kept whole as well."""
    found = REFUSAL.search(text or "")
    said = f": {(found[1] or found[2]).strip()[:120]}" if found else ""
    kept = sorted(RESULTS.glob("refused-*.html"))
    if len(kept) < KEPT_REFUSALS:
        path = RESULTS / f"refused-{len(kept) + 1}.html"
        path.write_text(text or "")
        said += f" (the page: {path.name})"
    return said


STEPS_SEEN = report.Steps()
CURRENT = {"step": None}
_pools = {kind: itertools.cycle(values) for kind, values in ACCOUNTS.items() if values}


def _next(kind):
    return next(_pools[kind])


SERVER_CPU = re.compile(r"\bcpu;dur=([0-9.]+)")


def app_cpu(response):
    """The CPU milliseconds the app says it spent on the request (its Server-Timing header)."""
    headers = getattr(response, "headers", None)
    found = SERVER_CPU.search(headers.get("Server-Timing") or "") if headers else None
    return float(found[1]) if found else None


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs):
    if CURRENT["step"] is not None:
        cpu_ms = app_cpu(kwargs.get("response"))
        STEPS_SEEN.request(CURRENT["step"], name, response_time, exception, cpu_ms)


def arrive():
    """A user added by a step starts at a random point of a think time, as someone already at
    work would: not every new user's first page in the same second (that burst, a few hundred
    requests in the step's first seconds, is no load a city's day has)."""
    gevent.sleep(random.uniform(0, THINK[1]))


class Browser(FastHttpUser):
    abstract = True
    wait_time = between(*THINK)
    account_kind = None

    def on_start(self):
        arrive()
        # The browser of someone who signed in earlier: the server's later Set-Cookie headers
        # (a CSRF token, a flashed message) update it as they would a browser's.
        host = urlsplit(self.host).hostname
        self.client.cookiejar.clear()
        self.client.cookiejar.set_cookie(
            Cookie(0, COOKIE, _next(self.account_kind), None, False, host, False, False, "/",
                   True, False, None, False, None, None, {})
        )  # fmt: skip

    def page(self, path, name):
        """GET a page that must answer 200 as this person; its HTML (or None)."""
        with self.client.get(
            path, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")
                return None
            return response.text


class Student(Browser):
    weight = WEIGHTS[0]
    account_kind = "students"

    def on_start(self):
        super().on_start()
        self.loggable, self.units = [], []

    @task(6)
    def home(self):
        page = self.page("/", "student: home")
        if page:
            self.loggable = LOG_LINK.findall(page)
            self.units = UNIT_LINK.findall(page)

    @task(3)
    def open_unit(self):
        if self.loggable:
            self.page(random.choice(self.loggable), "student: unit log page")
        else:
            self.home()

    @task(1)
    def log_with_photo(self):
        if not self.loggable:
            return self.home()
        path = self.loggable.pop(random.randrange(len(self.loggable)))
        page = self.page(path, "student: unit log page")
        if not page:
            return None
        token = CSRF.search(page)
        original = random.random() < ORIGINALS
        photo = PHOTO if original else SHRUNK_PHOTO
        with self.client.post(
            path,
            name="student: log unit, 12 MP photo" if original else "student: log unit, photo",
            data={
                "csrf_token": token[1] if token else "",
                "performed_on": date.today().isoformat(),
                "hours": "2",
                "note": "Load test: did the practical task with my group.",
            },
            files={"photo": ("IMG_20261205_0912.jpg", photo, "image/jpeg")},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} logging {path}{refusal(response.text)}")
        return None


class Teacher(Browser):
    weight = WEIGHTS[1]
    account_kind = "teachers"

    @task(3)
    def queue(self):
        self.page("/training/verification", "teacher: queue")

    @task(2)
    def review_oldest(self):
        queue = self.page("/training/verification", "teacher: queue")
        found = REVIEW_LINK.search(queue or "")
        if not found:
            return
        path = found[1]
        page = self.page(path, "teacher: review page")
        if not page:
            return
        if 'name="decision"' not in page:
            return  # decided by another teacher since the queue was read: the page says so
        token = CSRF.search(page)
        with self.client.post(
            path,
            name="teacher: verify",
            # Every criterion ticked: repeated fields, as a browser sends checkboxes.
            data=urlencode(
                {
                    "csrf_token": token[1] if token else "",
                    "criteria": CRITERION.findall(page),
                    "feedback": "Good work, the lock-out tag is clear.",
                    "decision": "approve",
                },
                doseq=True,
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            # 302 on to the next record; another teacher may have decided it a moment earlier.
            if response.status_code != 302:
                response.failure(f"{response.status_code} verifying {path}{refusal(response.text)}")


class Office(Browser):
    weight = WEIGHTS[2]
    account_kind = "office"

    @task(4)
    def dashboard(self):
        self.page("/dashboard/", "office: dashboard")

    @task(1)
    def export(self):
        self.page("/dashboard/export/schools.xlsx", "office: export xlsx")


class ApiClient(FastHttpUser):
    weight = WEIGHTS[3]
    wait_time = between(*THINK)

    def on_start(self):
        arrive()
        self.token = _next("api")

    @task
    def page_through_completions(self):
        cursor = None
        for _page in range(3):
            path = "/api/v1/completions?status=verified"
            if cursor:
                path += f"&cursor={cursor}"
            with self.client.get(
                path,
                name="api: completions page",
                headers={"Authorization": f"Bearer {self.token}"},
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code} for {path}")
                    return
                cursor = response.json().get("next")
            if not cursor:
                return


class Steps(LoadTestShape):
    """STEPS users, each step STEP_SECONDS long; the figures printed as each step ends."""

    def __init__(self):
        super().__init__()
        self.processes = report.Processes(
            int(os.environ["LOADTEST_SERVER_PID"]), os.environ["LOADTEST_DATABASE"]
        )
        self.finished = []
        self.sampler = None

    def _sample(self):
        while True:
            gevent.sleep(1.0)
            if CURRENT["step"] is not None:
                STEPS_SEEN.sample(CURRENT["step"], self.processes.sample())

    def tick(self):
        if self.sampler is None:
            self.sampler = gevent.spawn(self._sample)
        step = int(self.get_run_time() // STEP_SECONDS)
        if step != CURRENT["step"]:
            if CURRENT["step"] is not None:
                STEPS_SEEN.end(CURRENT["step"])
                figures = STEPS_SEEN.summary(CURRENT["step"])
                self.finished.append(figures)
                report.print_step(figures)
            if step >= len(STEPS):
                CURRENT["step"] = None
                self.sampler.kill()
                report.write(
                    RESULTS,
                    self.finished,
                    {"steps_users": STEPS, "step_seconds": STEP_SECONDS, "think": THINK,
                     "errors_seen": STEPS_SEEN.error_examples},
                )  # fmt: skip
                return None
            CURRENT["step"] = step
            STEPS_SEEN.begin(step, STEPS[step])
        users = STEPS[step]
        return users, max(10, users / 5)
