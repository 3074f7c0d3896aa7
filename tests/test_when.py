"""Dates: rules find the expressions, normalised against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.when import find_times

MONDAY = dt.date(2022, 10, 10)


def one(text: str, lang: str, published: dt.date = MONDAY):
    times = find_times(text, lang, published)
    assert len(times) == 1, times
    return times[0].text, times[0].value, times[0].precision


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("Le pont a explosé samedi.", "fr", ("samedi", "2022-10-08", "day")),
        ("Loukachenko a parlé en août.", "fr", ("en août", "2022-08", "month")),
        (
            "Il l'a dit en novembre.",
            "fr",
            ("en novembre", "2021-11", "month"),
        ),  # after publication: last year
        ("Le 24 février sera écrit dans l'histoire.", "fr", ("Le 24 février", "2022-02-24", "day")),
        ("Plus tôt cette année, Moscou a promis.", "fr", ("Plus tôt cette année", "2022", "year")),
        ("Mardi dernier, l'armée a tiré.", "fr", ("Mardi dernier", "2022-10-04", "day")),
        ("Le sommet se tiendra lundi prochain.", "fr", ("lundi prochain", "2022-10-17", "day")),
        ("La frappe a eu lieu hier.", "fr", ("hier", "2022-10-09", "day")),
        ("C'était le 1er septembre 1939.", "fr", ("le 1er septembre 1939", "1939-09-01", "day")),
        (
            "Les troupes sont arrivées début octobre 2021.",
            "fr",
            ("début octobre 2021", "2021-10", "month"),
        ),
        ("L'an dernier, Minsk a signé.", "fr", ("L'an dernier", "2021", "year")),
        ("The bridge was hit on Saturday.", "en", ("Saturday", "2022-10-08", "day")),
        ("He spoke in August.", "en", ("in August", "2022-08", "month")),
        ("February 24, 2022 changed Europe.", "en", ("February 24, 2022", "2022-02-24", "day")),
        (
            "Earlier this year, Russia promised missiles.",
            "en",
            ("Earlier this year", "2022", "year"),
        ),
        ("Last Tuesday the army fired.", "en", ("Last Tuesday", "2022-10-04", "day")),
        ("Drills began last month.", "en", ("last month", "2022-09", "month")),
        ("It happened in 1945.", "en", ("in 1945", "1945", "year")),
    ],
)
def test_expressions(text, lang, expected):
    assert one(text, lang) == expected


def test_weekday_on_its_own_day_means_that_day():
    # Wire copy dated Saturday: "a parlé samedi" is that Saturday, not the one before.
    saturday = dt.date(2022, 10, 8)
    assert one("Il a parlé samedi.", "fr", saturday)[1] == "2022-10-08"
    assert one("The ministry said on Saturday.", "en", saturday)[1] == "2022-10-08"
    assert one("Il a parlé vendredi.", "fr", saturday)[1] == "2022-10-07"


@pytest.mark.parametrize(
    "text,lang",
    [
        ("Je me demande si sa position a changé.", "fr"),  # dateparser reads dates into je/me/sa
        ("Il a dit que mars était loin, puis il a ri.", "fr"),  # "mars" alone: no prefix, no date
        ("I may go there if he will.", "en"),
        ("They march on.", "en"),
        ("Jusqu'à 20 000 soldats en 300 véhicules.", "fr"),
    ],
)
def test_no_false_dates(text, lang):
    assert find_times(text, lang, MONDAY) == []


def test_relative_expressions_need_a_publication_date():
    assert find_times("Le pont a explosé samedi.", "fr", None) == []
    assert [t.value for t in find_times("Le 24 février 2022, tout a changé.", "fr", None)] == [
        "2022-02-24"
    ]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["fr", "en", "de"]))
def test_any_text_gives_valid_offsets(text, lang):
    for t in find_times(text, lang, MONDAY):
        assert text[t.start : t.end] == t.text
        assert t.precision in ("day", "month", "year")


def test_the_29th_of_february_without_a_year_goes_back_to_a_leap_year():
    times = find_times(
        "Le 29 février, les troupes ont franchi la frontière.", "fr", dt.date(2024, 2, 10)
    )
    assert [t.value for t in times] == ["2020-02-29"]
