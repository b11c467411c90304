"""What changed between two versions, in words: units by code, texts in every language."""

import copy
from decimal import Decimal

from sqlmodel import select

from eduplatform.curriculum import authoring, draft_units
from eduplatform.curriculum.changes import compare
from eduplatform.curriculum.models import Module
from tests.curriculum.conftest import module, text, unit


def document(**fields):
    data = module(**fields)
    for entry in data["units"]:
        entry["theory_hours"] = Decimal(str(entry["theory_hours"]))
        entry["practice_hours"] = Decimal(str(entry["practice_hours"]))
    return data


def test_the_same_document_has_no_changes():
    assert not compare(document(), document())


def test_a_new_unit_is_named_with_its_content_and_a_removed_one_by_code():
    old = document()
    new = copy.deepcopy(old)
    new["units"].append(unit("T-101-U3", theory_hours=Decimal(2), practice_hours=Decimal(4)))
    del new["units"][0]
    new["units"][0]["prerequisites"] = []
    changes = compare(old, new)
    kinds = [(u.kind, u.code) for u in changes.units]
    assert kinds == [("changed", "T-101-U2"), ("added", "T-101-U3"), ("removed", "T-101-U1")]
    assert changes.units[1].unit["title"]["en"] == "Title T-101-U3 (en)"
    prerequisites = changes.units[0].fields[0]
    assert (prerequisites.name, prerequisites.removed) == ("prerequisites", ("T-101-U1",))
    assert not changes.reordered and not changes.module


def test_outcomes_and_criteria_items_are_added_removed_or_rewritten():
    old = document()
    new = copy.deepcopy(old)
    target = new["units"][0]
    target["outcomes"].append(text("Second outcome"))
    target["criteria"][0] = text("Sharper criterion")
    target["task"] = {**target["task"], "zh": "新的任务"}
    changes = compare(old, new)
    (unit_change,) = changes.units
    fields = {f.name: f for f in unit_change.fields}
    assert set(fields) == {"outcomes", "criteria", "task"}
    (added,) = fields["outcomes"].texts
    assert added.kind == "added" and added.new["id"] == "Second outcome (id)"
    (rewritten,) = fields["criteria"].texts
    assert rewritten.kind == "changed"
    assert rewritten.old["en"] == "Criterion T-101-U1 (en)"
    assert rewritten.new["en"] == "Sharper criterion (en)"
    (task,) = fields["task"].texts
    assert task.kind == "changed" and task.languages == ["zh"]


def test_module_texts_hours_safety_and_order():
    old = document()
    new = copy.deepcopy(old)
    new["title"] = {**new["title"], "en": "A better title"}
    new["units"].reverse()
    new["units"][0]["practice_hours"] = Decimal("3.5")
    new["units"][0]["safety_critical"] = True
    changes = compare(old, new)
    (title,) = changes.module
    assert title.name == "title" and title.texts[0].languages == ["en"]
    assert changes.reordered
    fields = {f.name: f for f in changes.units[0].fields}
    assert (fields["practice_hours"].old, fields["practice_hours"].new) == (
        Decimal("1.5"),
        Decimal("3.5"),
    )
    assert fields["safety_critical"].new is True


def test_history_page_shows_changes_in_words_in_the_readers_language(client, login, ev_program, db):
    author = login("author", organization=ev_program["owner"])
    module_row = db.exec(select(Module).where(Module.code == "EV-102")).one()
    draft = authoring.start_draft(db, actor=author, module=module_row)
    draft.title = {**draft.title, "en": "EV architecture, revised"}
    db.add(draft)
    db.commit()
    draft_units.add_unit(
        db,
        actor=author,
        module=module_row,
        version=draft,
        data={
            "code": "EV-102-U9",
            "title": {"id": "Bengkel baru", "en": "The new workshop", "zh": "新车间"},
            "outcomes": {"id": "Hasil baru", "en": "A new outcome", "zh": "新的学习成果"},
            "task": {"id": "Tugas", "en": "Task", "zh": "任务"},
            "criteria": {"id": "Kriteria baru", "en": "A new criterion", "zh": "新的评估标准"},
            "theory_hours": "1",
            "practice_hours": "2",
        },
    )
    authoring.publish(db, actor=author, module=module_row, version=draft)

    response = client.get("/curriculum/modules/EV-102/history?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "EV architecture - BEV, HEV and PHEV" in html and "EV architecture, revised" in html
    assert "New unit" in html and "EV-102-U9 · The new workshop" in html
    assert "A new outcome" in html and "A new criterion" in html
    assert "en:" not in html and "- code:" not in html  # no YAML

    zh = client.get("/curriculum/modules/EV-102/history?lang=zh").get_data(as_text=True)
    assert "新车间" in zh and "新的学习成果" in zh and "新的评估标准" in zh
    # The English title changed, the Chinese one did not: said so, in Chinese.
    assert "EV architecture, revised" not in zh
    assert "仅译文有变化：English" in zh
