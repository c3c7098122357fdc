"""The back office shows ratings masked and read-only; devices can only be switched off there."""
import pytest
from django.contrib.auth import get_user_model

from .rating_helpers import finished_case, link_for, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(world, client_for):
    return client_for(get_user_model().objects.create_superuser("root", "root@example.invalid", "root-pass-123"))


@pytest.mark.parametrize("path", ["ratings/rating", "ratings/device", "ratings/invitation", "ratings/comment",
                                  "ratings/survey"])
def test_rating_changelists_load(root, path):
    assert root.get(f"/admin/{path}/").status_code == 200


def test_rating_admin_masks_the_rater_and_cannot_edit(world, root, api_for):
    case = finished_case(world, phone="13812345678")
    rate(api_for(None), {"token": link_for(api_for(world.clerk_a), case)["token"], "level": "basic"})
    from bianmin.ratings.models import Rating
    rating = Rating.objects.get()
    html = root.get("/admin/ratings/rating/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    detail = root.get(f"/admin/ratings/rating/{rating.pk}/change/").content.decode()
    assert "13812345678" not in detail
    assert root.post(f"/admin/ratings/rating/{rating.pk}/change/", {"level": "very_satisfied"}).status_code == 403
    assert root.get("/admin/ratings/device/add/").status_code == 403
