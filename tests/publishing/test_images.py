"""Images of records: WebP renditions at the sizes pages show, alt text or "decorative", no files left behind."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from lxml import html
from PIL import Image

from publishing import snapshots, workflow
from tests.factories import PersonFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg(width: int, height: int, colour=(30, 90, 140)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="JPEG", quality=90)
    return SimpleUploadedFile("camera.JPG", buffer.getvalue(), content_type="image/jpeg")


def stored_image(name: str) -> Image.Image:
    with default_storage.open(name) as file:
        image = Image.open(file)
        image.load()
    return image


def img(client, url, css_selector_class: str):
    page = html.fromstring(client.get(url).content)
    [element] = page.xpath(f"//img[contains(@class, '{css_selector_class}')]")
    return element


def test_a_4000_pixel_photo_is_served_at_the_displayed_size_in_webp(client, committed):
    with committed():
        person = PersonFactory(photo=jpeg(4000, 3000), photo_alt="Belinda Weir smiling")

    element = img(client, person.get_absolute_url(), "person-profile__photo")

    assert (element.get("width"), element.get("height")) == ("160", "160")
    assert element.get("alt") == "Belinda Weir smiling"
    src = element.get("src")
    assert src.endswith(".webp")
    served = stored_image(src.removeprefix("/media/"))
    assert (served.format, served.size) == ("WEBP", (160, 160))
    widths = [candidate.split()[-1] for candidate in element.get("srcset").split(", ")]
    assert widths == ["72w", "144w", "160w", "320w"]  # the 2x rendition for high-density screens too
    assert stored_image(person.photo.name).size == (4000, 3000)  # the original is kept, re-encoded


def test_replacing_a_photo_removes_the_old_file_and_its_renditions(committed, media):
    with committed():
        person = PersonFactory(photo=jpeg(800, 800), photo_alt="First photo")
    old = person.photo.name
    old_renditions = [getattr(person, f"photo_{width}w").name for width in (72, 144, 160, 320)]
    assert all(default_storage.exists(name) for name in [old, *old_renditions])

    with committed():
        person.photo = jpeg(900, 900, colour=(200, 40, 40))
        person.save()

    assert not default_storage.exists(old)
    assert not any(default_storage.exists(name) for name in old_renditions)
    assert default_storage.exists(person.photo.name)
    assert default_storage.exists(person.photo_160w.name)


def test_a_record_read_from_the_database_costs_no_image_bookkeeping_and_still_makes_renditions(committed):
    """imagekit's post_init listener (on every model instance of every page) is off; renditions still follow
    a new image on a record read afresh, as the admin and the workflow read them."""
    with committed():
        person = PersonFactory(photo=jpeg(800, 800), photo_alt="First photo")

    fresh = type(person).objects.get(pk=person.pk)
    assert not hasattr(fresh, "_ik")  # nothing ran on loading it
    with committed():
        fresh.photo = jpeg(600, 600, colour=(200, 40, 40))
        fresh.save()

    assert stored_image(fresh.photo_160w.name).size == (160, 160)
    assert fresh.photo_160w.name != person.photo_160w.name


def test_deleting_a_record_removes_its_image_files(committed):
    with committed():
        programme = ProgrammeFactory(image=jpeg(1600, 900), image_alt="A cohort at work")
    names = [programme.image.name, programme.image_960w.name]

    with committed():
        programme.delete()

    assert not any(default_storage.exists(name) for name in names)


def test_an_image_needs_a_description_unless_it_is_decorative():
    programme = ProgrammeFactory.build(image=jpeg(1600, 900), image_alt="")
    with pytest.raises(ValidationError) as error:
        programme.clean()
    assert "image_alt" in error.value.message_dict

    programme.image_decorative = True
    programme.clean()  # no error: a decorative image needs no description
    person = PersonFactory.build(photo=jpeg(200, 200), photo_alt="  ")
    with pytest.raises(ValidationError):
        person.clean()


def test_a_decorative_image_has_an_empty_alt_and_a_banner_is_16_by_9(client, committed):
    with committed():
        programme = ProgrammeFactory(image=jpeg(3000, 2000), image_alt="Ignored", image_decorative=True)

    element = img(client, programme.get_absolute_url(), "record-banner")

    assert element.get("alt") == ""
    assert (element.get("width"), element.get("height")) == ("960", "540")
    assert stored_image(element.get("src").removeprefix("/media/")).size == (960, 540)


def test_a_new_image_in_a_draft_of_a_live_record_waits_for_publishing(client, committed, content_editor, publisher):
    with committed():
        programme = ProgrammeFactory(title="Live programme")
    upload = default_storage.save("programme/draft-image.jpg", jpeg(1600, 900))
    change = snapshots.read(programme)
    change["fields"].update(image=upload, image_alt="The new cohort")
    workflow.save_draft(programme, change, user=content_editor)

    assert not html.fromstring(client.get(programme.get_absolute_url()).content).find_class("record-banner")

    with committed():
        workflow.submit(programme, user=content_editor)
        workflow.approve(programme, user=publisher)

    element = img(client, programme.get_absolute_url(), "record-banner")
    assert element.get("alt") == "The new cohort"
    assert default_storage.exists(element.get("src").removeprefix("/media/"))


def test_compare_shows_the_live_and_the_new_image(client, committed, content_editor, publisher):
    with committed():
        programme = ProgrammeFactory(image=jpeg(1600, 900), image_alt="Old picture")
    old = programme.image.name
    upload = default_storage.save("programme/new-picture.jpg", jpeg(1600, 900, colour=(200, 50, 50)))
    change = snapshots.read(programme)
    change["fields"].update(image=upload)
    workflow.save_draft(programme, change, user=content_editor)
    client.force_login(publisher)

    page = html.fromstring(client.get(reverse("admin:programmes_programme_compare", args=[programme.pk])).content)

    sources = page.xpath("//table[caption='Fields']//img[@class='workflow-image']/@src")
    assert sources == [default_storage.url(old), default_storage.url(upload)]


def test_the_sweep_deletes_a_discarded_drafts_upload_and_keeps_every_referenced_image(committed, content_editor):
    with committed():
        live = ProgrammeFactory(image=jpeg(1600, 900), image_alt="Live picture")
        drafted = ProgrammeFactory(title="With a draft")
    in_a_draft = default_storage.save("programme/in-a-draft.jpg", jpeg(800, 450))
    change = snapshots.read(drafted)
    change["fields"].update(image=in_a_draft, image_alt="Waiting")
    workflow.save_draft(drafted, change, user=content_editor)
    discarded = default_storage.save("programme/discarded.jpg", jpeg(800, 450))
    renditions = f"CACHE/images/programme/discarded/{'a' * 32}.webp"
    default_storage.save(renditions, io.BytesIO(b"webp"))
    out = io.StringIO()

    call_command("delete_orphan_images", "--older-than-hours", "0", stdout=out)

    assert not default_storage.exists(discarded) and not default_storage.exists(renditions)
    assert default_storage.exists(live.image.name) and default_storage.exists(live.image_960w.name)
    assert default_storage.exists(in_a_draft)
    assert "1 orphaned image(s) deleted." in out.getvalue()


def test_the_sweep_leaves_recent_uploads_alone():
    recent = default_storage.save("programme/being-saved-now.jpg", jpeg(800, 450))

    call_command("delete_orphan_images", stdout=io.StringIO())  # the default: older than 24 hours

    assert default_storage.exists(recent)
