"""Units of measure (đơn vị tính) seen in plans and typed by staff.

Each :class:`Measure` has a canonical display name ("tấn", "triệu đồng", "%"), a category
("mass", "money", "animals" …) and a factor to the category's base unit, so that
"2.150.000.000 đồng" compares with a target in "tỷ đồng" and "12 tạ" with one in "tấn".
Report matching uses the category to say "a figure in con belongs to a livestock target".

Aliases are matched folded (:func:`bot.core.text.fold`: no case, no diacritics), so "tấn",
"tan" and "TẤN" all meet. Short aliases that are also everyday words ("ho" for hộ, "con",
"ban", "ha") are safe because :func:`find_measure_prefix` is only used right after a number.
``ocr=True`` adds the spellings OCR leaves in scanned plans ("tin" for tấn, "ngudi" for người).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from bot.core.text import strip_marks

__all__ = [
    "MEASURES",
    "Measure",
    "convert",
    "find_measure_prefix",
    "lookup_measure",
    "marks_mismatch",
    "measures_in",
    "spelled_so",
]

# Categories whose members convert into each other through factor_to_base. In the other
# categories a figure only compares with the same unit (a "xã" is not a "phường").
_SCALED_CATEGORIES = frozenset(
    {"money", "mass", "area", "length", "people", "households", "income_per_capita"}
)
# Staff report an income per head as a plain amount ("60 triệu"): both count đồng.
_SAME_BASE = {"income_per_capita": "money"}


@dataclass(frozen=True, slots=True)
class Measure:
    """A unit of measure: canonical display name, category, factor to the category's base."""

    name: str  # "triệu đồng"
    category: str  # "money"
    factor_to_base: Decimal = Decimal(1)  # 1.000.000 (base: đồng)

    @property
    def counts_whole_things(self) -> bool:
        """Trees, animals, people, households …: "2,3 con" cannot be meant."""
        return self.category in COUNTABLE_CATEGORIES


COUNTABLE_CATEGORIES = frozenset(
    {"plants", "animals", "people", "households", "houses", "documents", "schools",
     "communes", "villages", "groups", "organisations", "works", "cases", "turns",
     "events", "products", "models", "criteria"}
)  # fmt: skip


def _m(name: str, category: str, factor: int | str = 1) -> Measure:
    return Measure(name, category, Decimal(factor))


# Canonical measures with their aliases (written naturally; they are folded on load).
_TABLE: tuple[tuple[Measure, tuple[str, ...]], ...] = (
    # Plants, animals, mass
    (_m("cây", "plants"), ("cây", "cây xanh", "cây giống")),
    (_m("con", "animals"), ("con",)),
    (_m("tấn", "mass", 1000), ("tấn",)),
    (_m("tạ", "mass", 100), ("tạ",)),
    (_m("yến", "mass", 10), ("yến",)),
    (_m("kg", "mass"), ("kg", "ki-lô-gam", "kilôgam", "kilogam", "cân")),
    (_m("tạ/ha", "yield"), ("tạ/ha", "tạ/héc-ta", "tạ/1 ha", "tạ/1ha")),
    (_m("tấn/ha", "yield_tonnes"), ("tấn/ha", "tấn/héc-ta", "tấn/1 ha")),
    # People and households
    (_m("người", "people"), ("người", "nhân khẩu", "khẩu", "đồng chí", "đ/c", "cá nhân")),
    (_m("lao động", "people"), ("lao động", "lđ")),
    (_m("học sinh", "people"), ("học sinh", "hs", "em")),
    (_m("học viên", "people"), ("học viên",)),
    (_m("hội viên", "people"), ("hội viên",)),
    (_m("đoàn viên", "people"), ("đoàn viên",)),
    (_m("đảng viên", "people"), ("đảng viên",)),
    (_m("thanh niên", "people"), ("thanh niên",)),
    (_m("lượt người", "turns"), ("lượt người",)),
    (_m("lượt", "turns"), ("lượt",)),
    (_m("hộ", "households"), ("hộ", "hộ gia đình", "hộ dân")),
    (_m("gia đình", "households"), ("gia đình",)),
    (_m("nhà", "houses"), ("nhà", "căn", "căn nhà", "ngôi nhà", "căn hộ")),
    # Rates and money
    (_m("%", "rate"), ("%", "%/năm", "phần trăm")),
    (_m("đồng", "money"), ("đồng", "đ", "vnđ", "vnd")),
    (_m("triệu đồng/ha", "money_per_area", 10**6), ("triệu đồng/ha", "tr.đ/ha", "trđ/ha")),
    (_m("nghìn đồng", "money", 1000), ("nghìn đồng", "ngàn đồng", "nghìn đ", "ngàn đ")),
    (
        _m("triệu đồng", "money", 10**6),
        ("triệu đồng", "triệu", "tr.đ", "trđ", "tr đ", "tr.đồng", "tr", "triệu đ"),
    ),
    (_m("tỷ đồng", "money", 10**9), ("tỷ đồng", "tỉ đồng", "tỷ", "tỉ", "tỷ đ", "tỉ đ")),
    (
        _m("triệu đồng/người/năm", "income_per_capita", 10**6),
        (
            "triệu đồng/người/năm",
            "tr.đ/người/năm",
            "trđ/người/năm",
            "tr/người/năm",
            "triệu/người/năm",
            "triệu đồng/người",
            "tr.đ/người",
            "triệu đồng/người/ năm",
            "triệu đồng/năm",
        ),
    ),
    (_m("đồng/người/năm", "income_per_capita"), ("đồng/người/năm",)),
    # Area and length
    (_m("m2/người", "area_per_capita"), ("m2/người", "m²/người", "m<sup>2</sup>/người")),
    (_m("m2", "area"), ("m2", "m²", "m<sup>2</sup>", "mét vuông")),
    (_m("ha", "area", 10_000), ("ha", "héc-ta", "hécta", "hecta")),
    (_m("km2", "area", 10**6), ("km2", "km²", "km<sup>2</sup>")),
    (_m("km", "length", 1000), ("km", "ki-lô-mét", "kilômét", "cây số")),
    (_m("m", "length"), ("m", "mét")),
    (_m("m3", "volume"), ("m3", "m³", "mét khối")),
    # Documents, titles
    (_m("giấy", "documents"), ("giấy", "giấy chứng nhận", "gcn")),
    (_m("hồ sơ", "documents"), ("hồ sơ", "bộ hồ sơ")),
    (_m("thẻ", "documents"), ("thẻ",)),
    (_m("sản phẩm", "products"), ("sản phẩm", "sp", "sáng kiến", "đề tài", "giải pháp")),
    (_m("mô hình", "models"), ("mô hình",)),
    (_m("tiêu chí", "criteria"), ("tiêu chí",)),
    # Institutions and places
    (_m("trường", "schools"), ("trường", "trường học")),
    (_m("xã", "communes"), ("xã",)),
    (_m("phường", "communes"), ("phường",)),
    (_m("thị trấn", "communes"), ("thị trấn",)),
    (_m("thôn", "villages"), ("thôn", "làng", "xóm", "ấp")),
    (_m("tổ dân phố", "villages"), ("tổ dân phố", "tdp")),
    (_m("khu dân cư", "villages"), ("khu dân cư", "kdc")),
    (_m("bản", "villages"), ("bản", "buôn", "sóc", "plây")),  # after a number: "9 bản"
    (_m("câu lạc bộ", "groups"), ("câu lạc bộ", "clb")),
    (_m("tổ", "groups"), ("tổ",)),
    (_m("đội", "groups"), ("đội",)),
    (_m("chi hội", "groups"), ("chi hội",)),
    (_m("chi đoàn", "groups"), ("chi đoàn",)),
    (_m("chi bộ", "groups"), ("chi bộ",)),
    (_m("tổ hội", "groups"), ("tổ hội",)),
    (_m("tổ hợp tác", "groups"), ("tổ hợp tác", "tht")),
    (_m("cơ quan", "organisations"), ("cơ quan",)),
    (_m("đơn vị", "organisations"), ("đơn vị",)),
    (_m("doanh nghiệp", "organisations"), ("doanh nghiệp", "dn")),
    (_m("hợp tác xã", "organisations"), ("hợp tác xã", "htx")),
    (_m("cơ sở", "organisations"), ("cơ sở",)),
    # Works and events
    (_m("công trình", "works"), ("công trình",)),
    (_m("phần việc", "works"), ("phần việc",)),
    (_m("ngày công", "turns"), ("ngày công",)),
    (_m("tuyến", "works"), ("tuyến", "tuyến đường")),
    (_m("dự án", "works"), ("dự án",)),
    (_m("vụ", "cases"), ("vụ", "vụ việc", "vụ án")),
    (_m("cuộc", "events"), ("cuộc",)),
    (_m("hội nghị", "events"), ("hội nghị",)),
    (_m("lớp", "events"), ("lớp", "lớp học")),
    (_m("buổi", "events"), ("buổi",)),
    (_m("tin bài", "documents"), ("tin bài", "tin/bài")),
    (_m("suất", "products"), ("suất", "suất quà", "phần quà")),
    (_m("giường bệnh/vạn dân", "health_ratio"), ("giường bệnh/vạn dân", "giường/vạn dân")),
    (_m("bác sĩ/vạn dân", "health_ratio"), ("bác sĩ/vạn dân",)),
)

# Units that fold onto the same letters but differ in their marks: "cân" (a kilogram, in
# speech) and "căn" (a house). Written with marks, each means its own; without them the
# spelling plans use for houses wins (what a plan counts is houses built, not kilograms).
_FOLDED_DEFAULT = {"can": "nhà"}

# Spellings that OCR leaves in scanned plans, only trusted there (see module docstring).
_OCR_ALIASES: tuple[tuple[str, str], ...] = (
    ("tin", "tấn"),
    ("ngudi", "người"),
    ("nguodi", "người"),
    ("ngwoi", "người"),
    ("cdy", "cây"),
    ("ciy", "cây"),
    ("déng", "đồng"),
    ("ddng", "đồng"),
    ("hd", "hộ"),
    ("trudng", "trường"),
    ("gidy", "giấy"),
)

MEASURES: tuple[Measure, ...] = tuple(m for m, _ in _TABLE)

_SUPERSCRIPTS = str.maketrans({"²": "2", "³": "3"})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return strip_marks(ch.translate(_SUPERSCRIPTS)).lower()


def _fold_with_ends(text: str, limit: int | None = None) -> tuple[str, list[int]]:
    """Fold *text* like :func:`fold` (without trimming) and remember, for each folded
    character, the index in *text* just after the character it came from. With *limit*,
    stop once that many folded characters are out (a unit is looked for at the start of
    a message's rest: folding all of it for every figure would be quadratic)."""
    out: list[str] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if limit is not None and len(out) > limit:
            break
        if ch.isspace():
            if out and out[-1] == " ":
                ends[-1] = i + 1
                continue
            out.append(" ")
            ends.append(i + 1)
            continue
        folded = _fold_char(ch)
        if not folded and ends:
            ends[-1] = i + 1  # a combining mark of decomposed input belongs to its letter
        for piece in folded:
            out.append(piece)
            ends.append(i + 1)
    return "".join(out), ends


def _key(alias: str) -> str:
    return _fold_with_ends(alias)[0].strip()


def _marked(text: str) -> str:
    """*text* lower case with its marks kept (composed), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _exact_spellings() -> dict[str, Measure]:
    """Aliases, written with their marks, whose folded form another unit shares."""
    owners: dict[str, set[str]] = {}
    for measure, aliases in _TABLE:
        for alias in (measure.name, *aliases):
            owners.setdefault(_key(alias), set()).add(measure.name)
    return {
        _marked(alias): measure
        for measure, aliases in _TABLE
        for alias in (measure.name, *aliases)
        if len(owners[_key(alias)]) > 1
    }


_EXACT = _exact_spellings()
_SHARED_KEYS = frozenset(_key(alias) for alias in _EXACT)


def _spellings() -> dict[str, frozenset[str]]:
    """Each folded alias and the ways it is written with its marks."""
    found: dict[str, set[str]] = {}
    for measure, aliases in _TABLE:
        for alias in (measure.name, *aliases):
            found.setdefault(_key(alias), set()).add(_marked(alias))
    for alias, _ in _OCR_ALIASES:
        found.setdefault(_key(alias), set()).add(_marked(alias))
    return {key: frozenset(forms) for key, forms in found.items()}


_SPELLINGS = _spellings()


def spelled_so(text: str) -> bool:
    """Whether *text* is written exactly as one of the unit's spellings, marks included."""
    forms = _SPELLINGS.get(_key(text).strip(" ().,;:"))
    return forms is not None and _marked(text).strip(" ().,;:") in forms


def marks_mismatch(text: str) -> int | None:
    """Where the marks of *text*, a unit named as a whole, first disagree with every way
    that unit is written ("hộ so" against "hồ sơ": 1), or None when they agree or *text*
    is written without marks (typed without them, or stripped by OCR)."""
    key = _key(text).strip(" ().,;:")
    written = _marked(text).strip(" ().,;:")
    forms = _SPELLINGS.get(key)
    if not forms or written == key or written in forms:
        return None
    best = 0
    for form in forms:
        same = next(
            (i for i, (a, b) in enumerate(zip(written, form, strict=False)) if a != b),
            min(len(written), len(form)),
        )
        best = max(best, same)
    return best


def _build(ocr: bool) -> tuple[dict[str, Measure], list[int]]:
    by_alias: dict[str, Measure] = {}
    by_name = {m.name: m for m in MEASURES}
    for key, name in _FOLDED_DEFAULT.items():
        by_alias[key] = by_name[name]
    for measure, aliases in _TABLE:
        for alias in (measure.name, *aliases):
            by_alias.setdefault(_key(alias), measure)
    if ocr:
        for alias, name in _OCR_ALIASES:
            by_alias.setdefault(_key(alias), by_name[name])
    # The alias lengths, longest first, so "triệu đồng/người/năm" wins over "triệu đồng"
    # and "m2" over "m": one dictionary look-up per length.
    return by_alias, sorted({len(alias) for alias in by_alias}, reverse=True)


_PLAIN = _build(ocr=False)
_WITH_OCR = _build(ocr=True)
# What a unit can start with, folded: most figures are followed by none of these.
_FIRST_LETTERS = frozenset(alias[0] for alias in _WITH_OCR[0])


def measures_in(category: str) -> tuple[Measure, ...]:
    """Every canonical measure of *category*."""
    return tuple(m for m in MEASURES if m.category == category)


def lookup_measure(text: str, *, ocr: bool = False) -> Measure | None:
    """The measure *text* names as a whole ("Tr.đ", "tan", "m<sup>2</sup>", "(%)"), or None."""
    by_alias, _ = _WITH_OCR if ocr else _PLAIN
    key = _key(text).strip(" ().,;:")
    if key in _SHARED_KEYS:
        exact = _EXACT.get(_marked(text).strip(" ().,;:"))
        if exact is not None:
            return exact
    return by_alias.get(key)


def find_measure_prefix(text: str, *, ocr: bool = False) -> tuple[Measure, int] | None:
    """The longest unit at the start of *text* and how many characters of *text* it spans.

    ``find_measure_prefix("cây phân tán")`` → (cây, 3); leading white space is included in
    the length. The unit must end at a word boundary: "con" does not match "công".
    """
    by_alias, lengths = _WITH_OCR if ocr else _PLAIN
    stripped = text.lstrip()
    if not stripped or _fold_char(stripped[0])[:1] not in _FIRST_LETTERS:
        return None
    lead = len(text) - len(stripped)
    # Only the longest alias and the character after it are ever compared: folding the
    # whole rest of a message for each of its figures would be quadratic.
    body, ends = _fold_with_ends(stripped, limit=lengths[0] + 1)
    found: tuple[Measure, int] | None = None
    mismatch: int | None = None
    for length in lengths:
        alias = body[:length]
        if len(alias) < length or alias not in by_alias:
            continue
        after = body[length : length + 1]
        if alias[-1].isalnum() and after.isalnum():
            continue
        end = lead + ends[length - 1]
        measure = by_alias[alias]
        if alias in _SHARED_KEYS:  # "căn" or "cân": the marks tell
            measure = _EXACT.get(_marked(text[lead:end]), measure)
        if found is None:
            found, mismatch = (measure, end), marks_mismatch(text[lead:end])
            if mismatch is None:
                return found
        elif mismatch is not None and end - lead > mismatch and spelled_so(text[lead:end]):
            return measure, end  # "3 hộ so với …": folds like "hồ sơ", its marks spell "hộ"
    return found


def convert(value: Decimal, from_measure: Measure, to_measure: Measure) -> Decimal | None:
    """*value* in *from_measure* expressed in *to_measure*, or None when they do not compare.

    Same unit: unchanged. Same scaled category (money, mass, area, length, people,
    households, income per head): through the base unit, "2.150.000.000 đồng" → 2,15 tỷ đồng.
    An amount of money also converts to an income per head ("60 triệu" → 60 triệu
    đồng/người/năm), since staff report incomes without the "/người/năm".
    """
    if from_measure.name == to_measure.name:
        return value
    source = _SAME_BASE.get(from_measure.category, from_measure.category)
    target = _SAME_BASE.get(to_measure.category, to_measure.category)
    if source != target or source not in _SCALED_CATEGORIES:
        return None
    result = value * from_measure.factor_to_base / to_measure.factor_to_base
    return result.normalize() if result != result.to_integral_value() else result.quantize(1)
