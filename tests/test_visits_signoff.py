"""办结签收: recorded from the case page after completion, with a tablet signature (a small PNG), a signed printed
form or a mail receipt; a bad or oversized image is refused with a 4xx and nothing kept."""
import base64
import datetime as dt

import pytest

from bianmin.core import timeutil
from bianmin.visits.models import SignOff

from .rating_helpers import accepted_case
from .visits_helpers import completed_case, png_data_url


def now_text(delta=dt.timedelta()):
    from django.utils import timezone

    return timezone.localtime(timeutil.now() + delta).strftime("%Y-%m-%dT%H:%M")


def post(client, case, **data):
    body = {"received_by": "刘阿姨", "relation": "self", "received_at": now_text(), "method": "tablet",
            "signature": png_data_url(), **data}
    return client.post(f"/workbench/registers/signoff/case/{case.pk}/", body)


def test_tablet_signature_is_kept_and_shown(world, client_for):
    case = completed_case(world)
    client = client_for(world.clerk_a)
    page = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert f"/workbench/registers/signoff/case/{case.pk}/" in page  # the link on the case page
    r = post(client, case)
    assert r.status_code == 302, r.content.decode()
    found = SignOff.objects.get(case=case)
    assert (found.method, found.received_by, found.handed_by) == ("tablet", "刘阿姨", world.clerk_a)
    assert bytes(found.signature).startswith(b"\x89PNG")
    image = client.get(f"/workbench/registers/signoff/{found.pk}/signature.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client_for(world.manager_b).get(f"/workbench/registers/signoff/{found.pk}/signature.png").status_code == 404
    page = client.get(f"/workbench/registers/signoff/case/{case.pk}/").content.decode()
    assert "signature.png" in page and "13812345678" not in page
    # One sign-off per case.
    assert post(client, case).status_code == 409
    assert SignOff.objects.count() == 1


def test_printed_form_needs_no_signature_and_mail_needs_its_receipt(world, client_for):
    client = client_for(world.clerk_a)
    printed = completed_case(world)
    assert post(client, printed, method="printed", signature="").status_code == 302
    assert SignOff.objects.get(case=printed).signature is None
    mailed = completed_case(world, phone="13800000000")
    assert post(client, mailed, method="mail", signature="").status_code == 422
    assert post(client, mailed, method="mail", mail_receipt="EMS1234567890CN").status_code == 302


@pytest.mark.parametrize("signature, status", [
    ("", 422),  # tablet method without drawing
    ("data:image/png;base64,!!!notbase64", 422),
    ("data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff").decode(), 422),
    ("data:image/png;base64," + base64.b64encode(b"GIF89a not a png").decode(), 422),
    ("data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode(), 422),  # broken PNG
    ("data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 300_000).decode(), 413),
])
def test_bad_or_oversized_signatures_are_refused(world, client_for, signature, status):
    case = completed_case(world)
    r = post(client_for(world.clerk_a), case, signature=signature)
    assert r.status_code == status
    assert not SignOff.objects.exists()


def test_oversized_image_dimensions_are_refused(world, client_for):
    case = completed_case(world)
    assert post(client_for(world.clerk_a), case, signature=png_data_url(size=(4000, 10))).status_code == 422


# A value made at run time, not at collection: test ids must be the same in every xdist worker.
IN_TWO_DAYS = "in two days"


@pytest.mark.parametrize("field, value", [("relation", "boss"), ("method", "fax"), ("received_by", ""),
                                          ("received_at", "yesterday"), ("received_at", IN_TWO_DAYS)])
def test_bad_fields_are_422(world, client_for, field, value):
    if value == IN_TWO_DAYS:  # a receipt in the future
        value = now_text(dt.timedelta(days=2))
    case = completed_case(world)
    assert post(client_for(world.clerk_a), case, **{field: value}).status_code == 422
    assert not SignOff.objects.exists()


def test_only_a_completed_case_is_signed_for(world, client_for):
    case = accepted_case(world)
    assert post(client_for(world.clerk_a), case).status_code == 409


def test_who_may_record(world, client_for):
    case = completed_case(world)
    assert post(client_for(world.manager_b), case).status_code == 404  # another site's manager: not visible
    assert post(client_for(world.outsider), case).status_code == 404
    assert post(client_for(world.supervisor), case).status_code == 403  # sees the case, does not hand results over
    assert client_for(world.supervisor).get(f"/workbench/registers/signoff/case/{case.pk}/").status_code == 200
    assert not SignOff.objects.exists()
    assert post(client_for(world.manager_a), case).status_code == 302
