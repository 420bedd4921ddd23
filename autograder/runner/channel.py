"""The two pipes between the grader and the student's process: the grader asks, the worker answers.

Threat model: everything on the worker's side runs in the same process as the student's
code, so whatever the worker can write, a cell can write too. The channel therefore carries
no secret the cells could use: the grader sends the cells first, and the seed of the probes'
inputs only after the worker said that every cell ran (``record.Ready``), so no answer can be
computed before the student's code is done. A message that arrives out of turn, a frame that
does not decode, or one larger than the reader allows ends the conversation as a protocol
violation. Frames are an 8-byte length and then ``torch.save`` bytes, read back with
``torch.load(weights_only=True)``: plain data only, never the student's objects.
"""
from __future__ import annotations

import io
import os
import struct
from typing import Any, BinaryIO

import torch

from autograder.core.i18n import _

__all__ = ["write_frame", "read_frame", "FrameError"]

_HEADER = struct.Struct("<Q")


class FrameError(ValueError):
    """A frame that is cut short, too large or not plain data."""


def write_frame(fd: int, value: Any) -> None:
    """Write ``value`` as one frame to the pipe ``fd``."""
    buffer = io.BytesIO()
    torch.save(value, buffer)
    data = _HEADER.pack(buffer.tell()) + buffer.getvalue()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_frame(stream: BinaryIO, limit: int) -> Any:
    """The next frame's value from ``stream``; None at the end of the stream.

    Raises FrameError when the frame is cut short, longer than ``limit`` bytes, or not plain data.
    """
    header = stream.read(_HEADER.size)
    if not header:
        return None
    if len(header) < _HEADER.size:
        raise FrameError(_("a frame cut short"))
    (length,) = _HEADER.unpack(header)
    if length > limit:
        raise FrameError(_("a frame of {length} bytes, more than the {limit} the grader reads").format(
            length=length, limit=limit))
    data = stream.read(length)
    if len(data) < length:
        raise FrameError(_("a frame cut short"))
    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except Exception as error:  # anything may be in it
        raise FrameError(_("a frame that is not plain data ({error})").format(error=type(error).__name__)) from None
