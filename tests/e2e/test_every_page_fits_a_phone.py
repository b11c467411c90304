"""Every page of every role, in Indonesian, English and Chinese, fits a 360 px phone: the page
never scrolls sideways and no card's content sticks out of its card (wide tables scroll inside
their own frame). The pages come from the URL map with a seeded world, as tests/i18n reads
them; one teacher has a long email address, the kind that used to break out of its card."""

import pytest
from sqlmodel import update

from eduplatform.people.models import User
from tests.e2e.conftest import PHONE
from tests.i18n.pages import BROWSER, LANGUAGES, page_urls, with_lang
from tests.security.crawl import sign_in as sign_in_client
from tests.security.world import build_world

pytestmark = pytest.mark.layout  # CSS only: left out of the PostgreSQL run

LONG_EMAIL = "bambang.sutrisno.wicaksono.guru.produktif.tkro@smkn2-surakarta.sch.id"

MEASURE = """() => {
  const root = document.documentElement, problems = [];
  if (root.scrollWidth > root.clientWidth) problems.push(`page ${root.scrollWidth}px wide`);
  for (const box of document.querySelectorAll(".card, .standing-row, .notification, .tile")) {
    const style = getComputedStyle(box);
    if (style.overflowX === "visible" && box.scrollWidth > box.clientWidth + 1) {
      const name = box.id || box.querySelector("h2, h3, strong")?.textContent?.trim() || "";
      const sizes = `${box.scrollWidth}px in ${box.clientWidth}px`;
      problems.push(`${box.className} "${name.slice(0, 40)}" ${sizes}`);
    }
  }
  return problems;
}"""


@pytest.fixture
def world(app, db):
    made = build_world(app, db)
    db.exec(update(User).where(User.id == made.a.teacher.id).values(email=LONG_EMAIL))
    db.commit()
    made.a.teacher.email = LONG_EMAIL
    return made


def _html_pages(app, world, actor):
    """The pages (url, lang) the role gets as HTML, found with the test client first: the
    browser then opens only pages (not downloads)."""
    client = app.test_client()
    if actor is not None:
        sign_in_client(client, actor)
    found = []
    for _endpoint, url in page_urls(app, world, actor):
        for lang in LANGUAGES:
            response = client.get(with_lang(url, lang), headers=BROWSER)
            if response.status_code == 200 and response.mimetype == "text/html":
                found.append(with_lang(url, lang))
            response.close()
    return found


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
@pytest.mark.parametrize("role", ["anonymous", "student", "teacher", "author", "office", "admin"])
def test_every_page_fits_a_phone_in_every_language(app, world, page, live_server, sign_in, role):
    actor = None if role == "anonymous" else world.actor(role)
    urls = _html_pages(app, world, actor)
    assert len(urls) >= 3 * 4  # the walk found the role's pages
    if actor is not None:
        sign_in(actor)
    problems = []
    for url in urls:
        page.goto(f"{live_server}{url}")
        problems += [f"{url}: {problem}" for problem in page.evaluate(MEASURE)]
    assert not problems, f"{len(problems)} overflows at 360 px:\n" + "\n".join(problems)
