"""The pages of "Adapt for my school": adapting, the schools' modules, the readable difference
from the original, adoption; another school's adaptation answers 404 like an unknown code."""

from sqlmodel import select

from eduplatform.audit.models import AuditEvent
from eduplatform.curriculum.models import Module
from eduplatform.training.progress import cohort_modules
from tests.conftest import csrf_token
from tests.curriculum.test_school_modules import adapt_and_publish, world  # noqa: F401


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_teacher_adapts_a_shared_module_from_its_page(client, login, db, world):  # noqa: F811
    login(world["teacher"])
    html = page(client, "/curriculum/modules/EV-103?lang=en")
    assert f"Adapt for {world['school'].name}" in html
    token = csrf_token(client.get("/curriculum/modules/EV-103"))
    response = client.post(
        "/curriculum/modules/EV-103/adapt",
        data={"csrf_token": token, "school_id": world["school"].id},
    )
    assert response.status_code == 302 and "/curriculum/drafts/" in response.location
    adapted = db.exec(select(Module).where(Module.adapted_from_id == world["module"].id)).one()
    assert adapted.school_id == world["school"].id
    draft = page(client, response.location + "?lang=en")
    assert adapted.code in draft
    again = page(client, "/curriculum/modules/EV-103?lang=en")
    assert f"{world['school'].name}'s adaptation:" in again and adapted.code in again


def test_another_schools_teacher_gets_404_everywhere(client, login, db, world):  # noqa: F811
    adapted, draft = adapt_and_publish(db, world)
    login(world["other_teacher"])
    for url in (
        f"/curriculum/modules/{adapted.code}",
        f"/curriculum/modules/{adapted.code}/history",
        f"/curriculum/modules/{adapted.code}/languages",
        f"/curriculum/drafts/{draft.id}",
        "/curriculum/modules/NO-SUCH",  # the same answer as an unknown code
    ):
        page(client, url, 404)
    assert adapted.code not in page(client, "/curriculum/?lang=en")
    # A form field naming the other school: 404, nothing made.
    token = csrf_token(client.get("/curriculum/modules/EV-103"))
    response = client.post(
        "/curriculum/modules/EV-103/adapt",
        data={"csrf_token": token, "school_id": world["school"].id},
    )
    assert response.status_code == 404
    assert db.exec(select(Module).where(Module.school_id == world["other"].id)).first() is None
    # A query id naming it: the class's progress page answers 404 too.
    page(client, f"/training/progress/cohorts/{world['other_cohort'].id}?module={adapted.id}", 404)


def test_the_author_sees_the_adaptation_and_its_difference_in_chinese(
    client,
    login,
    db,
    world,  # noqa: F811
):
    adapted, _draft = adapt_and_publish(db, world)
    login(world["author"])
    listing = page(client, "/curriculum/school-modules?lang=zh")
    assert world["school"].name in listing and adapted.code in listing
    original = page(client, "/curriculum/modules/EV-103?lang=zh")
    assert world["school"].name in original and adapted.code in original
    history = page(client, f"/curriculum/modules/{adapted.code}/history?lang=zh")
    assert 'id="original"' in history
    assert "Diagnosing the workshop&#39;s trainer kit（中文）" in history  # the added unit, in zh
    assert "读取故障码" in history  # its learning outcome
    assert "故障码读取正确" in history  # its assessment criterion
    assert "units:" not in history  # readable, not YAML


def test_the_author_adopts_a_school_module_after_confirming(client, login, db, world):  # noqa: F811
    adapted, _draft = adapt_and_publish(db, world)
    login(world["author"])
    confirm = page(client, f"/curriculum/modules/{adapted.code}/adopt?lang=en")
    assert world["school"].name in confirm and "Every school sees the module" in confirm
    token = csrf_token(client.get(f"/curriculum/modules/{adapted.code}/adopt"))
    unconfirmed = client.post(
        f"/curriculum/modules/{adapted.code}/adopt", data={"csrf_token": token}
    )
    assert unconfirmed.status_code == 200  # asked again, nothing changed
    db.refresh(adapted)
    assert not adapted.shared
    done = client.post(
        f"/curriculum/modules/{adapted.code}/adopt", data={"csrf_token": token, "confirm": "1"}
    )
    assert done.status_code == 302
    db.refresh(adapted)
    assert adapted.shared
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "module.adopted")).one()
    assert adapted.code in [m.code for m, _v in cohort_modules(db, world["other_cohort"])]
    page(client, f"/curriculum/modules/{adapted.code}/adopt", 404)  # shared now


def test_a_teacher_cannot_adopt(client, login, db, world):  # noqa: F811
    adapted, _draft = adapt_and_publish(db, world)
    login(world["teacher"])
    page(client, f"/curriculum/modules/{adapted.code}/adopt", 403)
    page(client, "/curriculum/school-modules", 403)


def test_the_dashboard_never_names_another_schools_module(client, login, db, world):  # noqa: F811
    adapted, _draft = adapt_and_publish(db, world)
    login(world["other_teacher"])
    html = page(client, "/dashboard/?lang=en")
    assert adapted.code not in html and "EV-103" in html
    refused = client.get(f"/dashboard/?module={adapted.code}&lang=en")
    unknown = client.get("/dashboard/?module=NO-SUCH&lang=en")
    assert refused.status_code == unknown.status_code == 400
    assert "Choose a module from the list." in refused.get_data(as_text=True)


def test_a_teacher_of_two_schools_chooses_whose_new_module_it_is(
    client,
    login,
    db,
    world,  # noqa: F811
    make_org,
):
    from datetime import date

    from eduplatform.people.models import SchoolMembership

    second = make_org("school", name="SMK Kedua")
    db.add(SchoolMembership(user_id=world["teacher"].id, school_id=second.id, since=date.today()))
    db.commit()
    login(world["teacher"])
    form = page(client, "/curriculum/modules/new?lang=en")
    assert "For the school" in form and "SMK Kedua" in form and "only its teachers" in form
    data = {
        "csrf_token": csrf_token(client.get("/curriculum/modules/new")),
        "program_id": world["program"].id,
        "code": "EV-960",
        "level": "basic",
        "title_id": "Modul bengkel",
    }
    refused = client.post("/curriculum/modules/new", data={**data, "school_id": world["other"].id})
    assert refused.status_code == 404  # another school's id: as if unknown
    made = client.post("/curriculum/modules/new", data={**data, "school_id": second.id})
    assert made.status_code == 302
    module = db.exec(select(Module).where(Module.code == "EV-960")).one()
    assert module.school_id == second.id


def test_an_adaptation_says_when_the_university_published_a_newer_original(
    client,
    login,
    db,
    world,  # noqa: F811
):
    from eduplatform.curriculum import authoring

    adapted, _draft = adapt_and_publish(db, world)
    login(world["teacher"])
    assert "original-newer" not in page(client, f"/curriculum/modules/{adapted.code}?lang=en")
    # The university evolves the shared module: a new version of the original is published.
    author = world["author"]
    newer = authoring.start_draft(db, actor=author, module=world["module"])
    authoring.publish(db, actor=author, module=world["module"], version=newer)
    html = page(client, f"/curriculum/modules/{adapted.code}?lang=en")
    assert (
        f"The university has published version {newer.number} of EV-103 since this adaptation "
        f"was made from version {newer.number - 1}." in html
    )
    changes = f"/curriculum/modules/EV-103/history?a={newer.number - 1}&amp;b={newer.number}"
    assert changes in html
    page(client, changes.replace("&amp;", "&"))
    # The university's list of schools' modules shows it too.
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/profile"))})
    login(author)
    listed = page(client, "/curriculum/school-modules?lang=en")
    assert f"The original is at version {newer.number}" in listed
