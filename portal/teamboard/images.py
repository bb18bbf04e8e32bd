"""A post's picture: the shared upload rules (portal/core/images.py) on the form's `image` field, at most
1600 px a side, JPEG, PNG, WebP or GIF (its first frame)."""
from __future__ import annotations

from portal.core import images

MAX_SIDE = 1600


def read_upload(stream) -> bytes | None:
    """The uploaded file's bytes (None when no file was chosen), refused above 2 MB."""
    return images.read_upload(stream, "image")


def reencode(data: bytes) -> tuple[bytes, str, int, int]:
    """The picture as the board keeps it: (JPEG bytes, content type, width, height)."""
    return images.reencode(data, MAX_SIDE, "image")
