"""`eduplatform tokens`: personal access tokens for scripts and tests."""

import click
from flask.cli import with_appcontext
from sqlmodel import select

from eduplatform.api import service
from eduplatform.api.models import ApiToken, TokenScope
from eduplatform.cli import emit, json_option, refuse
from eduplatform.db import new_session
from eduplatform.errors import Invalid
from eduplatform.people.models import User
from eduplatform.people.service import normalize_email


@click.group("tokens")
def tokens():
    """API tokens (personal access tokens)."""


def _user(session, email, as_json):
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None:
        refuse([{"field": "email", "message": "No account has this email address."}], as_json)
    return user


@tokens.command("create")
@click.option("--email", required=True, help="The account the token acts for.")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in TokenScope]),
    default=TokenScope.READ.value,
    show_default=True,
)
@click.option("--name", default="Command line", show_default=True)
@click.option("--expires", type=click.DateTime(["%Y-%m-%d"]), help="Last day it works.")
@json_option
@with_appcontext
def create_token(email, scope, name, expires, as_json):
    """Create a token; it is printed once and only its hash is kept."""
    with new_session() as session:
        user = _user(session, email, as_json)
        try:
            token, raw = service.create_token(
                session,
                actor=None,
                user=user,
                name=name,
                scope=scope,
                expires_on=expires.date() if expires else None,
            )
        except Invalid as refused:
            refuse(refused, as_json)
        expires_on = service.expiry_date(token)
        emit(
            {
                "token": raw,
                "id": token.id,
                "name": token.name,
                "scope": token.scope,
                "expires_on": expires_on.isoformat() if expires_on else None,
                "user": {"id": user.id, "email": user.email},
            },
            as_json,
            [f"token {token.id} for {user.email} ({token.scope}):", raw],
        )


@tokens.command("revoke")
@click.option("--id", "token_id", type=int, required=True)
@json_option
@with_appcontext
def revoke_token(token_id, as_json):
    """Revoke a token by its id."""
    with new_session() as session:
        token = session.get(ApiToken, token_id)
        if token is None:
            refuse([{"field": "id", "message": "There is no token with this id."}], as_json)
        service.revoke_token(session, actor=None, token=token)
        emit(
            {"token": {"id": token.id, "revoked_at": token.revoked_at.isoformat()}},
            as_json,
            [f"token {token.id} revoked"],
        )
