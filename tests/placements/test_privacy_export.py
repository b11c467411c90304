"""A parent's copy of the data holds the child's industry placement: the readable document
shows the company, the journal and the supervisor's countersign, as the JSON files do."""

import io
import json
import zipfile
from datetime import time, timedelta

from eduplatform.db import new_session
from eduplatform.people.models import User
from eduplatform.placements import journal, links
from eduplatform.placements.models import Placement
from tests.placements.conftest import TODAY


def test_the_readable_document_shows_the_placement_and_its_journal(
    app, client, login, pkl, make_placement
):
    placement = make_placement()
    with app.test_request_context("/?lang=en"), new_session(app) as session:
        row = session.get(Placement, placement.id)
        entry = journal.write_entry(
            session, actor=session.get(User, pkl.student.id), placement=row,
            day=TODAY - timedelta(days=1), kind="present", arrived_at=time(8),
            left_at=time(15, 30), activities="Memeriksa isolasi kabel baterai",
            unit_ids=[pkl.units["EV-201-U1"].id],
        )  # fmt: skip
        _token, link = links.issue_link(
            session, actor=session.get(User, pkl.teacher.id), placement=row, purpose="countersign"
        )
        links.countersign(
            session, link=link, entry_id=entry.id, decision="return", comment="Tambah foto."
        )
    login(pkl.admin)
    response = client.post(
        f"/admin/students/{pkl.student.id}/privacy/export", data={"language": "en"}
    )
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    document = archive.read(f"student-{pkl.student.id}-data-en.html").decode()
    section = document[document.index("Industry placements (PKL)") :]
    assert "Bengkel EV Sejahtera" in section
    assert "Memeriksa isolasi kabel baterai" in section and "08:00–15:30" in section
    assert "Returned" in section and "Tambah foto." in section
    # The figures it gives agree with the files beside it.
    manifest = json.loads(archive.read("manifest.json"))
    events = json.loads(archive.read("audit_event.json"))
    assert manifest["tables"]["audit_event"] == len(events)
    assert f"<dd>{len(events)}</dd>" in document
    ticks = json.loads(archive.read("completion_criterion.json"))
    assert manifest["tables"]["completion_criterion"] == len(ticks)
