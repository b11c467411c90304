"""The header every page shows: its menu and language form are rendered once per process and
kept (navigation.header_nav, navigation.language_switch), the bell's count comes with the
session check (auth.service.check_session). What is kept must never carry one reader's values
to another: the CSRF token, the page the language form returns to, the current page's mark."""

import re
from html import unescape

from eduplatform.notifications.models import Kind, Notification
from tests.conftest import PASSWORD


def _tokens(page):
    return re.findall(r'name="csrf_token" value="([^"]+)"', page)


def _signed_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_each_session_gets_its_own_token_in_the_kept_header(app, make_user):
    first = _signed_in(app, make_user("teacher", locale="en"))
    second = _signed_in(app, make_user("teacher", locale="en"))
    pages = [client.get("/profile").get_data(as_text=True) for client in (first, second, first)]
    own = [set(_tokens(page)) for page in pages]
    # The sign-out forms (bar and menu), the language form and the page's own forms: one token
    # each page, never the other session's. A token is the session's secret, signed with the
    # time (to the second): the secret is what must match.
    assert all(len(tokens) == 1 for tokens in own)
    secrets = [next(iter(tokens)).split(".")[0] for tokens in own]
    assert secrets[0] == secrets[2] and secrets[0] != secrets[1]
    assert "\x00" not in "".join(pages)

    # The token kept in the header signs the reader out.
    (token,) = own[1]
    response = second.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert first.get("/profile").status_code == 200


def test_the_current_page_and_the_language_are_each_pages_own(app, make_user):
    english = _signed_in(app, make_user("teacher", locale="en"))
    chinese = _signed_in(app, make_user("teacher", locale="zh"))
    for _round in range(2):  # the second round reads the kept parts
        profile = english.get("/profile").get_data(as_text=True)
        home = english.get("/").get_data(as_text=True)
        assert re.search(r'href="/profile" aria-current="page">Profile<', profile)
        assert not re.search(r'href="/profile" aria-current="page"', home)
        assert re.search(r'href="/" aria-current="page">Home<', home)
        assert 'value="en" lang="en" title="English"\n              aria-current="true"' in home
        zh_home = chinese.get("/").get_data(as_text=True)
        assert ">Home<" not in zh_home and ">Sign out<" not in zh_home
        assert re.search(r'value="zh" lang="zh" title="[^"]+"\s+aria-current="true"', zh_home)


def test_the_language_form_returns_to_the_page_escaped(app, make_user):
    client = _signed_in(app, make_user("teacher", locale="en"))
    for _round in range(2):
        page = client.get('/profile?x="><b>loud</b>').get_data(as_text=True)
        assert "<b>loud</b>" not in page
        (back,) = re.findall(r'name="next" value="([^"]*)"', page)
        assert unescape(back) == '/profile?x="><b>loud</b>'
        page = client.get("/notifications").get_data(as_text=True)
        assert re.findall(r'name="next" value="([^"]*)"', page) == ["/notifications"]


def test_the_bell_counts_what_is_unread_on_the_next_page(app, db, make_user):
    user = make_user("student", locale="en")
    client = _signed_in(app, user)
    assert "bell-count" not in client.get("/profile").get_data(as_text=True)
    for _ in range(3):
        db.add(Notification(user_id=user.id, kind=Kind.COMPLETION_VERIFIED))
    db.commit()
    page = client.get("/profile").get_data(as_text=True)
    assert '<span class="bell-count">3</span>' in page
    assert 'aria-label="Notifications: 3 unread"' in page
    client.post("/notifications/read", data={"csrf_token": _tokens(page)[0]})
    assert "bell-count" not in client.get("/profile").get_data(as_text=True)
