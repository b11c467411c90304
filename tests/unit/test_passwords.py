import pytest

from eduplatform.auth.passwords import password_problem


@pytest.mark.parametrize("password", ["short", "123456789", ""])
def test_passwords_under_ten_characters_are_refused(app, password):
    with app.app_context():
        assert password_problem(password)


@pytest.mark.parametrize("password", ["1234567890", "Password123", "qwertyuiop", "indonesia123"])
def test_common_passwords_are_refused_whatever_their_case(app, password):
    with app.test_request_context("/?lang=en"):
        assert "common" in str(password_problem(password))


@pytest.mark.parametrize(
    "password", ["kuda hitam berlari", "电动汽车维修技师培训计划", "no rules here!"]
)
def test_long_uncommon_passwords_need_no_composition_rules(app, password):
    with app.app_context():
        assert password_problem(password) is None


def test_passwords_are_stored_with_a_modern_kdf(make_user):
    user = make_user("teacher")
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("correct horse battery staple")
    assert not user.check_password("wrong password here")
