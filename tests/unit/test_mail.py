"""Email through a real SMTP server: sent after commit, in the recipient's language, over
verified TLS, and a failure never undoes the action."""

import datetime
import ipaddress
import json
import logging
import ssl

import pytest
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask_babel import lazy_gettext as _l
from prometheus_client import REGISTRY
from sqlmodel import select

from eduplatform import create_app, mail
from eduplatform.db import get_engine, new_session
from eduplatform.people.models import Organization
from tests.smtp import Mailbox, free_port, start_server

SUBJECT = _l("eduplatform: test message")


def _failures(kind="test"):
    return (
        REGISTRY.get_sample_value("eduplatform_emails_total", {"kind": kind, "outcome": "failed"})
        or 0
    )


@pytest.fixture
def app_with(app, app_config):
    """create_app with these settings, on the test database (emptied after the test)."""
    made = []

    def make(**settings):
        made.append(create_app({**app_config, **settings}))
        return made[-1]

    yield make
    for other in made:
        get_engine(other).dispose()


def _add_org_and_mail(app, *, to="rina@example.org", locale="id", commit=True):
    with app.app_context(), new_session(app) as session:
        session.add(Organization(kind="office", name="Dinas Pendidikan"))
        mail.send_after_commit(session, to=to, locale=locale, subject=SUBJECT, template="test")
        if commit:
            session.commit()
        else:
            session.rollback()


def _org_names(app):
    with app.app_context(), new_session(app, write=False) as session:
        return session.exec(select(Organization.name)).all()


@pytest.mark.parametrize(
    ("locale", "subject", "body"),
    [
        ("id", "eduplatform: pesan uji", "pengaturan email berfungsi"),
        ("en", "eduplatform: test message", "the mail settings work"),
        ("zh", "eduplatform：测试邮件", "邮件设置可用"),
    ],
)
def test_message_goes_out_after_commit_in_the_recipients_language(
    app, mailbox, locale, subject, body
):
    _add_org_and_mail(app, locale=locale)
    received = mailbox.last("rina@example.org")
    assert received.subject == subject
    assert body in received.text
    assert received.header("Content-Language") == locale
    assert received.header("Auto-Submitted") == "auto-generated"
    assert received.mail_from == "no-reply@eduplatform.test"


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(app, mailbox):
    with app.app_context(), new_session(app) as session:
        mail.send_after_commit(
            session, to="a@example.org", locale="en", subject=SUBJECT, template="test"
        )
        session.flush()
        assert mailbox.messages == []  # queued, not sent, inside the transaction
        session.rollback()
        session.add(Organization(kind="office", name="Later"))
        session.commit()  # a later transaction does not send the rolled-back one's email
    assert mailbox.messages == []
    assert _org_names(app) == ["Later"]


def test_a_mail_server_that_is_down_does_not_undo_the_action(app_with, caplog):
    app = app_with(MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    before = _failures()
    with caplog.at_level(logging.ERROR):
        _add_org_and_mail(app)
    assert _org_names(app) == ["Dinas Pendidikan"]
    assert _failures() == before + 1
    assert "email 'test' not sent: ConnectionRefusedError" in caplog.text
    assert "rina@example.org" not in caplog.text  # no address (nor link) in the log


def test_development_without_a_mail_server_writes_messages_to_files(app_with, tmp_path):
    directory = tmp_path / "outbox"
    app = app_with(MAIL_HOST=None, MAIL_DIR=str(directory))
    _add_org_and_mail(app, locale="en")
    (written,) = directory.iterdir()
    assert "the mail settings work" in written.read_text()


def test_production_without_a_mail_server_sends_nothing_and_says_so(app_with, caplog):
    app = app_with(MAIL_HOST=None, ENV="production")
    before = _failures()
    with caplog.at_level(logging.WARNING):
        _add_org_and_mail(app)
    assert _org_names(app) == ["Dinas Pendidikan"]
    assert _failures() == before + 1
    (record,) = [r for r in caplog.records if "MailNotConfigured" in r.getMessage()]
    assert record.levelno == logging.WARNING  # the operator's choice, warned at start-up


def test_an_unknown_security_mode_refuses_to_start(app_config):
    with pytest.raises(mail.MailSettingsError, match="starttls, ssl, none"):
        create_app({**app_config, "MAIL_SECURITY": "tls"})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


class Accounts:
    """Accepts one user name and password, like a mail provider's relay."""

    def __init__(self, user, password):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok)


@pytest.fixture
def starttls_server(certificate):
    box = Mailbox()
    controller = start_server(
        box,
        tls_context=_server_context(certificate),
        require_starttls=True,
        authenticator=Accounts("relay-user", "123456"),
        auth_required=True,
    )
    yield controller
    controller.stop()


def _tls_app(app_with, server, certificate, **settings):
    return app_with(
        **{
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": server.port,
            "MAIL_CA_FILE": str(certificate[0]),
            **settings,
        }
    )


def test_starttls_with_login_to_a_relay(app_with, starttls_server, certificate, monkeypatch):
    # A numeric password from the environment stays text (EDUPLATFORM_* values parse as JSON).
    monkeypatch.setenv("EDUPLATFORM_MAIL_PASSWORD", "123456")
    monkeypatch.setenv("EDUPLATFORM_MAIL_USERNAME", "relay-user")
    app = _tls_app(app_with, starttls_server, certificate, MAIL_SECURITY="starttls")
    assert app.config["MAIL_PASSWORD"] == "123456"
    _add_org_and_mail(app, locale="en")
    assert starttls_server.handler.last("rina@example.org").subject == "eduplatform: test message"


def test_starttls_refuses_a_certificate_it_cannot_verify(
    app_with, starttls_server, certificate, monkeypatch, caplog
):
    monkeypatch.setenv("EDUPLATFORM_MAIL_PASSWORD", "123456")
    monkeypatch.setenv("EDUPLATFORM_MAIL_USERNAME", "relay-user")
    app = _tls_app(
        app_with, starttls_server, certificate, MAIL_SECURITY="starttls", MAIL_CA_FILE=None
    )
    with caplog.at_level(logging.ERROR):
        _add_org_and_mail(app)
    assert starttls_server.handler.messages == []
    assert "SSLCertVerificationError" in caplog.text
    assert _org_names(app) == ["Dinas Pendidikan"]


def test_implicit_tls(app_with, certificate):
    box = Mailbox()
    server = start_server(box, ssl_context=_server_context(certificate))
    try:
        app = _tls_app(app_with, server, certificate, MAIL_SECURITY="ssl")
        _add_org_and_mail(app, locale="zh")
    finally:
        server.stop()
    assert box.last("rina@example.org").subject == "eduplatform：测试邮件"


def test_mail_test_command_sends_now_and_reports(app, runner, mailbox):
    result = runner.invoke(args=["mail", "test", "--to", "ops@example.org", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sent"] is True
    assert "pesan uji" in mailbox.last("ops@example.org").subject


def test_mail_test_command_exits_1_when_the_server_refuses(app_with):
    app = app_with(MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    result = app.test_cli_runner().invoke(args=["mail", "test", "--to", "ops@example.org"])
    assert result.exit_code == 1
    assert "did not take the message" in result.output
