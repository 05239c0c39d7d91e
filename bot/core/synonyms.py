"""Matching vocabulary: OCR-tolerant tokens and the synonym table (abbreviations, everyday words).

Plan text and questions meet in one token form made by :func:`tokenize`: folded (no case, no
diacritics, đ → d), numbers joined ("1.600" → ``#1600``) and the usual OCR damage of scanned
plans repaired where it can be done without context ("Ty 1€" → ``ti le``, "x&" → ``xa``,
"Pang" → ``dang``, "nudc" → ``nuoc``, "lwong" → ``luong``, "16n" → ``lon``).

The :class:`SynonymTable` groups phrases that mean the same thing ("BHYT" = "bảo hiểm y tế",
"heo" = "lợn", "rác thải" ≈ "chất thải rắn"). Each group becomes one *concept* token
(``~bhyt``), so a question about "bảo hiểm xã hội" (``~bhxh``) never passes for one about
"bảo hiểm y tế": the concepts differ even though most words agree. Admins extend the table at
runtime with :meth:`SynonymTable.with_extra`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.core.text import fold

__all__ = [
    "BUILTIN_GROUPS",
    "CONCEPT_PREFIX",
    "NUMBER_PREFIX",
    "OCR_CONFUSIONS",
    "ConceptMatch",
    "SynonymTable",
    "is_syllable",
    "ocr_near",
    "ocr_variants",
    "tokenize",
]

CONCEPT_PREFIX = "~"
NUMBER_PREFIX = "#"

_TOKEN = re.compile(r"[0-9a-z]+")
# Thousands and decimal marks inside a number: "28.603,61" is one number, not three.
_NUMBER_MARK = re.compile(r"(?<=\d)[.,](?=\d)")
# A figure glued to its unit: "8m2", "22,99km2", "10ha". Split rather than "repaired". Only
# from the start of a run of digits: trying every digit of a long run is quadratic.
_NUMBER_UNIT = re.compile(
    r"(?<!\d)(\d+)(m|m2|m3|km|km2|ha|kg|kw|kwh|mw|tr|trd|k|g|l|h|ty|ti|m²)(\d?)"
)
_VOWELS = frozenset("aeiouy")
# Digits OCR reads inside words: "c6"→có, "16n"→lớn, "x4"→xã, "d01"→đổi, "H5"→Hồ, "18"→lệ.
_OCR_DIGITS = str.maketrans({"0": "o", "3": "a", "4": "a", "5": "o", "6": "o", "8": "e"})
# What OCR makes of "lệ" after "tỷ"/"tỉ": "Ty 1€", "Ty 1¢", "ty I¢", "Ty Ié", "ty 18".
_LE_AFTER_TI = frozenset({"1", "l", "i", "ie", "le", "1e", "18", "ic", "lc", "1c", "ia"})
# Syllables written with a final "y" or "i" interchangeably (tỷ/tỉ, kỹ/kĩ, lý/lí, sỹ/sĩ).
_Y_TO_I = frozenset({"ty", "ky", "ly", "my", "sy", "hy", "quy", "vy"})
_TELEX_TONES = frozenset("sfrxj")
_FINALS = ("c", "ch", "m", "n", "ng", "nh", "p", "t")
_TELEX_DOUBLES = (("aa", "a"), ("ee", "e"), ("oo", "o"))

# Vietnamese syllables, folded: an onset, then one of a closed set of rhymes. A token that is
# not one (and not an abbreviation: those have no vowel, or are known) is OCR damage.
_ONSETS = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)  # fmt: skip
_RHYMES_TEXT = """a ac ach ai am an ang anh ao ap at au ay e ec ech em en eng enh eo ep et eu i
    ia ich iec iem ien ieng iep iet ieu im in inh ip it iu o oa oac oach oai oam oan oang oanh oao
    oap oat oay oc oe oen oeo oet oi om on ong ooc oong op ot u ua uan uang uat uay uc ue uech
    uenh ui um un ung uoc uoi uom uon uong uop uot uou up ut uu uy uya uych uyen uyet uynh uyt
    uyu y yem yen yet yeu"""
_RHYMES = frozenset(_RHYMES_TEXT.split())
# Repairs tried on a token that is not a syllable; kept when exactly one gives a syllable:
# "chirc" → chuc (chức), "seach" → sach, "viing" → vung, "cdy" → cay, "dugc" → duoc,
# "thyc" → thuc, "thueng" → thuong, "mei" → moi, "nhitng" → nhung.
_SYLLABLE_REPAIRS = (
    ("ir", "u"), ("ur", "u"), ("ii", "u"), ("it", "u"), ("im", "u"), ("ug", "uo"), ("yu", "u"),
    ("i", "a"), ("y", "u"), ("ea", "a"), ("ei", "oi"), ("ue", "uo"), ("oe", "o"), ("d", "a"),
    ("d", "o"), ("tr", "u"), ("ti", "u"), ("t", "u"), ("c", "e"),
)  # fmt: skip
# Single letters OCR confuses in scanned plans ("ciy"/"cây", "nim"/"năm", "Mit"/"Mặt",
# "quéc"/"quốc"): a word one such substitution away from another may be the same word.
OCR_CONFUSIONS = frozenset(
    {("a", "i"), ("a", "d"), ("o", "d"), ("e", "c"), ("a", "e"), ("o", "c"), ("u", "i"), ("o", "e")}
)


def ocr_near(a: str, b: str) -> bool:
    """True when *a* and *b* differ by one letter OCR confuses (same length, three or more)."""
    if len(a) != len(b) or len(a) < 3 or a == b:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and (diff[0] in OCR_CONFUSIONS or diff[0][::-1] in OCR_CONFUSIONS)


def _partners() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for x, y in OCR_CONFUSIONS:
        out.setdefault(x, set()).add(y)
        out.setdefault(y, set()).add(x)
    return {letter: frozenset(others) for letter, others in out.items()}


_OCR_PARTNERS = _partners()


def ocr_variants(word: str) -> set[str]:
    """Every word one OCR confusion away from *word* (three letters or more)."""
    if len(word) < 3:
        return set()
    return {
        word[:i] + other + word[i + 1 :]
        for i, ch in enumerate(word)
        for other in _OCR_PARTNERS.get(ch, ())
    }


# Without a vowel a token is an abbreviation ("ubnd", "kdc"), except this OCR shape of a
# syllable whose vowel became "d": "ndng" (nông), "cdng" (công), "thdng" (thông).
_VOWEL_AS_D = re.compile(r"(ng|nh|ch|th|tr|kh|ph|[bcghklmnrstvx])d(ng|nh|n|m)")


# Tokens up to this long are remembered once repaired (plans repeat their words); longer ones
# are noise or joined words, repaired each time so an adversary cannot fill the cache with
# huge keys.
_CACHED_TOKEN_LEN = 32


def _repair(token: str) -> str:
    """One raw folded token in its matching form (OCR repairs that need no context)."""
    return _repair_short(token) if len(token) <= _CACHED_TOKEN_LEN else _repair_token(token)


@lru_cache(maxsize=65536)
def _repair_short(token: str) -> str:
    return _repair_token(token)


def _repair_token(token: str) -> str:
    if token.isdigit():
        return NUMBER_PREFIX + token.lstrip("0") if token.strip("0") else NUMBER_PREFIX + "0"
    if any(ch.isdigit() for ch in token):
        # Leading "1" is an "l" ("1an" → lần); elsewhere an "i" ("mo1" → mới, "d01" → đổi).
        head = "l" + token[1:] if token[0] == "1" else token
        token = head.replace("1", "i").translate(_OCR_DIGITS)
        token = "".join(ch for ch in token if not ch.isdigit())
        if not token:
            return ""
    # Vietnamese has no "w". After a consonant OCR writes it for "ư" ("lwong", "dwoc"); after
    # a vowel it is a Telex mark left by a keyboard without input method ("thuowng").
    if "w" in token:
        token = "".join(
            ("" if i > 0 and token[i - 1] in _VOWELS else "u") if ch == "w" else ch
            for i, ch in enumerate(token)
        )
    token = _telex(token)
    if not token:
        return ""
    # A syllable never starts with a bare "p" (only "ph"): OCR reads "Đ" as "P" ("Pang").
    if token[0] == "p" and token[1:2] != "h" and len(token) > 1:
        token = "d" + token[1:]
    # "đ" only starts a syllable; "ud" inside a word is OCR for "ươ" ("nudc", "tudi", "ngudi").
    token = token[:1] + token[1:].replace("ud", "uo")
    if token in _Y_TO_I:
        token = token[:-1] + "i"
    if token in {"x", "xd"}:  # "x&", "x3", "xd" for "xã"
        return "xa"
    return _repair_syllable(token)


def is_syllable(token: str) -> bool:
    """True when *token* (folded) is shaped like a Vietnamese syllable: "nguoi", "quyen"."""
    return any(token.startswith(o) and token[len(o) :] in _RHYMES for o in _ONSETS)


def _repair_syllable(token: str) -> str:
    """A token OCR damaged, mended when one simple substitution makes it a syllable. Tokens
    without a vowel are abbreviations ("ubnd", "tthc") and stay as they are."""
    if not any(ch in _VOWELS for ch in token):
        shape = _VOWEL_AS_D.fullmatch(token)
        return f"{shape[1]}o{shape[2]}" if shape else token
    if len(token) < 2 or is_syllable(token):
        return token
    head, rest = token[:1], token[1:]  # the onset letter is never the damaged one
    mended = {head + rest.replace(old, new) for old, new in _SYLLABLE_REPAIRS if old in rest}
    valid = [m for m in mended if is_syllable(m)]
    # Only a repair that reads one way is made ("cdy" → cay); "bdi" could be "bài" or "bồi",
    # so it stays as OCR left it and matching treats it as damaged.
    return valid[0] if len(valid) == 1 else token


_MARKS = re.compile("[\u0300-\u036f]+")
_D_BAR = str.maketrans({"đ": "d", "ð": "d", "²": "2", "³": "3"})


def _fold(text: str) -> str:
    """:func:`bot.core.text.fold` for tokenizing: the same letters, faster on long texts
    (marks removed with one regular expression rather than character by character)."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_D_BAR)
    return _MARKS.sub("", unicodedata.normalize("NFD", text))


def _telex(token: str) -> str:
    """Undo Telex typed without an input method: "hieemr" → hiem, "vangf" → vang, "ddaau" →
    dau. A syllable never ends in s/f/r/x/j nor doubles a vowel, so this never harms a word."""
    if len(token) > 2 and token[-1] in _TELEX_TONES and token[-2] not in _TELEX_TONES:
        body = token[:-1]
        if body[-1] in _VOWELS or body.endswith(_FINALS):
            token = body
    for double, single in _TELEX_DOUBLES:
        token = token.replace(double, single)
    if token.startswith("dd"):  # Telex "dd" is "đ", which only starts a syllable
        token = token[1:]
    return token


def _split_number_units(text: str) -> str:
    return _NUMBER_UNIT.sub(r"\1 \2 \3", text)


def tokenize(text: str) -> list[str]:
    """The matching tokens of *text*: folded, OCR-repaired, numbers as ``#digits``.

    ``tokenize("Ty 1€ bao phu th¢ BHYT: 99,2 %")`` → ``["ti", "le", "bao", "phu", "th", "bhyt",
    "#992"]``. Used for plan text, questions and the synonym table alike, so they always agree.
    """
    folded = _fold(text)
    folded = _split_number_units(_NUMBER_MARK.sub("", folded))
    out: list[str] = []
    for raw in _TOKEN.findall(folded):
        if out and out[-1] == "ti" and raw in _LE_AFTER_TI:
            out.append("le")
            continue
        token = _repair(raw)
        if token:
            out.append(token)
    return out


# ---------------------------------------------------------------- the synonym table

# Built-in groups: a canonical name, then every phrase meaning it (written naturally; they are
# tokenized on load). The first phrase after the name is the one answers spell out.
BUILTIN_GROUPS: tuple[tuple[str, ...], ...] = (
    ("bhyt", "bảo hiểm y tế", "BHYT", "thẻ BHYT"),
    ("bhxh", "bảo hiểm xã hội", "BHXH"),
    ("bhtn", "bảo hiểm thất nghiệp", "BHTN"),
    ("ntm", "nông thôn mới", "NTM"),
    # Folded, "cận nghèo" reads like "cán nghèo": one concept, so it never matches "hộ nghèo".
    ("can_ngheo", "cận nghèo", "hộ cận nghèo"),
    ("tnbq", "thu nhập bình quân", "TNBQ", "thu nhập bq", "thu nhập BQ"),
    ("ocop", "mỗi xã một sản phẩm", "OCOP", "sản phẩm OCOP"),
    ("tthc", "thủ tục hành chính", "TTHC"),
    ("cchc", "cải cách hành chính", "CCHC"),
    (
        "hdtdkt",
        "Hội đồng Thi đua – Khen thưởng",
        "HĐTĐKT",
        "HĐ TĐKT",
        "hội đồng TĐKT",
        "hội đồng thi đua",
        "HĐTHKT",
        "HĐTPKT",
    ),
    ("tdkt", "thi đua – khen thưởng", "TĐKT", "TPKT", "TBKT", "thi đua khen thưởng"),
    ("cstd", "chiến sĩ thi đua", "CSTĐ", "chiến sỹ thi đua"),
    ("ldtt", "lao động tiên tiến", "LĐTT"),
    ("ubnd", "Ủy ban nhân dân", "UBND", "ủy ban", "UB"),
    ("hdnd", "Hội đồng nhân dân", "HĐND"),
    # Offices named by their initials in questions about duties ("phòng VHTT làm gì").
    ("vhtt", "văn hóa và thông tin", "VHTT", "văn hóa - thông tin", "văn hóa thông tin", "VH-TT"),
    ("vhxh", "văn hóa - xã hội", "VHXH", "VH-XH", "văn hóa xã hội"),
    ("tckh", "tài chính - kế hoạch", "TCKH", "TC-KH", "tài chính kế hoạch"),
    ("tnmt", "tài nguyên và môi trường", "TNMT", "TN-MT", "tài nguyên môi trường"),
    ("ldtbxh", "lao động - thương binh và xã hội", "LĐTBXH", "LĐ-TB&XH", "LĐTB&XH"),
    (
        "mttq",
        "Mặt trận Tổ quốc",
        "MTTQ",
        "UBMTTQ",
        "UB MTTQ",
        "Ủy ban Mặt trận Tổ quốc",
        "mặt trận",
        "MTTQVN",
        "TQVN",
    ),
    ("antt", "an ninh trật tự", "ANTT", "an ninh, trật tự", "ANNT"),
    ("attp", "an toàn thực phẩm", "ATTP", "vệ sinh an toàn thực phẩm", "VSATTP"),
    ("atgt", "an toàn giao thông", "ATGT"),
    ("tngt", "tai nạn giao thông", "TNGT"),
    ("pccc", "phòng cháy chữa cháy", "PCCC", "phòng cháy, chữa cháy"),
    ("cntt", "công nghệ thông tin", "CNTT"),
    ("cds", "chuyển đổi số", "CĐS"),
    ("gieotrong", "gieo trồng", "xuống giống", "gieo cấy", "gieo sạ"),
    (
        "xkld",
        "xuất khẩu lao động",
        "XKLĐ",
        "đi làm việc ở nước ngoài",
        "lao động đi làm việc ở nước ngoài",
        "đi làm việc có thời hạn ở nước ngoài",
        "lao động đi làm việc có thời hạn ở nước ngoài",
        "đi làm việc ở nước ngoài theo hợp đồng",
    ),
    (
        "qsdd",
        "giấy chứng nhận quyền sử dụng đất",
        "GCN QSDĐ",
        "GCNQSDĐ",
        "giấy chứng nhận QSDĐ",
        "giấy CNQSDĐ",
        "QSDĐ",
        "quyền sử dụng đất",
        "sổ đỏ",
        "sổ hồng",
        "bìa đỏ",
    ),
    (
        "grdp",
        "tốc độ tăng trưởng tổng giá trị sản phẩm",
        "GRDP",
        "GDP",
        "tăng trưởng kinh tế",
        "tốc độ tăng trưởng kinh tế",
        "tổng giá trị sản phẩm",
    ),
    ("chatthairan", "chất thải rắn", "rác thải", "rác", "rác sinh hoạt", "chất thải rắn sinh hoạt"),
    ("sdd", "suy dinh dưỡng", "SDD"),
    ("ktxh", "kinh tế – xã hội", "KT-XH", "KTXH"),
    ("qpan", "quốc phòng – an ninh", "QP-AN", "QPAN", "quốc phòng, an ninh"),
    ("ctxh", "chính trị – xã hội", "CT-XH"),
    ("nsnn", "ngân sách nhà nước", "NSNN"),
    ("lon", "lợn", "heo"),
    ("thithoi", "thịt hơi", "thịt hơi xuất chuồng", "thịt xuất chuồng"),
    ("cayanqua", "cây ăn quả", "trái cây", "hoa quả", "cây ăn trái"),
    ("ngo", "ngô", "bắp"),
    ("thoc", "thóc", "lúa"),
    ("lac", "lạc", "đậu phộng"),
    ("giacam", "gia cầm", "gà", "vịt", "ngỗng", "gà vịt"),
    # Not "bò" alone: folded it is also "bộ" (Đảng bộ) and "bỏ".
    ("daigiasuc", "trâu, bò", "trâu bò", "đại gia súc", "trâu"),
    ("trieudong", "triệu đồng", "Tr.đ", "trđ", "tr đồng"),
    ("gdvh", "gia đình văn hóa", "GĐVH"),
    ("kdc", "khu dân cư", "KDC"),
    ("thcs", "trung học cơ sở", "THCS"),
    ("thpt", "trung học phổ thông", "THPT"),
    ("mn", "mầm non", "mẫu giáo"),
    ("dvc", "dịch vụ công", "DVC"),
    ("cbccvc", "cán bộ, công chức, viên chức", "CBCCVC", "CB, CC, VC"),
    ("khieunai", "khiếu nại, tố cáo", "khiếu nại tố cáo", "đơn thư", "KNTC"),
    ("vieclam", "giải quyết việc làm", "tạo việc làm", "việc làm mới", "GQVL"),
    # Blockers ("!"): phrases whose words would otherwise read as a concept ("lựa" is "lúa").
    ("!luachon", "lựa chọn"),
)


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """A phrase of a token list that belongs to a synonym group."""

    start: int
    end: int  # exclusive
    concept: str  # "~bhyt"; "" for a blocker phrase ("lựa chọn")


@dataclass(frozen=True, slots=True)
class _Group:
    name: str  # "bhyt"; a leading "!" marks a blocker
    phrases: tuple[tuple[str, ...], ...]  # tokenized; phrases[0] is the spelled-out form

    @property
    def concept(self) -> str:
        return "" if self.name.startswith("!") else CONCEPT_PREFIX + self.name


def _group_name(text: str) -> str:
    return "".join(_TOKEN.findall(fold(text)))


@dataclass(frozen=True)
class SynonymTable:
    """Groups of phrases that mean the same thing, as concept tokens for matching.

    Build with :meth:`builtin` and extend with :meth:`with_extra`; the table is immutable, so a
    knowledge base built from it never changes under a running question.
    """

    groups: tuple[_Group, ...]
    _by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(
        init=False, repr=False, compare=False
    )
    _spelled: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    # Phrases of two words or more under OCR variants of their first word ("mit" → mặt trận).
    _by_near_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index: dict[str, set[tuple[tuple[str, ...], str]]] = {}
        for group in self.groups:
            for phrase in group.phrases:
                index.setdefault(phrase[0], set()).add((phrase, group.concept))
        # Longest phrase first, so "hội đồng thi đua khen thưởng" beats "thi đua khen thưởng".
        by_first = {
            first: tuple(sorted(entries, key=lambda e: (-len(e[0]), e[1])))
            for first, entries in index.items()
        }
        spelled = {g.concept: g.phrases[0] for g in self.groups if g.concept}
        near: dict[str, set[tuple[tuple[str, ...], str]]] = {}
        for group in self.groups:
            for phrase in group.phrases:
                if len(phrase) >= 2:
                    for variant in ocr_variants(phrase[0]):
                        near.setdefault(variant, set()).add((phrase, group.concept))
        by_near = {
            first: tuple(sorted(entries, key=lambda e: (-len(e[0]), e[1])))
            for first, entries in near.items()
        }
        object.__setattr__(self, "_by_first", by_first)
        object.__setattr__(self, "_spelled", spelled)
        object.__setattr__(self, "_by_near_first", by_near)

    @classmethod
    def builtin(cls) -> SynonymTable:
        """The table every deployment starts with (see DOMAIN.md)."""
        return _builtin()

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> SynonymTable:
        """A table from groups written as ``(name, phrase, phrase, …)``; the first phrase is
        the spelled-out form. A name starting with "!" makes a blocker: its phrases stop
        their words from being read as another concept."""
        built: list[_Group] = []
        for name, *phrases in groups:
            tokenized = tuple(dict.fromkeys(t for t in (tuple(tokenize(p)) for p in phrases) if t))
            if tokenized:
                prefix = "!" if name.startswith("!") else ""
                built.append(_Group(name=prefix + _group_name(name), phrases=tokenized))
        return cls(groups=tuple(built))

    def with_extra(self, pairs: Iterable[tuple[str, str]]) -> SynonymTable:
        """A new table where each ``(phrase, expansion)`` pair means the same thing.

        When the expansion (or the phrase) already belongs to a group, the other joins that
        group ("lợn nái" → "lợn" makes it a kind of pig); otherwise the pair forms a new group
        named after the expansion.
        """
        groups = list(self.groups)
        for phrase, expansion in pairs:
            p_tokens, e_tokens = tuple(tokenize(phrase)), tuple(tokenize(expansion))
            if not p_tokens or not e_tokens or p_tokens == e_tokens:
                continue
            home = next(
                (
                    i
                    for i, g in enumerate(groups)
                    if g.concept and (e_tokens in g.phrases or p_tokens in g.phrases)
                ),
                None,
            )
            if home is None:
                name = "x" + "".join(e_tokens)
                groups.append(_Group(name=name, phrases=(e_tokens, p_tokens)))
            else:
                g = groups[home]
                merged = tuple(dict.fromkeys((*g.phrases, p_tokens, e_tokens)))
                groups[home] = _Group(g.name, merged)
        return SynonymTable(groups=tuple(groups))

    @property
    def size(self) -> int:
        """How many phrases the table knows."""
        return sum(len(g.phrases) for g in self.groups)

    def spelled(self, concept: str) -> tuple[str, ...]:
        """The spelled-out tokens of *concept* ("~bhyt" → bao hiem y te)."""
        return self._spelled.get(concept, ())

    def _longest_at(
        self, tokens: Sequence[str], start: int, ocr: bool = False
    ) -> ConceptMatch | None:
        token = tokens[start]
        candidates = self._by_first.get(token, ())
        if ocr:
            near = self._by_near_first.get(token, ())
            candidates = tuple(sorted({*candidates, *near}, key=lambda e: (-len(e[0]), e[1])))
        for phrase, concept in candidates:
            end = start + len(phrase)
            if tuple(tokens[start:end]) == phrase or (
                ocr and _near_phrase(tokens[start:end], phrase)
            ):
                return ConceptMatch(start, end, concept)
        return None

    def find(self, tokens: Sequence[str], *, ocr: bool = False) -> list[ConceptMatch]:
        """The phrases of the table in *tokens*, longest first and without overlaps;
        blockers included (with an empty concept). With *ocr*, a phrase of two words or more
        also matches with up to half its words one OCR confusion away ("mit tran to quoc")."""
        found: list[ConceptMatch] = []
        i = 0
        while i < len(tokens):
            match = self._longest_at(tokens, i, ocr)
            if match is None:
                i += 1
                continue
            found.append(match)
            i = match.end
        return found

    def rewrite(
        self, tokens: Sequence[str], *, ocr: bool = False
    ) -> tuple[list[str], list[tuple[int, int]]]:
        """*tokens* with each phrase of the table replaced by its concept (longest first).

        Returns the new tokens and, for each, the span of original tokens it stands for.
        Blocked phrases keep their words. *ocr* as for :meth:`find` (for plan text).
        """
        out: list[str] = []
        spans: list[tuple[int, int]] = []
        i = 0
        for match in self.find(tokens, ocr=ocr):
            for j in range(i, match.start if match.concept else match.end):
                out.append(tokens[j])
                spans.append((j, j + 1))
            if match.concept:
                out.append(match.concept)
                spans.append((match.start, match.end))
            i = match.end
        for j in range(i, len(tokens)):
            out.append(tokens[j])
            spans.append((j, j + 1))
        return out, spans

    def expand(self, tokens: Sequence[str]) -> list[str]:
        """Extra index terms for a text: the concepts it mentions, with the concepts inside
        longer phrases ("hội đồng thi đua khen thưởng" → ~hdtdkt and ~tdkt) and, for
        abbreviations, the spelled-out words ("BHYT" also indexes "bao hiem y te"), so
        partial questions still find it."""
        extra: list[str] = []
        seen: set[str] = set()

        def add(concept: str) -> None:
            if concept and concept not in seen:
                seen.add(concept)
                extra.append(concept)

        for match in self.find(tokens):
            if not match.concept:
                continue
            add(match.concept)
            span = tuple(tokens[match.start : match.end])
            spelled = self.spelled(match.concept)
            if span != spelled:
                extra.extend(spelled)
            for source in (span, spelled):
                for inner in self._inner(source):
                    add(inner)
        return extra

    def _inner(self, phrase: Sequence[str]) -> list[str]:
        """Concepts of the table named by a strict part of *phrase*."""
        found: list[str] = []
        for start in range(len(phrase)):
            for sub, concept in self._by_first.get(phrase[start], ()):
                end = start + len(sub)
                if concept and end - start < len(phrase) and tuple(phrase[start:end]) == sub:
                    found.append(concept)
        return found


def _near_phrase(words: Sequence[str], phrase: tuple[str, ...]) -> bool:
    """*words* read as *phrase* with at most half the words one OCR confusion away."""
    if len(words) != len(phrase):
        return False
    near = 0
    for word, expected in zip(words, phrase, strict=True):
        if word == expected:
            continue
        if not ocr_near(word, expected):
            return False
        near += 1
    return 0 < near <= len(phrase) // 2


@lru_cache(maxsize=1)
def _builtin() -> SynonymTable:
    return SynonymTable.from_groups(BUILTIN_GROUPS)
