"""A form sent twice in a moment is sent once (static/js/forms.js): the office clerk who
double-clicks Save on a new partnership gets one partnership, and the form still works when
sent again later (a refused form, a download)."""

from playwright.sync_api import expect
from sqlmodel import func, select

from eduplatform.exchange.models import Partnership


def test_a_double_click_on_save_makes_one_partnership(
    page, live_server, sign_in, db, make_org, make_user, t
):
    school = make_org("school", name="SMK Negeri 2 Surakarta")
    sign_in(make_user("office"))
    page.goto(f"{live_server}/exchange/partnerships/new")
    page.get_by_label(t("School, or the city")).select_option(str(school.id))
    page.get_by_label(t("Partner's name (not on the platform)")).fill("Liuzhou Vocational College")
    # Two taps 60 ms apart, as the walk that found it sent them: the first request is on its
    # way when the second tap comes (Playwright's dblclick is too fast to show it).
    page.get_by_role("button", name=t("Save")).evaluate(
        "(button) => { button.click(); setTimeout(() => button.click(), 60); }"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Liuzhou Vocational College")
    page.wait_for_load_state("load")
    db.expire_all()
    assert db.exec(select(func.count(Partnership.id))).one() == 1


def test_a_form_sent_by_a_page_script_or_again_later_is_not_held(page, live_server, sign_in,
                                                                   make_user, t):  # fmt: skip
    """The guard drops only a second submission within seconds of the first."""
    sign_in(make_user("office"))
    page.goto(f"{live_server}/exchange/partnerships/new")
    sent = page.evaluate(
        """() => {
            const form = document.querySelector("main form[method=post]");
            let heard = 0;
            form.addEventListener("submit", (event) => { heard += 1; event.preventDefault(); });
            const send = () => form.requestSubmit();
            send();                       // a page script sends it itself: not marked
            const marked = form.hasAttribute("data-sent-at");
            return [heard, marked];
        }"""
    )
    assert sent == [1, False]
    page.reload()
    held = page.evaluate(
        """() => {
            const form = document.querySelector("main form[method=post]");
            const kept = [];
            window.addEventListener("submit", (event) => {
                kept.push(event.defaultPrevented); event.preventDefault();
            });
            form.setAttribute("data-sent-at", String(Date.now()));       // sent a moment ago
            form.requestSubmit();
            form.setAttribute("data-sent-at", String(Date.now() - 5000));  // five seconds ago
            form.requestSubmit();
            return kept;
        }"""
    )
    assert held == [True, False]
