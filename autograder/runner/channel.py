"""The outcome channel: how the student's process hands its record to the grader.

The grader creates the record file, readable and writable by itself only, and the supervisor
passes the worker an open descriptor to it (close-on-exec, so no program the notebook starts
holds it). Student code therefore cannot open the file by its name, and nothing it runs
through ``!cmd`` or ``subprocess`` can write to it. The worker appends one frame per save,
an 8-byte length and then the ``torch.save`` bytes, so a process killed in the middle of a
write leaves the frames before it intact; the grader reads the last complete frame.
"""
from __future__ import annotations

import io
import os
import struct
from typing import Any

import torch

__all__ = ["append_frame", "last_frame"]

_HEADER = struct.Struct("<Q")


def append_frame(fd: int, record: dict[str, Any]) -> None:
    """Append ``record`` as one frame to the open record file ``fd`` (opened with O_APPEND)."""
    buffer = io.BytesIO()
    torch.save(record, buffer)
    data = buffer.getvalue()
    os.write(fd, _HEADER.pack(len(data)) + data)


def last_frame(path: str | os.PathLike, limit: int) -> bytes | None:
    """The bytes of the last complete frame in the file at ``path``; None when there is none.

    Raises ValueError when that frame is longer than ``limit`` bytes.
    """
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        offset, last = 0, None
        while offset + _HEADER.size <= size:
            file.seek(offset)
            (length,) = _HEADER.unpack(file.read(_HEADER.size))
            if offset + _HEADER.size + length > size:
                break  # cut short by a kill: the frame before it stands
            last = (offset + _HEADER.size, length)
            offset += _HEADER.size + length
        if last is None:
            return None
        if last[1] > limit:
            raise ValueError(f"frame of {last[1]} bytes")
        file.seek(last[0])
        return file.read(last[1])
