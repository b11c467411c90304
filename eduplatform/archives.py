"""Opening ZIP archives from strangers: read the directory and refuse bombs before unpacking.

A ZIP says in its directory how many members it holds, how big each one is packed and unpacked.
Python's zipfile never unpacks more than a member declares (a member that lies fails its CRC),
so checking the declared sizes bounds the work an archive can ask for. The end record is read
by hand first, so that even the directory is not parsed when it is too large.
"""

import io
import struct
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from eduplatform.errors import Invalid

END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
MAX_COMMENT = 0xFFFF
MiB = 1024 * 1024


class ArchiveRefused(Invalid):
    """The archive was refused before anything in it was unpacked."""

    def __init__(self, message):
        super().__init__([{"row": None, "column": None, "field": None, "message": message}])


@dataclass(frozen=True)
class ZipLimits:
    members: int = 256
    directory_bytes: int = 256 * 1024
    member_bytes: int = 32 * MiB
    total_bytes: int = 64 * MiB
    # Packed ratio allowed for members big enough to matter (XML packs about 10 to 30 times).
    ratio: int = 100
    ratio_from_bytes: int = 1 * MiB


def _end_record(data):
    """(entries, directory size) from the end-of-central-directory record, or None."""
    tail = data[-(END_RECORD_SIZE + MAX_COMMENT) :]
    at = tail.rfind(END_RECORD)
    if at < 0 or len(tail) - at < END_RECORD_SIZE:
        return None
    _sig, _disk, _start_disk, _here, entries, size, _offset, _comment = struct.unpack(
        "<4s4H2LH", tail[at : at + END_RECORD_SIZE]
    )
    return entries, size


@dataclass(frozen=True)
class Excess:
    """What an archive's directory asks beyond a limit: `limit` names the limit ("members",
    "member_bytes", "ratio" or "total_bytes"), `amount` what the archive asks (members, bytes,
    or a packing ratio), `member` the part concerned (None for the count and the total)."""

    limit: str
    amount: int
    member: zipfile.ZipInfo | None = None


def excess(members, limits, check_member=None):
    """The first limit the directory `members` (ZipInfo) goes beyond, or None.

    `limits` has members, member_bytes, total_bytes, ratio and ratio_from_bytes (ZipLimits
    here, the backups' ops.archive.Limits). `check_member(member)`, when given, sees each member
    first (it raises for what its caller refuses besides sizes: names, links). Only declared
    sizes are read; nothing is unpacked.
    """
    if len(members) > limits.members:
        return Excess("members", len(members))
    total = 0
    for member in members:
        if check_member is not None:
            check_member(member)
        if member.file_size > limits.member_bytes:
            return Excess("member_bytes", member.file_size, member)
        packed = max(member.compress_size, 1)
        if member.file_size > limits.ratio_from_bytes and member.file_size > limits.ratio * packed:
            return Excess("ratio", member.file_size // packed, member)
        total += member.file_size
    if total > limits.total_bytes:
        return Excess("total_bytes", total)
    return None


def _too_many_parts(limits):
    return ArchiveRefused(
        _l(
            "The file holds more parts than it should (more than %(n)d); it was not opened.",
            n=limits.members,
        )
    )


def open_zip(data: bytes, limits: ZipLimits, *, unreadable, too_big) -> zipfile.ZipFile:
    """The archive in `data`, after its directory passed `limits`; raises ArchiveRefused.

    `unreadable` and `too_big` are the messages the caller's users understand (a workbook, a
    backup): what the file is, and what to do when it unpacks to more than the limits allow.
    """
    end = _end_record(data)
    if end is None:
        raise ArchiveRefused(unreadable)
    entries, directory_size = end
    # zip64 marks these fields 0xFFFF / 0xFFFFFFFF: far above any limit, so refused here too
    if entries > limits.members or directory_size > limits.directory_bytes:
        raise _too_many_parts(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ArchiveRefused(unreadable) from None
    found = excess(archive.infolist(), limits)
    if found is None:
        return archive
    archive.close()
    if found.limit == "members":
        raise _too_many_parts(limits)
    if found.limit == "ratio":
        raise ArchiveRefused(
            _l(
                "Part of the file is compressed %(n)d to 1, far more than real documents are; "
                "files like this are made to overload servers, so it was not opened.",
                n=found.amount,
            )
        )
    raise ArchiveRefused(too_big)
