"""Property tests: any text or bytes give a valid record or a clean TocsinError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.errors import TocsinError
from tocsin.extract import clean_text, find_pull_quotes
from tocsin.ingest.files import from_bytes
from tocsin.schema import validate

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

news_like = st.lists(
    st.sampled_from(
        [
            "La Russie a lancé des missiles sur Kyiv.",
            "« Nous riposterons », a-t-il déclaré.",
            "Putin warned he would strike.",
            "Crédit : AP",
            "Photo: Reuters",
            "\n\n",
            "“",
            "»",
            "<p>",
            "&amp;",
            "Loukachenko",
            "NATO",
            " ",
            "\u00a0",
            "\t",
            "é",
            "😀",
            "\x00",
            "\ufeff",
            "Mad Vlad",
        ]
    ),
    max_size=30,
).map("".join)


@SETTINGS
@given(st.one_of(st.text(max_size=400), news_like))
def test_any_text_gives_record_or_clean_error(pipe, text):
    try:
        article = pipe.analyze(text)
    except TocsinError as exc:
        assert exc.reason and "\n" not in exc.reason
        return
    validate(article.to_dict())


@SETTINGS
@given(st.binary(max_size=600))
def test_any_bytes_give_record_or_clean_error(pipe, data):
    try:
        raw = from_bytes("fuzz.bin", data)
        article = pipe.analyze(raw)
    except TocsinError as exc:
        assert exc.source == "fuzz.bin" and "\n" not in exc.reason
        return
    validate(article.to_dict())


@settings(max_examples=200, deadline=None)
@given(news_like)
def test_cleanup_keeps_offsets_consistent(text):
    body, captions = clean_text(text)
    for start, end in find_pull_quotes(body):
        assert 0 <= start < end <= len(body)
    assert "\n\n\n" not in body


feed_like = news_like.map(
    lambda t: (
        f"<rss><channel><item><description>{t}</description><link>{t}</link></item></channel></rss>"
    ).encode()
)


@SETTINGS
@given(st.one_of(st.binary(max_size=600), feed_like))
def test_any_bytes_as_a_feed_give_entries_or_clean_errors(data):
    from tocsin.ingest import RawDocument, web
    from tocsin.ingest.feeds import feed_entries

    # Every link counts as stored: nothing is fetched, whatever the bytes say.
    for item in feed_entries("fuzz.xml", data, web.FetchOptions(), stored=lambda url: True):
        if isinstance(item, TocsinError):
            assert item.reason and "\n" not in item.reason
        else:
            assert isinstance(item, (RawDocument, str))
