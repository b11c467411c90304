import pytest


def test_indonesian_is_the_default_language(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in page and "Kata sandi" in page


@pytest.mark.parametrize(
    ("lang", "word"), [("en", "Password"), ("zh", "密码"), ("id", "Kata sandi")]
)
def test_lang_parameter_switches_the_language(client, lang, word):
    assert word in client.get(f"/login?lang={lang}").get_data(as_text=True)


def test_browser_language_is_used_for_visitors(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "密码" in page.get_data(as_text=True)


def test_visitors_choice_is_kept_in_a_cookie(client):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert "Password" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("id", "Halaman tidak ditemukan."),
        ("en", "The page was not found."),
        ("zh", "未找到该页面。"),
    ],
)
def test_error_pages_speak_the_users_language(client, lang, text):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_forbidden_page_is_translated(client, login):
    login("student")
    response = client.get("/admin/users?lang=zh")
    assert response.status_code == 403
    assert "您无权访问此页面。" in response.get_data(as_text=True)


def test_form_validation_messages_are_translated(client):
    page = client.post("/login", data={"login": "", "password": ""}).get_data(as_text=True)
    assert "Isi “Email atau NISN”." in page  # the required message names the field by its label
