"""Each worker keeps the modules a class follows under the curriculum's token (issue 21): a
module published by another process shows on every worker's pages at the very next request,
and a worker never shows a programme older than the database's."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlmodel import Session

from eduplatform.curriculum.models import Module, ModuleVersion, Unit
from eduplatform.sqltypes import utcnow
from tests.reliability.load import Browser, Outcome, build_load_world

pytestmark = pytest.mark.slow

MODULE_TITLE = re.compile(r'<span class="module-title"><strong>([^<]+)</strong>')


def _homes(server, cookies, count=24):
    """The student's home `count` times at once, each on a new connection (any worker)."""

    def home():
        return requests.get(server.base_url + "/?lang=en", cookies=cookies, timeout=20,
                            allow_redirects=False, headers={"Connection": "close"})  # fmt: skip

    with ThreadPoolExecutor(max_workers=6) as pool:
        pages = list(pool.map(lambda _n: home(), range(count)))
    assert [page.status_code for page in pages] == [200] * count
    request_ids = {page.headers["X-Request-ID"] for page in pages}
    served_by = {
        entry["pid"]
        for entry in server.log_entries()
        if entry.get("logger") == "eduplatform.access" and entry.get("request_id") in request_ids
    }
    return [MODULE_TITLE.findall(page.text) for page in pages], served_by


def _publish_module(engine, world):
    """A second module of the class's program, published: written by this process, as the
    curriculum import or any worker writes one (through the ORM, which draws a new token)."""
    with Session(engine) as db:
        first = db.get(Unit, world.units[0])
        program_id = db.get(Module, db.get(ModuleVersion, first.version_id).module_id).program_id
        module = Module(code="EV-LOAD-2", program_id=program_id, position=2)
        db.add(module)
        db.flush()
        version = ModuleVersion(
            module_id=module.id, number=1, status="published", published_at=utcnow(),
            title={"id": "Modul kedua", "en": "Second module"},
        )  # fmt: skip
        db.add(version)
        db.flush()
        db.add(Unit(version_id=version.id, code="EV-LOAD-2-U1", position=0,
                    title={"id": "Unit baru"}, task={"id": "Tugas"}))  # fmt: skip
        db.commit()


def test_a_module_published_elsewhere_shows_on_every_worker_at_once(fresh):
    server, engine = fresh
    world = build_load_world(engine, students=1, teachers=1, units=2)
    browser = Browser(server.base_url, Outcome())
    browser.sign_in(world.students[0].email)
    cookies = browser.session.cookies.get_dict()

    # Every worker reads the programme and keeps it (asked twice, so that each has served it
    # from what it keeps at least once).
    for _round in range(2):
        modules, served_by = _homes(server, cookies)
        assert modules == [["EV-LOAD-1"]] * len(modules)
        assert len(served_by) >= 2, "the pages were spread over the workers"

    _publish_module(engine, world)

    modules, served_by = _homes(server, cookies)
    assert modules == [["EV-LOAD-1", "EV-LOAD-2"]] * len(modules)  # no page kept the old one
    assert len(served_by) >= 2, "the pages were spread over the workers"
