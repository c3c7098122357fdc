"""Other apps react to ratings through explicit signals and providers (bianmin/ratings/events.py)."""
import pytest

from bianmin.ratings import events


def test_the_bad_review_loop_listens_to_stored_ratings_and_comments_and_provides_its_answers():
    assert events.rating_stored.has_listeners() and events.comment_stored.has_listeners()
    assert events.followup_submit.available and events.rater_progress.available


def test_a_provider_is_provided_once_and_says_when_nobody_provides_it():
    provider = events.Provider("example")
    assert not provider.available
    with pytest.raises(LookupError, match="example"):
        provider()
    provider.provide(len)
    provider.provide(len)  # the same function again (an app loaded twice) is fine
    assert provider("abc") == 3
    with pytest.raises(RuntimeError, match="already provided"):
        provider.provide(str)
