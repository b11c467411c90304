"""Email: written in the recipient's language, sent through SMTP once the transaction commits.

`send_after_commit(session, ...)` renders the message at once (in the recipient's language) and
hands it to the mail server only after `session` commits: an action that rolls back sends
nothing, and an email that cannot be sent (server down, address refused) is logged and counted
in `eduplatform_emails_total{outcome="failed"}` but never undoes the action it reports.

Sending uses Flask-Mailman (Django's well-worn email code). Settings (EDUPLATFORM_MAIL_*):
MAIL_HOST, MAIL_PORT, MAIL_SECURITY (starttls | ssl | none), MAIL_USERNAME, MAIL_PASSWORD,
MAIL_SENDER, MAIL_TIMEOUT, MAIL_CA_FILE. Without MAIL_HOST, development writes each message as
a file into MAIL_DIR (instance/mail) and logs where; production sends nothing and logs each
message as failed (set MAIL_HOST).
"""

import os
import smtplib
import ssl
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends.base import BaseEmailBackend
from flask_mailman.backends.smtp import EmailBackend as MailmanSMTPBackend
from flask_mailman.utils import DNS_NAME
from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.orm import Session

SECURITY_MODES = ("starttls", "ssl", "none")
OUTBOX = "eduplatform.outbox"

mail = Mail()

EMAILS = Counter(
    "eduplatform_emails_total", "Emails handed to the mail server", ["kind", "outcome"]
)


class MailSettingsError(RuntimeError):
    """Raised at start-up when the mail settings cannot work."""


class MailNotConfigured(RuntimeError):
    """Production has no EDUPLATFORM_MAIL_HOST: nothing can be sent."""


def init_app(app):
    """Translate EDUPLATFORM_MAIL_* into Flask-Mailman's settings and bind the extension."""
    config = app.config
    security = str(config["MAIL_SECURITY"]).lower()
    if security not in SECURITY_MODES:
        raise MailSettingsError(
            f"EDUPLATFORM_MAIL_SECURITY must be one of {', '.join(SECURITY_MODES)}, "
            f"not {config['MAIL_SECURITY']!r}."
        )
    for name in ("MAIL_USERNAME", "MAIL_PASSWORD"):
        # EDUPLATFORM_* values are read as JSON when they parse: a password such as "123456"
        # would become a number. Secrets are text: take them as typed.
        raw = os.environ.get(f"EDUPLATFORM_{name}")
        if raw is not None and not isinstance(config[name], str):
            config[name] = raw
    config["MAIL_DIR"] = config["MAIL_DIR"] or str(Path(app.instance_path) / "mail")
    config.update(
        MAIL_SERVER=config["MAIL_HOST"],
        MAIL_USE_TLS=security == "starttls",
        MAIL_USE_SSL=security == "ssl",
        MAIL_DEFAULT_SENDER=config["MAIL_SENDER"],
        MAIL_FILE_PATH=config["MAIL_DIR"],
        MAIL_BACKEND=_backend(config),
    )
    mail.init_app(app)
    if not config["MAIL_HOST"] and config["ENV"] == "production":
        app.logger.warning("EDUPLATFORM_MAIL_HOST is not set: no email will be sent")


def _backend(config):
    if config["MAIL_HOST"]:
        return SMTPBackend
    if config["ENV"] == "production":
        return UnconfiguredBackend
    return "file"


def _tls_context():
    """Certificates are verified (also after STARTTLS); MAIL_CA_FILE adds a private CA."""
    return ssl.create_default_context(cafile=current_app.config.get("MAIL_CA_FILE") or None)


class SMTPBackend(MailmanSMTPBackend):
    """Flask-Mailman's SMTP backend, but STARTTLS checks the server's certificate too.

    (Flask-Mailman 1.1 upgrades with smtplib's default context, which accepts any certificate.)
    """

    def open(self):
        if self.connection:
            return False
        params = {"local_hostname": DNS_NAME.get_fqdn(), "timeout": self.timeout}
        try:
            if self.use_ssl:
                self.connection = smtplib.SMTP_SSL(
                    self.host, self.port, context=_tls_context(), **params
                )
            else:
                self.connection = smtplib.SMTP(self.host, self.port, **params)
                if self.use_tls:
                    self.connection.starttls(context=_tls_context())
            if self.username and self.password:
                self.connection.login(self.username, self.password)
        except OSError:
            if self.connection is not None:
                self.connection.close()
                self.connection = None
            if not self.fail_silently:
                raise
            return None
        return True


class UnconfiguredBackend(BaseEmailBackend):
    """Production without a mail server: every message fails, visibly, and nothing else."""

    def send_messages(self, email_messages):
        raise MailNotConfigured("EDUPLATFORM_MAIL_HOST is not set")


@dataclass
class Outgoing:
    kind: str
    message: EmailMessage
    app: object


def compose(*, to, locale, subject, template, **context):
    """An EmailMessage in `locale`: `subject` (a lazy string) and `mail/<template>.txt`."""
    locale = locale if locale in current_app.config["LANGUAGES"] else None
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject_text = " ".join(str(subject).split())  # one line: no header injection
        # Straight from the environment: the pages' context processors expect a request.
        body = current_app.jinja_env.get_template(f"mail/{template}.txt").render(**context)
    message = EmailMessage(
        subject=subject_text,
        body=body,
        from_email=current_app.config["MAIL_SENDER"],
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": locale or "id"},
    )
    return message


def send_after_commit(session: Session, *, to, locale, subject, template, **context):
    """Compose a message now; the mail server gets it once `session` commits (never before)."""
    message = compose(to=to, locale=locale, subject=subject, template=template, **context)
    if not session.in_transaction():
        session.begin()  # so that a rollback before any write still drops the message
    outbox = session.info.setdefault(OUTBOX, [])
    outbox.append(Outgoing(template, message, current_app._get_current_object()))
    return message


def send_to_user(session: Session, *, user, subject, template, **context):
    """send_after_commit to a user's address, in the user's language; False when they have none."""
    if not user.email:
        return False
    send_after_commit(
        session,
        to=user.email,
        locale=user.locale,
        subject=subject,
        template=template,
        user=user,
        **context,
    )
    return True


@event.listens_for(Session, "after_commit")
def _send_outbox(session):
    outbox = session.info.pop(OUTBOX, None)
    if outbox:
        deliver(outbox)


@event.listens_for(Session, "after_soft_rollback")
def _drop_outbox(session, previous_transaction):
    if previous_transaction.parent is None:  # the whole transaction: its emails go with it
        session.info.pop(OUTBOX, None)


def send_now(*, kind, message):
    """Send one message at once (commands); True when the mail server took it."""
    return deliver([Outgoing(kind, message, current_app._get_current_object())]) == 1


def deliver(outbox):
    """Send each message; returns how many went out. Failures are logged and counted, never
    raised to the caller."""
    app = outbox[0].app
    if has_app_context() and current_app._get_current_object() is app:
        return _deliver(app, outbox)
    with app.app_context():
        return _deliver(app, outbox)


def _deliver(app, outbox):
    sent = 0
    connection = mail.get_connection()
    try:
        connection.open()
    except Exception as error:  # a mail failure must never undo the action
        for item in outbox:
            _failed(app, item, error)
        return sent
    try:
        for item in outbox:
            try:
                item.message.connection = connection
                item.message.send()
            except Exception as error:
                _failed(app, item, error)
            else:
                sent += 1
                EMAILS.labels(item.kind, "sent").inc()
                if app.config["MAIL_BACKEND"] == "file":
                    app.logger.info(
                        "email %r written to %s (no EDUPLATFORM_MAIL_HOST)",
                        item.kind,
                        app.config["MAIL_DIR"],
                    )
    finally:
        with suppress(Exception):  # the messages went out; a failed QUIT changes nothing
            connection.close()
    return sent


def _failed(app, item, error):
    EMAILS.labels(item.kind, "failed").inc()
    # The address and the text stay out of the log: the text may carry a sign-in link.
    # A site run without a mail server (warned at start-up) is a choice, not a fault.
    log = app.logger.warning if isinstance(error, MailNotConfigured) else app.logger.error
    log(
        "email %r not sent: %s %s",
        item.kind,
        type(error).__name__,
        getattr(error, "smtp_code", "") or "",
        extra={"fields": {"email_kind": item.kind, "error": type(error).__name__}},
    )
