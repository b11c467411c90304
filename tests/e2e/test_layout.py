"""Layout details found on phones and desktops: the navigation is in sight on a desktop, the
Chinese dashboard on a phone has no overlapping chart labels and no one-character columns."""

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, assert_fits_the_screen
from tests.e2e.test_every_page_fits_a_phone import world  # noqa: F401 - the seeded world

pytestmark = pytest.mark.layout  # CSS only: left out of the PostgreSQL run

OVERLAPS = """() => {
  const found = [];
  const apart = (a, b) =>
    a.right <= b.left + 0.5 || b.right <= a.left + 0.5 ||
    a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
  for (const svg of document.querySelectorAll("svg.chart-svg")) {
    const texts = [...svg.querySelectorAll("text")];
    const boxes = texts.map(t => [t.textContent, t.getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        if (!apart(boxes[i][1], boxes[j][1])) {
          found.push(`${svg.querySelector("title").textContent}: ` +
                     `"${boxes[i][0]}" over "${boxes[j][0]}"`);
        }
      }
    }
  }
  return found;
}"""

NARROW_COLUMNS = """() => [...document.querySelectorAll("table.dash-table")].flatMap(table => {
  const narrow = cell => cell.getBoundingClientRect().width <
    4 * parseFloat(getComputedStyle(cell).fontSize);
  return [...table.querySelectorAll("th[scope=row]")]
    .filter(cell => cell.textContent.trim().length > 2 && narrow(cell))
    .map(cell => `${table.querySelector("caption").textContent}: ${cell.textContent.trim()}`);
})"""


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_chinese_dashboard_on_a_phone_has_readable_charts_and_tables(
    world,  # noqa: F811 - the fixture imported above
    page,
    live_server,
    sign_in,  # noqa: F811
):
    sign_in(world.office)
    for url in ("/dashboard/?lang=zh", f"/dashboard/schools/{world.a.school.id}?lang=zh"):
        page.goto(f"{live_server}{url}")
        assert page.locator("svg.chart-svg").count() >= 3
        assert page.evaluate(OVERLAPS) == []
        assert page.evaluate(NARROW_COLUMNS) == []
        assert_fits_the_screen(page)
        assert "12月 20" not in page.locator("main").inner_text()  # Chinese puts the year first


# The size on screen of each chart's full-size labels (the axis's figures), in CSS pixels.
LABEL_PIXELS = """() => [...document.querySelectorAll("svg.chart-svg")].flatMap(svg => {
  const label = svg.querySelector("text.axis");
  if (!label) return [];
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return parseFloat(label.getAttribute("font-size")) * scale;
})"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_chart_labels_are_readable_on_a_phone_and_not_outsized_on_a_desktop(
    world,  # noqa: F811 - the fixture imported above
    page,
    live_server,
    sign_in,  # noqa: F811
    viewport,
):
    """On a 360 px phone the charts' labels were drawn at 8.3 px, on a desktop at 19 px (beside
    16 px headings): now at 9.5 px (10.4 px on a 390 px phone) and 15 px."""
    sign_in(world.office)
    page.goto(f"{live_server}/dashboard/")
    sizes = page.evaluate(LABEL_PIXELS)
    assert len(sizes) >= 3
    if viewport == PHONE:
        assert min(sizes) >= 9
    else:
        assert max(sizes) <= 16


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_navigation_is_in_sight_on_a_desktop_and_behind_menu_on_a_phone(
    world,  # noqa: F811 - the fixture imported above
    page,
    live_server,
    sign_in,
    viewport,  # noqa: F811
):
    sign_in(world.a.teacher)
    queue = page.locator(".nav-bar").get_by_role("link", name="Antrean verifikasi")
    menu = page.get_by_text("Menu", exact=True)
    if viewport == DESKTOP:
        assert queue.is_visible() and not menu.is_visible()
        queue.click()
        page.wait_for_url(f"{live_server}/training/verification")
        current = page.locator('.nav-bar a[aria-current="page"]')
        assert current.inner_text() == "Antrean verifikasi"
    else:
        assert menu.is_visible() and not queue.is_visible()
        menu.click()
        page.locator(".menu").get_by_role("link", name="Antrean verifikasi").click()
        page.wait_for_url(f"{live_server}/training/verification")


# A badge taller than two font sizes was broken over lines (已审 / 核通 / 过 in a squeezed pill).
BROKEN_BADGES = """() => [...document.querySelectorAll(".badge")]
  .filter(badge => badge.offsetParent !== null)
  .filter(badge => badge.getBoundingClientRect().height >
                   2 * parseFloat(getComputedStyle(badge).fontSize))
  .map(badge => badge.textContent.trim())"""


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_badges_keep_their_words_on_one_line_on_a_phone(
    world,  # noqa: F811 - the fixture imported above
    page,
    live_server,
    sign_in,
    lang,
):
    """The unit states on the student's home and the areas of a partnership read as whole
    words at 360 px in Indonesian and Chinese (issue 15 item 11)."""
    for person, url in ((world.a.student, "/"), (world.office, "/exchange/partnerships")):
        page.context.clear_cookies()
        sign_in(person)
        page.goto(f"{live_server}{url}?lang={lang}")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert page.locator(".badge").count() > 0
        assert page.evaluate(BROKEN_BADGES) == []
        assert_fits_the_screen(page)
