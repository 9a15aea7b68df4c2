"""Uploaded photos: check they are real images within limits, then re-encode them as JPEG.

Re-encoding drops everything but the pixels (EXIF with GPS positions, embedded scripts in
polyglot files, colour profiles), so what we serve is what we checked.
"""

from __future__ import annotations

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
JPEG_QUALITY = 85


def normalise_photo(upload) -> SimpleUploadedFile:
    """Return a fresh JPEG file made from `upload`, or raise ValidationError with the reason.

    Limits: at most 5 MB, at most 4000×4000 pixels, a JPEG/PNG/WebP/GIF that Pillow can decode.
    The orientation from EXIF is applied to the pixels, then all metadata is dropped."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF photo."))
            width, height = probe.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(
                    _("The photo is %(w)s×%(h)s pixels; the limit is 4000×4000.") % {"w": width, "h": height}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not an image we can read.")) from error
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "photo"))[0][:60] or "photo"
    return SimpleUploadedFile(f"{stem}.jpg", out.getvalue(), content_type="image/jpeg")
