"""Whole-site backups: the database, the uploaded files and (when asked) the signing keys in
one archive, and a restore that checks every row and file before it keeps anything.

Archive (a ZIP): `manifest.json` (format, schema revision, row counts and checksums per table,
size and SHA-256 of every file); `database/...` (eduplatform.ops.backup); `uploads/<name>`; and
the signing keys either as `keys.sealed` (scrypt + AES-GCM under a passphrase,
eduplatform.ops.keyvault) or, only when the operator says so, as plain `keys/<name>` files.

Restore refuses, in one sentence and before it changes anything, a database that was never
migrated or is at another schema revision, a target that already holds data (without --force),
a wrong passphrase, a damaged archive and one that would unpack to more than the limits allow
(eduplatform.ops.archive). Files are unpacked into a staging directory and checked; the rows
are loaded and checked in one transaction; only then are the files moved into place.
"""

import hashlib
import json
import os
import secrets
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from eduplatform.errors import Invalid
from eduplatform.ops import backup as database
from eduplatform.ops import keyvault
from eduplatform.ops.archive import Limits, copy_member, damaged, open_archive

FORMAT = "eduplatform-site-backup/1"
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 512 * 1024 * 1024
SEALED_KEYS = "keys.sealed"
PACKED_ALREADY = {".jpg", ".jpeg", ".png", ".webp", ".pdf"}


def signing_key_files(app):
    """The files that hold the site's signing keys (every generation, in SIGNING_KEY_DIR)."""
    from eduplatform.credentials.keys import key_files

    return key_files(app)


def signing_key_destination(app, names):
    """Where restored key files go: {name in the backup: path on this site}."""
    from eduplatform.credentials.keys import KEY_FILE, key_dir

    strange = [name for name in names if not KEY_FILE.match(name)]
    if strange:
        raise Invalid.field("file", f"The backup holds a key file this release does not know: "
                                    f"{strange[0]}.")  # fmt: skip
    return {name: key_dir(app) / name for name in names}


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _upload_files(upload_dir):
    root = Path(upload_dir)
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.name[0] != "."
    )


def write_backup(app, engine, destination, *, keys=None, passphrase=None):
    """Write the site's archive to `destination`; `keys` is None, "sealed" or "plain"."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.partial")
    manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds")}
    try:
        with (
            tempfile.TemporaryDirectory(dir=destination.parent) as workdir,
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
            part = database.write_database(engine, archive, workdir)
            manifest["revision"] = part.pop("revision")
            manifest["database"] = part
            manifest["uploads"] = _write_uploads(archive, Path(app.config["UPLOAD_DIR"]))
            manifest["keys"] = _write_keys(archive, app, keys, passphrase)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        os.chmod(partial, 0o600)  # rows of minors, and perhaps the keys
        partial.replace(destination)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _write_uploads(archive, upload_dir):
    listed = []
    for path in _upload_files(upload_dir):
        name = path.relative_to(upload_dir).as_posix()
        kind = zipfile.ZIP_STORED if path.suffix.lower() in PACKED_ALREADY else zipfile.ZIP_DEFLATED
        archive.write(path, f"uploads/{name}", compress_type=kind)
        listed.append({"name": name, "size": path.stat().st_size, "sha256": _sha256(path)})
    return listed


def _write_keys(archive, app, keys, passphrase):
    if keys is None:
        return None
    files = keyvault.read_key_files(signing_key_files(app))
    listed = [
        {"name": k.name, "size": len(k.data), "sha256": hashlib.sha256(k.data).hexdigest()}
        for k in files
    ]
    if keys == "sealed":
        header, sealed = keyvault.seal(files, passphrase)
        archive.writestr(SEALED_KEYS, sealed)
        return {"files": listed, "sealed": header}
    for key in files:
        archive.writestr(f"keys/{key.name}", key.data)
    return {"files": listed, "sealed": None}


# Restore.


def _check_database(engine, manifest_revision, force):
    try:
        with engine.connect() as connection:
            current = database.revision(connection)
            empty = current is not None and database.is_empty(connection)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise Invalid.field("database", f"The database cannot be reached: {reason}.") from None
    if current is None:
        raise Invalid.field(
            "database",
            "This database has not been migrated: run `eduplatform db upgrade` first, "
            "then restore.",
        )
    if current != sorted(manifest_revision):
        raise Invalid.field(
            "file",
            f"The backup is at schema revision {', '.join(manifest_revision)} and this database "
            f"at {', '.join(current)}: bring the database to the backup's revision first "
            f"(`eduplatform db upgrade` with the release the backup came from).",
        )
    if not empty and not force:
        raise Invalid.field(
            "force",
            "This database already holds data: restore into an empty one, or add --force to "
            "replace its contents with the backup.",
        )


def _read_manifest(archive):
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError:
        raise damaged("it has no manifest") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise damaged("its manifest is larger than any site's")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise damaged(f"its manifest cannot be read ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise damaged("it is not an eduplatform site backup")
    shape = {"revision": list, "database": dict, "uploads": list}
    if any(not isinstance(manifest.get(k), t) for k, t in shape.items()) or not isinstance(
        manifest["database"].get("tables"), dict
    ):
        raise damaged("its manifest is incomplete")
    return manifest


def _open_keys(archive, manifest, passphrase, without_keys):
    listed = manifest.get("keys")
    if not listed or without_keys:
        return []
    if listed.get("sealed"):
        if passphrase is None:
            raise Invalid.field(
                "passphrase",
                "This backup holds encrypted signing keys: give the passphrase "
                "(--passphrase-stdin), or restore without them (--without-keys).",
            )
        try:
            sealed = archive.read(SEALED_KEYS)
        except (KeyError, zipfile.BadZipFile, OSError):
            raise damaged("its sealed signing keys are missing or unreadable") from None
        files = keyvault.open_sealed(listed["sealed"], sealed, passphrase)
    else:
        try:
            files = [
                keyvault.KeyFile(k["name"], archive.read(f"keys/{k['name']}"))
                for k in listed["files"]
            ]
        except (KeyError, zipfile.BadZipFile, OSError):
            raise damaged("a signing key file is missing or unreadable") from None
    expected = {k["name"]: k["sha256"] for k in listed["files"]}
    found = {k.name: hashlib.sha256(k.data).hexdigest() for k in files}
    if found != expected:
        raise damaged("its signing keys do not match their checksums")
    return files


def _stage_uploads(archive, manifest, staging):
    listed = manifest.get("uploads") or []
    members = {n for n in archive.namelist() if n.startswith("uploads/")}
    if members != {f"uploads/{f['name']}" for f in listed}:
        raise damaged("its uploaded files differ from the list in its manifest")
    total = 0
    for entry in listed:
        target = staging / entry["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with open(target, "wb") as handle:
            size = copy_member(archive, f"uploads/{entry['name']}", _Hashing(handle, digest),
                               int(entry["size"]))  # fmt: skip
        if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
            raise damaged(f"the file {entry['name']} does not match its checksum")
        total += size
    return len(listed), total


class _Hashing:
    """A file wrapper that hashes what is written through it."""

    def __init__(self, handle, digest):
        self.handle, self.digest = handle, digest

    def write(self, data):
        self.digest.update(data)
        return self.handle.write(data)


def _existing_conflicts(upload_dir, staged_names, key_targets, keys):
    clashes = [name for name in staged_names if (upload_dir / name).exists()]
    clashes += [
        str(path)
        for key in keys
        if (path := key_targets[key.name]).exists() and path.read_bytes() != key.data
    ]
    return clashes


def _install_keys(keys, targets):
    for key in keys:
        path = targets[key.name]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".restored-key-")
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(key.data)
        os.replace(temporary, path)


def restore_backup(app, engine, source, *, force=False, passphrase=None, without_keys=False):
    """Put a site archive back; a summary of what was restored, or Invalid before any change."""
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    if _is_legacy(source):
        return _restore_legacy(engine, source, force)
    limits = Limits.from_config(app.config)
    with open_archive(source, limits, room_for=upload_dir) as archive:
        manifest = _read_manifest(archive)
        _check_database(engine, manifest.get("revision") or [], force)
        keys = _open_keys(archive, manifest, passphrase, without_keys)
        key_targets = signing_key_destination(app, [k.name for k in keys])
        with tempfile.TemporaryDirectory(dir=upload_dir.parent, prefix=".restore-") as work:
            staging = Path(work) / "uploads"
            staging.mkdir()
            files, size = _stage_uploads(archive, manifest, staging)
            staged = [p.relative_to(staging) for p in _upload_files(staging)]
            clashes = _existing_conflicts(upload_dir, staged, key_targets, keys)
            if clashes and not force:
                raise Invalid.field(
                    "force",
                    f"This site already has {len(clashes)} of the backup's files or a different "
                    f"signing key ({clashes[0]}): add --force to replace them.",
                )
            try:
                data = database.read_database(archive, manifest["database"], work)
            except (KeyError, ValueError, TypeError, zipfile.BadZipFile, SQLAlchemyError):
                raise damaged("its database part cannot be read") from None
            with engine.begin() as connection:
                try:
                    checksums = database.load_rows(connection, data)
                except SQLAlchemyError as error:
                    reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
                    raise damaged(f"its rows do not load ({reason})") from None
                if checksums != manifest["database"]["tables"]:
                    wrong = sorted(
                        name
                        for name in checksums
                        if checksums[name] != manifest["database"]["tables"].get(name)
                    )
                    raise damaged(f"the restored rows of {', '.join(wrong[:3])} do not match")
                for name in staged:
                    (upload_dir / name).parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(staging / name, upload_dir / name)
                _install_keys(keys, key_targets)
    return {
        "revision": manifest["revision"],
        "tables": checksums,
        "rows": sum(t["rows"] for t in checksums.values()),
        "files": files,
        "bytes": size,
        "keys": sorted(k.name for k in keys),
        "keys_left_out": bool(manifest.get("keys")) and without_keys,
    }


def _is_legacy(source):
    with open(source, "rb") as handle:
        head = handle.read(16)
    if head == database.SQLITE_MAGIC:
        return True
    try:
        with zipfile.ZipFile(source) as archive:
            manifest = json.loads(archive.read(MANIFEST)) if MANIFEST in archive.namelist() else {}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == database.LEGACY_FORMAT


def _restore_legacy(engine, source, force):
    """A database-only backup of an earlier release: rows only, no files or keys."""
    try:
        revision, data = database.legacy_rows(source)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, SQLAlchemyError):
        raise damaged("its database cannot be read") from None
    _check_database(engine, revision, force)
    with engine.begin() as connection:
        checksums = database.load_rows(connection, data)
    return {
        "revision": revision,
        "tables": checksums,
        "rows": sum(t["rows"] for t in checksums.values()),
        "files": 0,
        "bytes": 0,
        "keys": [],
        "keys_left_out": False,
    }
