"""Photos taken at an inspection, a patrol or a standardisation check: images only, size-limited.

The size rule and the stored-name rule are core.uploads' (every evidence file of the product); on top of it only
JPEG and PNG are taken, and the content must open as an image, so a renamed document is refused too."""
from __future__ import annotations

from bianmin.core.errors import InvalidInput
from bianmin.core.uploads import MAX_FILE_BYTES, check_upload

IMAGE_TYPES = (".jpg", ".jpeg", ".png")
MAX_PHOTOS = 10
__all__ = ["IMAGE_TYPES", "MAX_FILE_BYTES", "MAX_PHOTOS", "check_photo", "check_photos"]


def check_photo(uploaded, field: str = "photos") -> str:
    """The name to store an acceptable photo under; InvalidInput (422) otherwise. Writes nothing."""
    try:
        name = check_upload(uploaded)
    except InvalidInput as exc:
        raise InvalidInput(exc.zh, exc.en, field=field) from None
    if not name.lower().endswith(IMAGE_TYPES):
        raise InvalidInput("照片须为 JPG 或 PNG 图片。", "Photos must be JPG or PNG images.", field=field)
    from PIL import Image, UnidentifiedImageError

    try:
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput("照片无法读取，请重新拍摄或选择图片。", "The photo cannot be read; take or choose it again.",
                           field=field) from None
    finally:
        uploaded.seek(0)
    return name


def check_photos(photos, field: str = "photos") -> list:
    photos = [p for p in (photos or []) if p is not None]
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(f"一次最多上传 {MAX_PHOTOS} 张照片。", f"At most {MAX_PHOTOS} photos at a time.", field=field)
    for photo in photos:
        check_photo(photo, field)
    return photos
