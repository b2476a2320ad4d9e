"""The v1 lists' query parameters (``learn.api.params``): a 400 naming the parameter for an unknown
name or a bad ``limit``/``offset``, as search answers them."""

from __future__ import annotations

from typing import Any

import pytest

from learn.api.params import MAX_DB_INT, InvalidParameter, check_known, non_negative_int


def _detail(call: Any, *args: Any) -> Any:
    with pytest.raises(InvalidParameter) as caught:
        call(*args)
    assert caught.value.status_code == 400
    return caught.value.detail


def test_known_names_and_format_pass() -> None:
    check_known(["limit", "offset", "format"], ["limit", "offset"])
    check_known([], [])


def test_the_first_unknown_name_is_refused_with_the_choices() -> None:
    detail = _detail(check_known, ["zeta", "limit", "alpha"], ["limit"])
    assert detail == {
        "detail": "alpha: unknown parameter",
        "param": "alpha",
        "choices": ["format", "limit"],
    }


@pytest.mark.parametrize(("raw", "value"), [("0", 0), (" 42 ", 42), (str(MAX_DB_INT), MAX_DB_INT)])
def test_non_negative_integers_parse(raw: str, value: int) -> None:
    assert non_negative_int("limit", raw) == value


@pytest.mark.parametrize("raw", ["-1", "1.5", "", " ", "ten", "٣", "+3"])
def test_anything_but_digits_is_refused(raw: str) -> None:
    detail = _detail(non_negative_int, "offset", raw)
    assert detail == {
        "detail": f"offset: {raw!r} is not a non-negative integer",
        "param": "offset",
    }


def test_a_value_beyond_the_database_range_is_refused() -> None:
    detail = _detail(non_negative_int, "limit", str(MAX_DB_INT + 1))
    assert detail == {"detail": f"limit: must be at most {MAX_DB_INT}", "param": "limit"}


def test_a_long_bad_value_is_quoted_shortened() -> None:
    detail = _detail(non_negative_int, "limit", "x" * 80)
    assert detail["detail"] == f"limit: {'x' * 50!r} is not a non-negative integer"


def test_the_limit_is_the_databases_bigint_range() -> None:
    # PostgreSQL's bigint: 9223372036854775807 is the largest offset a query can carry
    assert non_negative_int("offset", "9223372036854775807") == 9223372036854775807
    detail = _detail(non_negative_int, "offset", "9223372036854775808")
    assert detail["detail"] == "offset: must be at most 9223372036854775807"
