"""Photos of units: checked by their content (Pillow must decode them as JPEG, PNG or WebP),
stripped of their metadata (EXIF positions…) and re-encoded as a JPEG at most 1600 pixels
wide, kept under UPLOAD_DIR/premises with a random name."""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from murporteur.core.errors import DomainError
from murporteur.extensions import db
from murporteur.premises.models import PremisesUnit, UnitPhoto
from murporteur.submissions.uploads import clean_name

MAX_PHOTOS = 8
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # past this, a "photo" is a decompression bomb
LONGEST_SIDE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}


def photo_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"]) / "premises"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(name: str, why) -> DomainError:
    return DomainError(str(_l("« %(name)s » : %(why)s", name=name, why=why)), field="photos")


def reencode(data: bytes, name: str) -> tuple[bytes, int, int]:
    """The JPEG to keep for the image ``data``, and its size; refuses what is not an image."""
    if len(data) > MAX_PHOTO_BYTES:
        raise _refuse(name, _l("la photo dépasse 10 Mo."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _refuse(name, _l("ce n'est pas une photo JPEG, PNG ou WebP."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse(name, _l("l'image est trop grande."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened).convert("RGB")
                image.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
                out = io.BytesIO()
                image.save(out, "JPEG", quality=85, optimize=True)
                return out.getvalue(), image.width, image.height
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(name, _l("ce fichier n'est pas une image lisible (JPEG, PNG ou WebP)."))\
            from None


def add_photo(unit: PremisesUnit, data: bytes, original_name: str | None) -> UnitPhoto:
    """Keep a photo of ``unit`` (flushes; the bytes are written at once: a rolled-back
    request leaves an orphan file that nothing serves)."""
    name = clean_name(original_name)
    if len(unit.photos) >= MAX_PHOTOS:
        raise _refuse(name, _l("un local a au plus %(n)d photos.", n=MAX_PHOTOS))
    jpeg, width, height = reencode(data, name)
    storage_name = secrets.token_hex(16) + ".jpg"
    (photo_dir() / storage_name).write_bytes(jpeg)
    photo = UnitPhoto(storage_name=storage_name, original_name=name, width=width,
                      height=height, size=len(jpeg))
    unit.photos.append(photo)
    db.session.flush()
    return photo


def remove_photo(photo: UnitPhoto) -> None:
    db.session.delete(photo)
    db.session.flush()
    (photo_dir() / photo.storage_name).unlink(missing_ok=True)


def send_photo(photo: UnitPhoto):
    path = photo_dir() / photo.storage_name
    return send_file(path, mimetype="image/jpeg", max_age=3600)
