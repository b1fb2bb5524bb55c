"""Join codes: easy to read aloud and type, forgiving of spacing, strict about look-alikes."""

from __future__ import annotations

import pytest

from fttm.meetings import join_codes


@pytest.mark.parametrize(
    "typed",
    [
        "ACE347",
        "ace347",
        "ace-347",
        "ACE 347",
        "  ace 347  ",
        "a c e 3 4 7",
        "ace.347",
        "ace_347",
        "AcE-34-7",
        "ace\t347",
    ],
)
def test_normalise_accepts_the_ways_people_type_a_code(typed):
    """Lower case, spaces, dashes and dots around a valid code all give its stored form."""
    assert join_codes.normalise(typed) == "ACE347"


@pytest.mark.parametrize("typed", ["", "   ", "---", "ACE34", "ACE3477", "ACE 347 7", None])
def test_normalise_refuses_the_wrong_length(typed):
    """A code has exactly six characters once spacing is removed."""
    assert join_codes.normalise(typed) is None


@pytest.mark.parametrize(
    "look_alike",
    ["0", "O", "D", "Q", "1", "I", "L", "2", "Z", "5", "S", "8", "B", "U", "V", "o", "l", "i", "s"],
)
def test_normalise_refuses_look_alike_characters(look_alike):
    """Characters easily misread across a room are never part of a code."""
    assert look_alike.upper() not in join_codes.ALPHABET
    assert join_codes.normalise(f"ACE34{look_alike}") is None


@pytest.mark.parametrize("typed", ["ACE34!", "ACÉ347", "ACE34\uff17", "<ACE3>"])
def test_normalise_refuses_other_characters(typed):
    """Punctuation and other scripts' letters or digits are not code characters."""
    assert join_codes.normalise(typed) is None


def test_display_groups_the_code_in_threes():
    """A code is shown and read aloud as two groups of three."""
    assert join_codes.display("ACE347") == "ACE 347"


def test_display_of_a_normalised_code_normalises_back():
    """What is shown on screen, typed back in, finds the same meeting."""
    code = join_codes.new_code()
    assert join_codes.normalise(join_codes.display(code)) == code


def test_new_code_is_six_characters_from_the_alphabet():
    """Fresh codes have the right length and only readable characters."""
    for _ in range(500):
        code = join_codes.new_code()
        assert len(code) == 6
        assert set(code) <= set(join_codes.ALPHABET)


def test_new_codes_vary():
    """Codes are random, not a sequence someone could guess from their own."""
    assert len({join_codes.new_code() for _ in range(200)}) > 190
