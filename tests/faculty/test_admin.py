import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from faculty.models import Person
from faculty.validators import validate_photo
from publishing.models import Status
from security.images import MAX_UPLOAD_BYTES as MAX_PHOTO_BYTES
from tests.factories import OrganisationFactory, PersonFactory, ProgrammeLeadFactory, WorkStreamMemberFactory
from tests.publishing.admin_forms import form_data, set_fields

pytestmark = pytest.mark.django_db


def image_bytes(image_format: str = "PNG", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 92)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(("image_format", "name"), [("PNG", "me.png"), ("JPEG", "me.jpg"), ("WEBP", "me.webp")])
def test_real_photos_pass_validation(image_format, name):
    validate_photo(SimpleUploadedFile(name, image_bytes(image_format)))


def test_a_text_file_named_jpg_is_rejected_by_its_content():
    fake = SimpleUploadedFile("portrait.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")

    with pytest.raises(ValidationError, match="not an image we can read"):
        validate_photo(fake)


def test_an_image_in_another_format_is_rejected():
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        validate_photo(SimpleUploadedFile("animation.gif", image_bytes("GIF")))


def test_a_photo_over_5_mb_is_rejected_with_its_size():
    big = image_bytes("PNG") + b"\0" * MAX_PHOTO_BYTES

    with pytest.raises(ValidationError, match=r"5\.0 MB; the largest allowed is 5 MB"):
        validate_photo(SimpleUploadedFile("big.png", big))


def person_form(editor_client, person, **changes):
    url = reverse("admin:faculty_person_change", args=[person.pk])
    return url, set_fields(form_data(editor_client.get(url)), **changes)


def test_admin_shows_a_clear_error_for_a_fake_photo_and_keeps_the_person_unchanged(editor_client):
    person = PersonFactory()
    url, data = person_form(editor_client, person, photo_alt="A portrait")
    data["photo"] = SimpleUploadedFile("portrait.jpg", b"not really a jpeg", content_type="image/jpeg")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "This file is not an image we can read. Upload a JPEG, PNG or WebP photo." in response.text
    person.refresh_from_db()
    assert not person.photo


def test_admin_shows_a_clear_error_for_a_photo_over_5_mb(editor_client):
    person = PersonFactory()
    url, data = person_form(editor_client, person, photo_alt="A portrait")
    data["photo"] = SimpleUploadedFile("big.png", image_bytes("PNG") + b"\0" * MAX_PHOTO_BYTES)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "the largest allowed is 5 MB" in response.text


def test_admin_asks_for_a_description_of_an_uploaded_photo(editor_client):
    person = PersonFactory()
    url, data = person_form(editor_client, person, photo_alt="")
    data["photo"] = SimpleUploadedFile("me.png", image_bytes("PNG"))

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "A photo needs a description for people who cannot see it." in response.text


def test_admin_saves_a_real_photo_with_its_description(editor_client):
    person = PersonFactory(status=Status.DRAFT)
    url, data = person_form(editor_client, person, photo_alt="Belinda Weir smiling")
    data["photo"] = SimpleUploadedFile("me.png", image_bytes("PNG"))

    response = editor_client.post(url, data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.photo.name.startswith("people/")
    assert person.photo_alt == "Belinda Weir smiling"


def test_a_new_photo_of_a_live_person_waits_in_the_draft_until_published(editor_client, publisher):
    from publishing import workflow

    person = PersonFactory()
    url, data = person_form(editor_client, person, photo_alt="Belinda Weir smiling")
    data["photo"] = SimpleUploadedFile("me.png", image_bytes("PNG"))

    assert editor_client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert not person.photo

    workflow.publish(person, user=publisher)
    person.refresh_from_db()
    assert person.photo.name.startswith("people/") and person.photo.storage.exists(person.photo.name)
    assert person.photo_alt == "Belinda Weir smiling"


def test_admin_explains_a_bad_orcid_check_digit(editor_client):
    person = PersonFactory()
    url, data = person_form(editor_client, person, orcid="0000-0002-1825-0098")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "does not match its check digit" in response.text


def test_content_editor_adds_a_visiting_professor_with_an_affiliation(editor_client):
    harvard = OrganisationFactory(name="Harvard University", slug="harvard-university")
    url = reverse("admin:faculty_person_add")
    data = set_fields(
        form_data(editor_client.get(url)),
        given_name="John",
        family_name="Mcdonough",
        slug="john-mcdonough",
        job_title="Visiting Professor",
        role_kind=Person.RoleKind.VISITING,
        affiliation=harvard.pk,
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    person = Person.objects.get(slug="john-mcdonough")
    assert person.affiliation == harvard
    assert person.get_role_kind_display() == "Visiting"


def test_deleting_a_person_who_leads_a_programme_is_refused_with_the_reason(editor_client):
    lead = ProgrammeLeadFactory(programme__title="Medical Leadership in Practice")
    WorkStreamMemberFactory(person=lead.person, work_stream__title="Leadership and management")
    url = reverse("admin:faculty_person_delete", args=[lead.person.pk])

    page = editor_client.get(url)
    response = editor_client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.text
    assert "Medical Leadership in Practice" in page.text
    assert "Leadership and management" in page.text
    assert response.status_code == 200
    assert Person.objects.filter(pk=lead.person.pk).exists()


def test_bulk_deleting_people_keeps_those_still_referenced(editor_client):
    lead = ProgrammeLeadFactory()
    response = editor_client.post(
        reverse("admin:faculty_person_changelist"),
        {"action": "delete_selected", "_selected_action": [lead.person.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "protected related objects" in response.text
    assert Person.objects.filter(pk=lead.person.pk).exists()


def test_people_list_filters_by_work_stream(editor_client):
    member = WorkStreamMemberFactory()
    PersonFactory()

    response = editor_client.get(
        reverse("admin:faculty_person_changelist"), {"work_streams__id__exact": member.work_stream.pk}
    )

    assert list(response.context["cl"].result_list) == [member.person]
