"""A whole-site backup restored on a fresh instance: rows, photos and the signing key come back,
a credential issued before the backup still verifies; every refusal is one sentence, exit 1."""

import io
import json
import shutil
import zipfile
from pathlib import Path

import jwt
import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import select

from eduplatform import create_app
from eduplatform.db import get_engine, make_engine, migration_connection
from eduplatform.ops import site
from eduplatform.training.models import Certificate, UnitCompletion
from tests.conftest import PASSWORD
from tests.training.conftest import jpeg_bytes

PASSPHRASE = "kunci cadangan sekolah 2026"


def _migrate(url):
    from alembic import command

    from eduplatform.cli import alembic_config

    engine = make_engine(url)
    with migration_connection(engine) as connection:
        command.upgrade(alembic_config(connection), "heads")
    engine.dispose()


@pytest.fixture
def fresh_database(database_url, tmp_path):
    """fresh_database(migrated=True): the URL of a new, empty database on the suite's server."""
    made = []

    def make(migrated=True):
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'fresh{len(made)}.sqlite3'}"
        else:
            base = make_url(database_url)
            name = f"{base.database}_fresh{len(made)}"
            _admin(database_url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
            url = base.set(database=name).render_as_string(False)
        made.append(url)
        if migrated:
            _migrate(url)
        return url

    yield make
    for url in made:
        if url.startswith("postgresql"):
            name = make_url(url).database
            _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(url, *statements):
    admin = make_engine(make_url(url).set(database="postgres").render_as_string(False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


@pytest.fixture
def fresh_instance(app_config, fresh_database, tmp_path):
    """fresh_instance(migrated=True): a second site: its own database, uploads and key file."""
    apps = []

    def make(migrated=True):
        site = tmp_path / f"site{len(apps)}"
        app = create_app(
            {
                **app_config,
                "DATABASE_URL": fresh_database(migrated),
                "UPLOAD_DIR": str(site / "uploads"),
                "SIGNING_KEY_DIR": str(site / "signing_keys"),
            }
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        get_engine(app).dispose()


@pytest.fixture
def site_with_history(app, db, training, log, verified, client, login):
    """A certificate (with its credential fetched) and a completion with an evidence photo."""
    verified("EV-101-U1", "EV-101-U2")
    photo = log("EV-102-U1", photo=io.BytesIO(jpeg_bytes(size=(320, 240))))
    login(training.student)
    certificate = db.exec(select(Certificate)).one()
    token = client.get(f"/certificates/{certificate.code}/credential").get_data(as_text=True)
    with client.get(f"/training/completions/{photo.id}/photo") as served:
        stored_photo = served.data
    client.post("/logout")
    return {"certificate": certificate, "token": token, "photo": photo, "photo_bytes": stored_photo}


def key_names(app):
    """The names of the site's signing key files (one file, or a directory of generations)."""
    names = sorted(path.name for path in site.signing_key_files(app))
    assert names
    return names


def _backup(runner, path, *args, input=None):
    result = runner.invoke(args=["backup", str(path), *args], input=input)
    assert result.exit_code == 0, result.output
    return result


def _restore(app, path, *args, input=None):
    return app.test_cli_runner().invoke(args=["restore", str(path), *args], input=input)


def _one_sentence_refusal(result, *words):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert line.startswith("error: ") and line.rstrip().endswith((".", ")"))
    for word in words:
        assert word in line, line
    return line


def test_a_fresh_instance_restored_from_a_backup_verifies_old_credentials_and_shows_photos(
    app, runner, site_with_history, fresh_instance, tmp_path
):
    archive = tmp_path / "site.bak"
    result = _backup(runner, archive, "--with-keys", "--passphrase-stdin", input=PASSPHRASE + "\n")
    assert "1 uploaded files" in result.output
    assert f"{len(key_names(app))} signing key file" in result.output
    raw = archive.read_bytes()
    assert b"PRIVATE KEY" not in raw  # sealed, not in the clear

    other = fresh_instance()
    restored = _restore(other, archive, "--passphrase-stdin", "--json", input=PASSPHRASE + "\n")
    assert restored.exit_code == 0, restored.output + restored.stderr
    summary = json.loads(restored.output)
    assert summary["files"] == 1 and summary["keys"] == key_names(app)
    assert summary["rows"] >= 10

    client = other.test_client()
    keys = jwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").get_json())
    token = site_with_history["token"]
    claims = jwt.decode(token, keys[jwt.get_unverified_header(token)["kid"]], algorithms=["RS256"])
    assert claims["jti"].endswith(site_with_history["certificate"].code)

    student = site_with_history["certificate"].student_id
    with other.app_context():
        from eduplatform.db import new_session
        from eduplatform.people.models import User

        with new_session(other) as db:
            email = db.get(User, student).email
    assert client.post("/login", data={"login": email, "password": PASSWORD}).status_code == 302
    with client.get(f"/training/completions/{site_with_history['photo'].id}/photo") as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
        assert photo.data == site_with_history["photo_bytes"]
        assert Image.open(io.BytesIO(photo.data)).size == (320, 240)
    page = client.get(f"/certificates/{site_with_history['certificate'].code}")
    assert page.status_code == 200


def test_backup_without_keys_says_so_and_restores_rows_and_files(
    app, runner, site_with_history, fresh_instance, tmp_path
):
    archive = tmp_path / "site.bak"
    result = _backup(runner, archive)
    assert "signing keys are not in the backup" in result.output
    other = fresh_instance()
    restored = _restore(other, archive)
    assert restored.exit_code == 0, restored.stderr
    assert "1 uploaded files" in restored.output and "0 signing key file(s)" in restored.output
    assert "every row count and checksum matches" in restored.output


def test_unencrypted_keys_come_with_a_warning_and_restore_without_a_passphrase(
    app, runner, site_with_history, fresh_instance, tmp_path
):
    archive = tmp_path / "site.bak"
    result = _backup(runner, archive, "--with-keys", "--unencrypted-keys")
    assert "WARNING" in result.output and "unencrypted" in result.output
    restored = _restore(fresh_instance(), archive, "--json")
    assert json.loads(restored.output)["keys"] == key_names(app)


@pytest.fixture
def archive(app, runner, site_with_history, tmp_path):
    path = tmp_path / "site.bak"
    _backup(runner, path, "--with-keys", "--passphrase-stdin", input=PASSPHRASE + "\n")
    return path


def test_restore_refuses_a_database_that_was_never_migrated(archive, fresh_instance):
    line = _one_sentence_refusal(
        _restore(fresh_instance(migrated=False), archive, "--passphrase-stdin", input=PASSPHRASE),
        "eduplatform db upgrade",
    )
    assert "not been migrated" in line


def test_restore_refuses_another_schema_revision(archive, fresh_instance):
    other = fresh_instance()
    with get_engine(other).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    _one_sentence_refusal(
        _restore(other, archive, "--passphrase-stdin", input=PASSPHRASE), "schema revision", "0001"
    )


def test_restore_refuses_a_site_that_holds_data_unless_forced(app, archive, db):
    before = db.exec(select(UnitCompletion)).all()
    _one_sentence_refusal(_restore(app, archive, "--passphrase-stdin", input=PASSPHRASE), "--force")
    forced = _restore(app, archive, "--force", "--passphrase-stdin", input=PASSPHRASE)
    assert forced.exit_code == 0, forced.stderr
    assert len(db.exec(select(UnitCompletion)).all()) == len(before)


def test_restore_refuses_a_wrong_or_missing_passphrase(archive, fresh_instance):
    other = fresh_instance()
    _one_sentence_refusal(
        _restore(other, archive, "--passphrase-stdin", input="wrong\n"), "passphrase"
    )
    _one_sentence_refusal(_restore(other, archive), "--passphrase-stdin", "--without-keys")
    left_out = _restore(other, archive, "--without-keys")
    assert left_out.exit_code == 0 and "left out" in left_out.output


def _rewrite(source, target, change):
    """Copy an archive member by member, letting `change(name, data)` alter or drop members."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)


def test_restore_refuses_damaged_archives_and_changes_nothing(archive, fresh_instance, tmp_path):
    other = fresh_instance()
    truncated = tmp_path / "truncated.bak"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    _one_sentence_refusal(_restore(other, truncated, "--without-keys"), "damaged")

    flipped = tmp_path / "flipped.bak"
    _rewrite(
        archive,
        flipped,
        lambda name, data: (
            data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("uploads/") else data
        ),
    )
    _one_sentence_refusal(_restore(other, flipped, "--without-keys"), "damaged", "checksum")

    rows_changed = tmp_path / "rows.bak"

    def change_rows(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            next(iter(manifest["database"]["tables"].values()))["sha256"] = "0" * 64
            return json.dumps(manifest)
        return data

    _rewrite(archive, rows_changed, change_rows)
    _one_sentence_refusal(_restore(other, rows_changed, "--without-keys"), "damaged", "match")

    with get_engine(other).connect() as connection:
        assert connection.execute(text('SELECT count(*) FROM "user"')).scalar() == 0
    uploads = other.config["UPLOAD_DIR"]
    assert not any(True for _ in Path(uploads).rglob("*.jpg"))


def test_restore_refuses_zip_bombs_before_unpacking(archive, fresh_instance, tmp_path):
    other = fresh_instance()
    bomb = tmp_path / "bomb.bak"
    shutil.copy(archive, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as added:
        added.writestr("uploads/zeros.jpg", b"\0" * (8 * 1024 * 1024))  # packs ~1000 to 1
    _one_sentence_refusal(_restore(other, bomb, "--without-keys"), "packed", "to 1")

    other.config["RESTORE_MAX_MEMBERS"] = 3
    _one_sentence_refusal(_restore(other, archive, "--without-keys"), "members", "limit")
    other.config["RESTORE_MAX_MEMBERS"] = None
    other.config["RESTORE_MAX_TOTAL_BYTES"] = 1024
    _one_sentence_refusal(_restore(other, archive, "--without-keys"), "limit of 1,024")
    other.config["RESTORE_MAX_TOTAL_BYTES"] = None

    escaping = tmp_path / "escaping.bak"
    shutil.copy(archive, escaping)
    with zipfile.ZipFile(escaping, "a") as added:
        added.writestr("uploads/../../outside.txt", b"x")
    _one_sentence_refusal(_restore(other, escaping, "--without-keys"), "not allowed")
    assert not (tmp_path / "outside.txt").exists()


def test_a_site_that_made_its_own_key_keeps_it_unless_forced(archive, fresh_instance):
    other = fresh_instance()
    own = other.test_client().get("/.well-known/jwks.json").get_json()  # creates a key
    _one_sentence_refusal(
        _restore(other, archive, "--passphrase-stdin", input=PASSPHRASE), "signing key", "--force"
    )
    assert other.test_client().get("/.well-known/jwks.json").get_json() == own
    forced = _restore(other, archive, "--force", "--passphrase-stdin", input=PASSPHRASE)
    assert forced.exit_code == 0, forced.output
    assert other.test_client().get("/.well-known/jwks.json").get_json() != own


def test_a_database_only_backup_of_an_earlier_release_still_restores(
    site_with_history, app, db, fresh_instance, tmp_path
):
    from eduplatform.ops.backup import table_checksums

    make = tmp_path / "legacy.bak"
    with get_engine(app).connect() as connection:
        before = table_checksums(connection)
    with zipfile.ZipFile(make, "w") as legacy, get_engine(app).connect() as connection:
        from eduplatform.ops import backup as database

        for table in database.tables():
            rows = [json.dumps({k: database._plain(v) for k, v in r._mapping.items()}, default=str)
                    for r in connection.execute(select(table))]  # fmt: skip
            legacy.writestr(f"{table.name}.jsonl", "\n".join(rows))
        legacy.writestr(
            "manifest.json",
            json.dumps({"format": "eduplatform-logical-backup/1",
                        "revision": database.revision(connection), "tables": before}),
        )  # fmt: skip
    other = fresh_instance()
    restored = _restore(other, make, "--json")
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output)["tables"] == before
    assert sum(t["rows"] for t in before.values()) >= 10
