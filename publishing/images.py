"""Images of records: stored once as uploaded (re-encoded, security.images), shown as WebP renditions.

Renditions are django-imagekit spec fields, made when a record is saved with a new image (`GenerateOnSave`),
never inside a visitor's request: a page only writes their addresses into `srcset`, so the
browser picks the width it needs. Each kind of image has its shape fixed (a photo is square, a record's
image 16:9), so width and height are known without opening a file and nothing shifts as a page loads.

A replaced or deleted image's file goes (django-cleanup, once the transaction commits) and with it its
renditions (`delete_renditions`, on django-cleanup's signal). Alt text is required unless the editor
marks the image decorative; decorative images get `alt=""`, so screen readers pass over them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill

from security.images import ReencodedImageField, validate_image

logger = logging.getLogger(__name__)


class GenerateOnSave:
    """imagekit's Optimistic strategy (make renditions when the image is saved, never check on a page view),
    except that a rendition that cannot be made (a missing or unreadable source) is logged, not raised:
    the record is saved, and its page shows the image's address rather than failing."""

    def on_source_saved(self, file):
        try:
            file.generate()
        except (OSError, ValueError) as problem:
            logger.warning("Could not make the rendition %s: %s", file.name, problem)

    def should_verify_existence(self, file):
        return False


@dataclass(frozen=True)
class Shape:
    """A kind of image: its aspect ratio and the widths it is rendered at."""

    ratio: tuple[int, int]  # width : height
    widths: tuple[int, ...]

    def height(self, width: int) -> int:
        return round(width * self.ratio[1] / self.ratio[0])


PORTRAIT = Shape((1, 1), (72, 144, 160, 320))
BANNER = Shape((16, 9), (480, 960, 1440))


def rendition_name(source: str, width: int) -> str:
    return f"{source}_{width}w"


def add_renditions(model: type[models.Model], source: str, shape: Shape) -> None:
    """Give `model` one WebP spec field per width of `shape`, made from its image field `source`."""
    for width in shape.widths:
        model.add_to_class(
            rendition_name(source, width),
            ImageSpecField(
                source=source,
                processors=[ResizeToFill(width, shape.height(width))],
                format="WEBP",
                options={"quality": 80},
                cachefile_strategy=GenerateOnSave,
            ),
        )
    model._image_shapes = {**getattr(model, "_image_shapes", {}), source: shape}


def random_image_name(folder: str, filename: str) -> str:
    """Never the uploaded name: a random one in `folder`, keeping only a known image suffix."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp"}:
        suffix = ".jpg"
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


def image_upload_to(instance, filename: str) -> str:
    """A folder per kind of record."""
    return random_image_name(instance._meta.model_name, filename)


class WithImage(models.Model):
    """A record's optional image (16:9), with its description or a mark that it is decorative."""

    image = ReencodedImageField(
        upload_to=image_upload_to,
        blank=True,
        validators=[validate_image],
        help_text="Optional. A JPEG, PNG or WebP image of at most 5 MB, shown 16:9 at the top of the page.",
    )
    image_alt = models.CharField(
        "image description",
        max_length=200,
        blank=True,
        help_text="What the image shows, for people who cannot see it.",
    )
    image_decorative = models.BooleanField(
        "decorative image",
        default=False,
        help_text="Tick if the image adds nothing the text does not say: screen readers then skip it.",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        require_alt_text(self.image, self.image_alt, self.image_decorative, alt_field="image_alt")

    def banner(self):
        return picture(
            self,
            "image",
            alt=self.image_alt,
            decorative=self.image_decorative,
            width=960,
            sizes="(min-width: 75rem) 960px, 100vw",
            css_class="record-banner",
        )


def picture(
    obj, source: str, *, alt: str, decorative: bool, width: int, sizes: str = "", css_class: str = "", lazy=False
):
    """An <img> of `obj`'s image at `width` CSS pixels, with every rendition in srcset; "" without an image."""
    if not getattr(obj, source):
        return ""
    shape = type(obj)._image_shapes[source]
    candidates = [w for w in shape.widths if w >= width] or [shape.widths[-1]]
    srcset = ", ".join(f"{getattr(obj, rendition_name(source, w)).url} {w}w" for w in shape.widths)
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}{}>',
        getattr(obj, rendition_name(source, candidates[0])).url,
        srcset,
        sizes or f"{width}px",
        width,
        shape.height(width),
        "" if decorative else alt,
        format_html(' class="{}"', css_class) if css_class else "",
        mark_safe(' loading="lazy"') if lazy else "",
    )


def require_alt_text(image, alt: str, decorative: bool, *, alt_field: str) -> None:
    """Model validation: an image says what it shows, unless the editor marked it decorative."""
    if image and not decorative and not (alt or "").strip():
        raise ValidationError(
            {alt_field: "Describe the image for people who cannot see it, or tick “decorative” if it adds nothing."}
        )


def delete_renditions(sender, instance, file, **kwargs) -> None:
    """django-cleanup deletes a replaced or orphaned image; its renditions (imagekit's cache) go with it."""
    if file and file.name:
        delete_renditions_of(file.name, file.storage)


def delete_renditions_of(name: str, storage) -> None:
    """Delete the renditions imagekit made of the stored image `name` (its folder under CACHE/images)."""
    folder = str(PurePosixPath("CACHE/images") / PurePosixPath(name).with_suffix(""))
    try:
        _, names = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    for name in names:
        storage.delete(f"{folder}/{name}")
