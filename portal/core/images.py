"""Uploaded pictures (a team board post, a guide's screenshot): read with Pillow, refused unless they are real
pictures of at most 2 MB, then re-encoded (no EXIF, no location, at most `max_side` px a side) so what the portal
keeps and serves is its own JPEG. Each caller names its form field, so the refusal shows beside it."""
from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.core.validation import InvalidInput
from portal.i18n import lazy_text as _l

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 40_000_000  # a phone photo has about 12 million; more is a "decompression bomb"
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
QUALITY = 82
_READ_ERRORS = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError,
                Image.DecompressionBombWarning)


def read_upload(stream, field: str = "image") -> bytes | None:
    """The uploaded file's bytes (None when no file was chosen), refused above 2 MB without reading on."""
    if stream is None or not getattr(stream, "filename", None):
        return None
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(_l("The picture is larger than 2 MB. Choose a smaller one or take a smaller photo."),
                           field)
    if not data:
        raise InvalidInput(_l("The picture file is empty."), field)
    return data


def _open(data: bytes, formats, refused: InvalidInput) -> Image.Image:
    """The picture turned the way the phone held it, or `refused` for anything Pillow cannot safely read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.format not in formats or source.width * source.height > MAX_PIXELS:
                    raise refused
                source.seek(0)  # an animated GIF: its first frame
                picture = ImageOps.exif_transpose(source)  # the way the phone held it, before EXIF goes
                picture.load()
                return picture
    except InvalidInput:
        raise
    except _READ_ERRORS:
        raise refused from None


def reencode(data: bytes, max_side: int = MAX_SIDE, field: str = "image",
             formats: tuple[str, ...] = FORMATS) -> tuple[bytes, str, int, int]:
    """The picture as the portal keeps it: (JPEG bytes, content type, width, height), at most `max_side` px a
    side; InvalidInput on `field` when the bytes are not a picture of one of `formats` Pillow can read."""
    refused = InvalidInput(_l("This file is not a picture the portal can read. Choose a JPEG, PNG or WebP photo."),
                           field)
    picture = _open(data, formats, refused)
    if picture.mode in ("RGBA", "LA", "P"):
        picture = picture.convert("RGBA")
        flat = Image.new("RGB", picture.size, (255, 255, 255))
        flat.paste(picture, mask=picture.getchannel("A"))
        picture = flat
    elif picture.mode != "RGB":
        picture = picture.convert("RGB")
    picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif= argument: nothing of the original's
    return out.getvalue(), "image/jpeg", picture.width, picture.height
