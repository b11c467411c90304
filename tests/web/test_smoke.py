def test_healthz_reports_database_and_revision(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["revision"] == "0002"


def test_each_role_signs_in_and_sees_its_home(client, login):
    for role in ("admin", "office", "author", "teacher", "student"):
        user = login(role)
        page = client.get("/").get_data(as_text=True)
        assert user.full_name in page
        client.post("/logout")
