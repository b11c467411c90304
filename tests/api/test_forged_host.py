"""API answers build public links from the configured site, never from the Host header (#13.14)."""

import jwt

FORGED = {"Host": "evil.example"}


def test_certificate_credential_statements_and_next_links_ignore_a_forged_host(
    api, world, verified
):
    verified("EV-101-U1", "EV-101-U2")
    student = world.student
    (summary,) = api("GET", "/certificates", student, headers=FORGED).get_json()["items"]
    code = summary["code"]
    one = api("GET", f"/certificates/{code}", student, headers=FORGED).get_json()
    assert one["verify_url"] == f"http://localhost/verify/{code}"
    document = api("GET", f"/certificates/{code}/credential", student, headers=FORGED)
    assert document.status_code == 200 and b"evil.example" not in document.data
    assert document.get_json()["issuer"]["id"] == "did:web:localhost"
    token = api("GET", f"/certificates/{code}/credential/jwt", student, headers=FORGED).get_json()
    signed = {
        **jwt.get_unverified_header(token),
        **jwt.decode(token, options={"verify_signature": False}),
    }
    assert "evil.example" not in str(signed)
    assert signed["kid"].startswith("http://localhost/credentials/keys/")
    statements = api("GET", "/xapi/statements?limit=1", world.office, headers=FORGED)
    assert b"evil.example" not in statements.data
    assert statements.headers["Link"].startswith("<http://localhost/api/v1/xapi/statements?")
