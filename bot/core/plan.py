"""The structured form of a plan (kế hoạch) or report: what parsing produces and matching reads.

These are plain, immutable values; storage persists them and the matcher indexes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Qualifier(StrEnum):
    """How a target's figure is to be read."""

    EXACT = "exact"  # "1.600 người"
    ABOUT = "about"  # "khoảng 9,48%"
    AT_LEAST = "at_least"  # "≥ 100%", "đạt/vượt", "trên 95%", "từ 96% trở lên"
    MORE_THAN = "more_than"  # "> 85%"
    AT_MOST = "at_most"  # "dưới 5%", "không quá"
    REDUCE = "reduce"  # "giảm 0,77%"
    INCREASE = "increase"  # "tăng bình quân 10%/năm"

    @property
    def label(self) -> str:
        """The qualifier as written in a Vietnamese answer (empty for an exact figure)."""
        return _QUALIFIER_LABELS[self]


_QUALIFIER_LABELS = {
    Qualifier.EXACT: "",
    Qualifier.ABOUT: "khoảng",
    Qualifier.AT_LEAST: "tối thiểu",
    Qualifier.MORE_THAN: "trên",
    Qualifier.AT_MOST: "không quá",
    Qualifier.REDUCE: "giảm",
    Qualifier.INCREASE: "tăng",
}


class Direction(StrEnum):
    """Which way a target's figure should go; set by an admin, else inferred (progress rules)."""

    HIGHER = "higher"  # càng cao càng tốt: done when the figure reaches the target
    LOWER = "lower"  # càng thấp càng tốt: a rate to bring down (hộ nghèo, suy dinh dưỡng)
    CEILING = "ceiling"  # không vượt quá: met while the figure stays at or under the target
    QUALITATIVE = "qualitative"  # no figure: đạt / chưa đạt, set by an officer or unit


class Scope(StrEnum):
    """Who reports a target's figure."""

    UNITS = "units"  # every unit reports its share; counts add up to the commune figure
    COMMUNE = "commune"  # one figure for the whole commune, reported by the responsible unit


@dataclass(frozen=True, slots=True)
class Section:
    """A heading in the plan's outline, e.g. path "II.2" titled "Chỉ tiêu thi đua"."""

    path: str  # dotted path of numbers from the root: "II", "II.2", "III.1.a"
    title: str  # heading text, cleaned ("Chỉ tiêu thi đua"); may be empty
    level: int  # 1 for "I.", 2 for "1.", 3 for "a)", 4 for "-"


def kind_label(kind: str) -> str:
    """ "Báo cáo" for a report (kind "bao_cao"), else "Kế hoạch"."""
    return "Báo cáo" if kind == "bao_cao" else "Kế hoạch"


_PART_ORDINALS = ("", "nhất", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười")


def section_label(path: str) -> str:
    """How officers name a place in the plan: "mục II.2"; "phần thứ hai, mục II" for a
    report's parts ("P2.II"); "phần mở đầu" before the first heading."""
    if not path:
        return "phần mở đầu"
    path = shown_path(path)
    if not path:  # only unnumbered groups: the plan gives the place no number to cite
        return "nhóm chỉ tiêu"
    part, _, rest = path.partition(".")
    if part.startswith("P") and part[1:].isdigit():
        number = int(part[1:])
        ordinal = _PART_ORDINALS[number] if number < len(_PART_ORDINALS) else str(number)
        where = f"phần thứ {ordinal}"
        return f"{where}, mục {rest}" if rest else where
    return f"mục {path}"


_UNNUMBERED_GROUP = re.compile(r"n\d+")


def shown_path(path: str) -> str:
    """*path* as the plan numbers it: without the reader's own names for unnumbered groups
    ("n1") and for repeated numbers ("II~2" is the second "II."): "B.II.n1~2" → "B.II"."""
    parts = (part.partition("~")[0] for part in path.split("."))
    return ".".join(part for part in parts if not _UNNUMBERED_GROUP.fullmatch(part))


def unnumbered_group(path: str) -> bool:
    """Whether *path* ends in a group the plan gave no number (a "Kinh tế" table row)."""
    last = path.rpartition(".")[2].partition("~")[0]
    return _UNNUMBERED_GROUP.fullmatch(last) is not None


def target_marker(number: str, key: str) -> str:
    """ "(10)" for a plan number written "10", "10." or "(10)"; the key when the plan has none."""
    return f"({number.strip().rstrip('.').strip('()') or key})"


@dataclass(frozen=True, slots=True)
class Target:
    """A numbered target (chỉ tiêu) or one sub-target of a compound line.

    ``key`` is stable across re-imports of the same plan and identifies the target
    for reports: "10" for target (10), "5.2" for the second part of compound target 5.
    """

    key: str
    number: str  # the number as the plan shows it: "10", "(10)"; sub-targets share the parent's
    name: str  # "Giải quyết việc làm trong năm", "Lợn"
    value: Decimal | None  # 1600; None when the target is not a figure ("giảm cả 3 tiêu chí")
    measure: str | None  # canonical unit of measure: "người", "%", "tỷ đồng", "cây", "con" …
    qualifier: Qualifier
    section_path: str  # "II.2"
    source_text: str  # the whole line, cleaned of wrap noise, to quote back
    parent_key: str | None = None  # set on sub-targets of a compound line
    text_value: str | None = None  # non-numeric content or a year ("vào năm 2027")
    direction: Direction | None = None  # None: inferred from qualifier and name
    scope: Scope | None = None  # None: inferred (counts by units, rates by the commune)

    @property
    def marker(self) -> str:
        """The target's number as "(10)", whatever way the plan wrote it."""
        return target_marker(self.number, self.key)


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph of duties or procedure with where it stands in the plan."""

    section_path: str
    heading: str  # title of the innermost section ("Tổ chức thực hiện")
    text: str  # cleaned of line-wrap noise and stray page numbers
    order: int  # position in the document, for stable citations


class DeadlineKind(StrEnum):
    """What a deadline written in the plan is for."""

    SIX_MONTH = "six_month"  # báo cáo sơ kết 6 tháng
    YEAR_END = "year_end"  # báo cáo tổng kết năm
    REGISTRATION = "registration"  # đăng ký thi đua
    DOSSIER = "dossier"  # hồ sơ đề nghị khen thưởng
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PlanDeadline:
    """A date the plan itself sets: "gửi báo cáo sơ kết … trước ngày 10/6/2024"."""

    kind: DeadlineKind
    day: int
    month: int
    year: int | None  # None when the plan writes only "15/3" (the plan's year is meant)
    what: str  # short label: "Báo cáo sơ kết 6 tháng"
    source_text: str  # the sentence that sets it, to quote back
    section_path: str


@dataclass(frozen=True, slots=True)
class ParsedPlan:
    """Everything understood from one document."""

    title: str
    number: str | None  # "21/KH-UBND"
    issued_on: date | None
    year: int | None  # the year (or first year of the period) the plan covers
    kind: str  # "ke_hoach" (plan) or "bao_cao" (report) or "khac"
    sections: tuple[Section, ...] = field(default_factory=tuple)
    targets: tuple[Target, ...] = field(default_factory=tuple)
    passages: tuple[Passage, ...] = field(default_factory=tuple)
    issuer: str | None = None  # "UBND huyện Bình Sơn", when stated
    # Lines with a figure that stand outside any targets list: offered to the officer to add.
    candidates: tuple[Target, ...] = field(default_factory=tuple)
    deadlines: tuple[PlanDeadline, ...] = field(default_factory=tuple)

    def section(self, path: str) -> Section | None:
        """The section at *path*, if the plan has one."""
        return next((s for s in self.sections if s.path == path), None)

    def target(self, key: str) -> Target | None:
        """The target with *key*, if any."""
        return next((t for t in self.targets if t.key == key), None)

    def top_level_targets(self) -> list[Target]:
        """Numbered targets without their sub-targets."""
        return [t for t in self.targets if t.parent_key is None]

    def children(self, key: str) -> list[Target]:
        """Sub-targets of the compound target *key*, in plan order."""
        return [t for t in self.targets if t.parent_key == key]
