"""Reading a backup archive from disk without trusting it (issue 13.10 for ZIPs restore reads).

The ZIP directory is read and checked before a single member is unpacked: the number of
members, every member's name (no absolute paths, no `..`, no links), each declared unpacked
size, the total, and the packing ratio of big members. Python's zipfile never unpacks more
than a member declares (a member that lies fails its CRC check), so the declared sizes bound
the work, and the total must also fit on the disk that receives it.
"""

import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from eduplatform.archives import excess
from eduplatform.errors import Invalid

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    """What a backup may unpack to; settings RESTORE_MAX_* override the defaults."""

    members: int = 1_000_000  # a city's evidence photos, one member each
    member_bytes: int = 64 * GiB  # the database; an upload is at most 15 MB
    total_bytes: int = 512 * GiB
    ratio: int = 200  # photos do not pack; JSON lines about 10 to 1; bombs 1000 to 1
    ratio_from_bytes: int = 1 * MiB  # small members may pack well without harm

    @classmethod
    def from_config(cls, config):
        values = {
            name: int(config[f"RESTORE_MAX_{name.upper()}"])
            for name in cls.__dataclass_fields__
            if config.get(f"RESTORE_MAX_{name.upper()}") is not None
        }
        return cls(**values)


def damaged(reason):
    return Invalid.field("file", f"The backup file is damaged: {reason}.")


def refused(reason):
    return Invalid.field("file", f"The backup file was not unpacked: {reason}.")


def _safe_name(name):
    path = PurePosixPath(name)
    return not (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or ":" in path.parts[0]
        or any(part in ("", ".", "..") for part in path.parts)
    )


def _allowed_member(names):
    """The check of each member's name and kind (every name once, no links, no encryption)."""

    def check(member):
        if not _safe_name(member.filename) or member.filename in names:
            raise refused(f"the member name {member.filename[:80]!r} is not allowed")
        names.add(member.filename)
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode) or member.flag_bits & 0x1:
            raise refused(f"{member.filename} is a link or encrypted")

    return check


def _refusal(found, limits):
    """The sentence for a limit the directory goes beyond (eduplatform.archives.excess)."""
    name = found.member.filename if found.member is not None else ""
    if found.limit == "members":
        return refused(
            f"it holds {found.amount:,} members, more than the limit of {limits.members:,}"
        )
    if found.limit == "member_bytes":
        return refused(
            f"{name} would unpack to {found.amount:,} bytes, "
            f"more than the limit of {limits.member_bytes:,}"
        )
    if found.limit == "ratio":
        return refused(
            f"{name} is packed {found.amount:,} to 1 (more than {limits.ratio} to 1), as only "
            f"archives made to exhaust a server are"
        )
    return refused(
        f"it would unpack to {found.amount:,} bytes, more than the limit of {limits.total_bytes:,}"
    )


def open_archive(path, limits, *, room_for=None):
    """The checked ZipFile of a backup; Invalid (one sentence) for anything it should not be.

    `room_for`: a directory whose file system must have space for everything unpacked.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise damaged("it is not a complete eduplatform backup archive") from None
    try:
        members = archive.infolist()
        found = excess(members, limits, check_member=_allowed_member(set()))
        if found is not None:
            raise _refusal(found, limits)
        total = sum(member.file_size for member in members)
        if room_for is not None and total > shutil.disk_usage(room_for).free:
            raise refused(f"it unpacks to {total:,} bytes and {room_for} has less room than that")
    except Invalid:
        archive.close()
        raise
    return archive


def copy_member(archive, name, destination, expected_size):
    """Unpack one member into an open binary file, never more than it declared; its bytes."""
    written = 0
    try:
        with archive.open(name) as source:
            while chunk := source.read(MiB):
                written += len(chunk)
                if written > expected_size:
                    raise damaged(f"{name} is longer than the backup says")
                destination.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise damaged(f"{name} cannot be read ({error})") from None
    return written
