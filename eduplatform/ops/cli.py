"""`eduplatform backup`, `restore` and `serve`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option, refuse
from eduplatform.db import get_engine
from eduplatform.errors import Invalid
from eduplatform.ops import site
from eduplatform.ops.serve import default_workers, exec_gunicorn


def _passphrase(from_stdin, confirm):
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.UsageError("--passphrase-stdin: the first line of standard input is empty.")
        return line
    return click.prompt("Passphrase for the signing keys", hide_input=True,
                        confirmation_prompt=confirm)  # fmt: skip


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-keys", is_flag=True,
              help="Include the signing keys, encrypted with a passphrase.")  # fmt: skip
@click.option("--passphrase-stdin", is_flag=True,
              help="Read the keys' passphrase from the first line of standard input.")  # fmt: skip
@click.option("--unencrypted-keys", is_flag=True,
              help="With --with-keys: store the keys without encryption (keep FILE as safe as "
                   "the keys themselves).")  # fmt: skip
@json_option
@with_appcontext
def backup_command(file, with_keys, passphrase_stdin, unencrypted_keys, as_json):
    """Write the database, the uploaded files and (--with-keys) the signing keys to FILE,
    consistently, while the site keeps running."""
    if unencrypted_keys and not with_keys:
        raise click.UsageError("--unencrypted-keys goes with --with-keys.")
    keys, passphrase = None, None
    if with_keys and unencrypted_keys:
        keys = "plain"
    elif with_keys:
        keys, passphrase = "sealed", _passphrase(passphrase_stdin, confirm=True)
    manifest = site.write_backup(current_app, get_engine(), file, keys=keys, passphrase=passphrase)
    rows = sum(t["rows"] for t in manifest["database"]["tables"].values())
    size = sum(f["size"] for f in manifest["uploads"])
    key_count = len(manifest["keys"]["files"]) if manifest["keys"] else 0
    lines = [
        f"backup written to {file}: {rows} rows in {len(manifest['database']['tables'])} tables, "
        f"{len(manifest['uploads'])} uploaded files ({size:,} bytes), "
        + (f"{key_count} signing key file(s)" if keys else "no signing keys")
    ]
    if keys == "plain":
        lines.append(
            f"WARNING: the signing keys are in {file} unencrypted: whoever holds the file can "
            "sign credentials in this platform's name. Keep it as safe as the keys."
        )
    elif keys is None:
        lines.append(
            "Note: the signing keys are not in the backup; keep a copy of them apart, or use "
            "--with-keys, or credentials issued so far will not verify on a restored site."
        )
    if as_json:
        emit({"file": str(file), "tables": manifest["database"]["tables"], **manifest}, True)
    else:
        emit({}, False, lines)


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace the data and files of a site that is not empty.")  # fmt: skip
@click.option("--passphrase-stdin", is_flag=True,
              help="Read the keys' passphrase from the first line of standard input.")  # fmt: skip
@click.option("--without-keys", is_flag=True, help="Leave the backup's signing keys out.")
@json_option
@with_appcontext
def restore_command(file, force, passphrase_stdin, without_keys, as_json):
    """Put FILE (made by `eduplatform backup`) back: rows, uploaded files and signing keys,
    each checked against the backup's counts and checksums."""
    passphrase = _passphrase(True, False) if passphrase_stdin else None
    try:
        result = site.restore_backup(current_app, get_engine(), file, force=force,
                                     passphrase=passphrase, without_keys=without_keys)  # fmt: skip
    except Invalid as refused:
        refuse(refused, as_json)
    lines = [
        f"restored from {file}: {result['rows']} rows in {len(result['tables'])} tables, "
        f"{result['files']} uploaded files ({result['bytes']:,} bytes) and "
        f"{len(result['keys'])} signing key file(s), at schema revision "
        f"{', '.join(result['revision'])}; every row count and checksum matches the backup."
    ]
    if result["keys_left_out"]:
        lines.append("The backup's signing keys were left out (--without-keys).")
    emit({"file": str(file), **result}, as_json, lines)


@click.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True, envvar="EDUPLATFORM_BIND")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=default_workers,
    help="Worker processes (EDUPLATFORM_WORKERS; default cores + 1).",
)
@click.option("--threads", type=click.IntRange(min=1), default=1, envvar="EDUPLATFORM_THREADS")
@click.option("--timeout", type=click.IntRange(min=1), default=60, show_default=True)
@with_appcontext
def serve_command(bind, workers, threads, timeout):
    """Serve the app under gunicorn, in production mode, with JSON logs."""
    from eduplatform import create_app
    from eduplatform.config import ConfigurationError

    try:  # the same checks every worker will make, once, with a readable message
        create_app({"ENV": "production"})
    except ConfigurationError as missing:
        raise click.ClickException(str(missing)) from None
    exec_gunicorn(
        bind=bind,
        workers=workers,
        threads=threads,
        timeout=timeout,
        metrics_dir=Path(current_app.instance_path) / "metrics",
    )


@click.group("mail")
def mail_group():
    """Email settings (EDUPLATFORM_MAIL_*)."""


@mail_group.command("test")
@click.option("--to", "address", required=True, help="Where to send the test message.")
@click.option("--lang", type=click.Choice(["id", "en", "zh"]), default="id", show_default=True)
@json_option
@with_appcontext
def mail_test_command(address, lang, as_json):
    """Send a test message now; exit 1 when the mail server does not take it."""
    from flask_babel import lazy_gettext as _l

    from eduplatform import mail

    message = mail.compose(
        to=address, locale=lang, subject=_l("eduplatform: test message"), template="test"
    )
    if not mail.send_now(kind="test", message=message):
        refuse(
            [{"field": "to", "message": "the mail server did not take the message (see the log)"}],
            as_json,
        )
    config = current_app.config
    where = (
        f"{config['MAIL_HOST']}:{config['MAIL_PORT']}"
        if config["MAIL_HOST"]
        else config["MAIL_DIR"]
    )
    emit(
        {"sent": True, "to": address, "via": where},
        as_json,
        [f"test message sent to {address} via {where}"],
    )
