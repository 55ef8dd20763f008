"""Generated data: deterministic per seed, Turkish and international, shaped like the documentation."""

from __future__ import annotations

import re

from mockserver.core.dataset import EXAMPLE_STREAM_ID, LARGE_STREAM_ID, default_dataset
from mockserver.core.fixtures import dump_fixtures
from mockserver.core.generate import username_part


def test_same_seed_same_people() -> None:
    assert dump_fixtures(default_dataset(7)) == dump_fixtures(default_dataset(7))


def test_other_seed_other_people() -> None:
    first = default_dataset(1).live_stream(EXAMPLE_STREAM_ID).audience
    second = default_dataset(2).live_stream(EXAMPLE_STREAM_ID).audience
    names_first = {(first.viewer(i).name, first.viewer(i).surname) for i in range(len(first))}
    names_second = {(second.viewer(i).name, second.viewer(i).surname) for i in range(len(second))}
    assert len(names_first & names_second) < 5


def test_default_streams_match_the_documentation() -> None:
    dataset = default_dataset()
    example = dataset.live_stream(EXAMPLE_STREAM_ID)
    assert len(example.audience) == 45 and example.participant_audience_total == 128
    assert len(dataset.live_stream(LARGE_STREAM_ID).audience) >= 2000


def test_audience_mixes_turkish_and_international_names() -> None:
    audience = default_dataset().live_stream(LARGE_STREAM_ID).audience
    names = [audience.viewer(i).name + audience.viewer(i).surname for i in range(500)]
    turkish = [n for n in names if re.search("[çğıöşüÇĞİÖŞÜ]", n)]
    assert 100 < len(turkish) < 450


def test_viewers_are_well_formed() -> None:
    audience = default_dataset().live_stream(LARGE_STREAM_ID).audience
    viewers = [audience.viewer(i) for i in range(len(audience))]
    assert len({v.id for v in viewers}) == len(viewers)
    assert len({v.username for v in viewers}) == len(viewers)
    assert all(re.fullmatch("[0-9a-f]{24}", v.id) for v in viewers)
    assert all(re.fullmatch(r"[a-z0-9._]+", v.username) for v in viewers)
    assert all(v.followers_count >= 0 and v.following_count >= 0 for v in viewers)
    with_photo = [v for v in viewers if v.profile_photo]
    assert 0.7 < len(with_photo) / len(viewers) < 0.95
    assert all(p.profile_photo and p.profile_photo.created_at_ms <= p.profile_photo.updated_at_ms for p in with_photo)
    assert all(set(p.profile_photo.variants) == {"40", "76"} for p in with_photo if p.profile_photo)


def test_some_viewers_never_set_an_expertise() -> None:
    """The hardest reading of a field the documentation shows once: null for some viewers, on the first page too."""
    for stream_id in (EXAMPLE_STREAM_ID, LARGE_STREAM_ID):
        audience = default_dataset().live_stream(stream_id).audience
        expertise = [audience.viewer(i).expertise for i in range(len(audience))]
        assert 0.1 < expertise.count(None) / len(expertise) < 0.35
        assert None in expertise[:10]
        assert all(isinstance(value, str) and value for value in expertise if value is not None)
    again = default_dataset().live_stream(LARGE_STREAM_ID).audience
    assert [again.viewer(i).expertise for i in range(len(again))] == expertise


def test_a_million_viewer_audience_is_derived_lazily() -> None:
    audience = default_dataset(0, large_audience=1_000_000).live_stream(LARGE_STREAM_ID).audience
    assert len(audience) == 1_000_000
    last, before_last = audience.viewer(999_999), audience.viewer(999_998)
    assert last.joined_at_ms < before_last.joined_at_ms and last.id != before_last.id


def test_username_part_is_ascii() -> None:
    assert username_part("Çağrı Şükrü") == "cagrisukru"
    assert username_part("O'Neil") == "oneil"
