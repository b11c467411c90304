"""`eduplatform keys`: the keys that sign credentials, listed and rotated."""

import click
from flask.cli import with_appcontext

from eduplatform.cli import emit, json_option
from eduplatform.credentials import keys, service


@click.group("keys")
def keys_group():
    """Credential signing keys: list, rotate."""


def _described():
    described = []
    for kind in keys.KINDS:
        for position, key in enumerate(keys.all_keys(kind)):
            described.append(
                {
                    "generation": key.generation,
                    "kind": kind,
                    "id": service.public_jwk(key)["kid"]
                    if kind == "rsa"
                    else service.verification_method(key),
                    "file": str(key.path),
                    "signs": position == 0,
                }
            )
    return sorted(described, key=lambda k: (k["generation"], k["kind"]))


def _lines(described):
    return [
        f"{k['generation']:>4}  {k['kind']:<8} {'signs' if k['signs'] else 'verifies':<9}"
        f"{k['id']}  ({k['file']})"
        for k in described
    ]


@keys_group.command("list")
@json_option
@with_appcontext
def list_keys(as_json):
    """Every key: the newest generation signs, older ones stay published for verification."""
    described = _described()
    emit({"directory": str(keys.key_dir()), "keys": described}, as_json, _lines(described))


@keys_group.command("rotate")
@json_option
@with_appcontext
def rotate_keys(as_json):
    """Add a new generation of keys that signs from now on; the old keys stay published, so
    credentials signed before still verify. Run it on one host (the directory is shared)."""
    generation = keys.rotate()
    described = _described()
    emit(
        {"generation": generation, "directory": str(keys.key_dir()), "keys": described},
        as_json,
        [f"generation {generation} signs from now on", *_lines(described)],
    )
