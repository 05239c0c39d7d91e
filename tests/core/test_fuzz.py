"""Fuzzing every public parsing and matching entry point of the core.

Each target feeds generated text (Vietnamese words, numbers in every notation, OCR glyphs,
characters that fold to several letters, long words, long runs of figures) and checks two
things:

* only the project's own errors come out (:class:`bot.errors.UserFacingError` with a
  Vietnamese message, where the entry point refuses input at all);
* the work done grows with the input, not faster: the Python calls made while handling one
  input (counted with :func:`sys.setprofile`, so the bound is deterministic, never a clock)
  stay below a linear budget in its length.

``make test`` runs the short profile (a few seconds in all); ``make fuzz`` selects the long
one with ``THIDUA_FUZZ=long``. Time is measured by ``benchmarks/adversarial.py``, not here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.diacritics import looks_ocr_damaged, restore_diacritics
from bot.core.matcher import KnowledgeBase
from bot.core.measures import find_measure_prefix
from bot.core.numbers import MAX_FIGURE, NumberError, parse_amount, parse_number
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import has_figure, parse_report
from bot.core.synonyms import tokenize
from bot.core.text import fold
from bot.errors import UserFacingError
from tests.core.test_matcher import sample_kb

settings.register_profile(
    "fuzz-short",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same inputs on every run of the suite: no flaky failures
)
settings.register_profile(
    "fuzz-long",
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile(
    "fuzz-long" if os.environ.get("THIDUA_FUZZ") == "long" else "fuzz-short"
)

# --- inputs -----------------------------------------------------------------------------------

_PIECES = (
    "Trồng mới cây phân tán", "bảo hiểm y tế", "BHYT", "lợn", "con", "cây", "tấn", "ha", "m2",
    "tỷ", "triệu", "nghìn", "k", "%", "thôn 2", "Thôn Bắc:", "năm 2025", "30/6", "(16)",
    "chỉ tiêu số 10", "bao nhiêu", "ai", "thế nào", "thêm", "+", "-", "bớt", ";", ",", ".",
    ":", "\n", " ", "  ", "\u00a0", "=", "kế hoạch", "ti€u", "t6", "nudc", "Ty 1€", "x&",
    "Ⅻ", "ﬁ", "ǅ", "e\u0301", "\u0323", "đ", "Đ", "ư", "ơ", "1m", "2 tỷ 5", "12 500",
    "1.600", "28.603,61", "1,600", "1.5", "0,77", "999.999.999.999.999",
)  # fmt: skip
_NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.from_regex(r"[+\-−–]?\d{1,40}([.,]\d{1,8}){0,4}", fullmatch=True),
)
_CHUNK = st.one_of(
    st.sampled_from(_PIECES),
    _NUMBERS,
    st.text(min_size=1, max_size=12),
    st.text(alphabet="abcdeghiklmnopqrstuvxyđơưăâêô", min_size=1, max_size=40),
)
# Ordinary messages: a few chunks joined with spaces.
_MESSAGES = st.lists(_CHUNK, max_size=30).map(" ".join)
# Adversarial shapes: one chunk repeated up to a Telegram message, or one huge word.
_REPEATED = st.builds(
    lambda chunk, sep, times: ((chunk + sep) * times)[:4096],
    _CHUNK,
    st.sampled_from(["", " ", ", ", "\n", "; "]),
    st.integers(min_value=1, max_value=1400),
)
_HUGE_WORD = st.builds(
    lambda letters, size: (letters * size)[:size],
    st.text(alphabet="abcdeghiklmnoquvxyĂăÂâĐđ€Ⅻ1", min_size=1, max_size=5),
    st.integers(min_value=100, max_value=4096),
)
TEXTS = st.one_of(_MESSAGES, _REPEATED, _HUGE_WORD)


# --- the work bound ---------------------------------------------------------------------------

# Python calls (including calls into C) allowed per character of input, plus a constant for
# fixed costs. Quadratic work on a 4.096-character input would need about a thousand times
# the per-character budget; the entry points use a few dozen.
CALLS_PER_CHAR = 400
CALLS_FIXED = 60_000


@contextmanager
def counting_calls() -> Iterator[list[int]]:
    """Count every function call (Python and C) made inside the block."""
    count = [0]

    def profile(_frame: FrameType, event: str, _arg: Any) -> None:
        if event in ("call", "c_call"):
            count[0] += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(previous)


def run_bounded(
    entry: Callable[[str], object],
    text: str,
    allowed: tuple[type[Exception], ...] = (),
    *,
    per_char: int = CALLS_PER_CHAR,
) -> object:
    """*entry*(*text*), checking its errors and its work; the result, or None when refused."""
    result: object = None
    refused: Exception | None = None
    with suppress(*allowed):
        entry("")  # built-in tables are built once, on first use: not the input's work
    with counting_calls() as calls:
        try:
            result = entry(text)
        except allowed as error:
            refused = error
    if isinstance(refused, UserFacingError):
        assert refused.message_vi.strip()
        assert len(refused.message_vi) < 1000  # never echoes a whole message back
    budget = per_char * len(text) + CALLS_FIXED
    assert calls[0] <= budget, f"{calls[0]} calls for {len(text)} characters"
    return result


# --- the targets ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return sample_kb()


@FUZZ
@given(TEXTS)
def test_fold_and_tokenize(text: str) -> None:
    folded = run_bounded(fold, text, per_char=60)
    assert isinstance(folded, str) and folded == fold(folded)
    tokens = run_bounded(tokenize, text)
    assert isinstance(tokens, list) and all(tokens)


@FUZZ
@given(st.one_of(_NUMBERS, TEXTS))
def test_parse_number_and_amount(text: str) -> None:
    for entry in (parse_number, parse_amount):
        value = run_bounded(entry, text, (NumberError,))
        if isinstance(value, Decimal):
            assert abs(value) < MAX_FIGURE
        elif value is not None:
            assert abs(value.value) < MAX_FIGURE  # type: ignore[attr-defined]


@FUZZ
@given(TEXTS)
def test_parse_report(text: str) -> None:
    parsed = run_bounded(parse_report, text, (UserFacingError,))
    if parsed is not None:
        for claim in parsed.claims:  # type: ignore[attr-defined]
            assert abs(claim.value) < MAX_FIGURE
    run_bounded(has_figure, text)


@FUZZ
@given(TEXTS)
def test_find_measure_prefix(text: str) -> None:
    found = run_bounded(find_measure_prefix, text, per_char=40)
    if found is not None:
        assert 0 < found[1] <= len(text)  # type: ignore[index]


@FUZZ
@given(TEXTS)
def test_questions_and_report_fragments(kb: KnowledgeBase, text: str) -> None:
    answer = run_bounded(kb.ask, text, (UserFacingError,))
    if answer is not None:
        assert answer.kind in ("target", "passage", "choices", "about", "none")  # type: ignore[attr-defined]
    matches = run_bounded(lambda t: kb.match_targets(t), text)
    assert isinstance(matches, list) and len(matches) <= 3


@FUZZ
@given(TEXTS)
def test_restore_diacritics(text: str) -> None:
    restored = run_bounded(restore_diacritics, text)
    assert isinstance(restored, str)
    run_bounded(looks_ocr_damaged, text)


_HEADINGS = st.sampled_from(["I. MỤC TIÊU", "1. Chỉ tiêu:", "- "])


@FUZZ
@given(st.lists(st.one_of(TEXTS, _HEADINGS), max_size=8))
def test_parse_plan(lines: list[str]) -> None:
    text = "\n".join(lines)
    plan = run_bounded(parse_plan, text, per_char=1500)
    assert plan is not None
