"""Question answering over a plan: find the target or passage a question is about.

:meth:`KnowledgeBase.build` tokenizes every target and passage once (OCR-tolerant tokens and
synonym concepts, see :mod:`bot.core.synonyms`) into an inverted index. A question is then
tokenized, its words are looked up in the vocabulary (exactly, through OCR confusions such as
"ciy" for "cây", or with one typo in a long word), the index narrows the documents to those
sharing its rarer words, and only those few are scored:

* how much of the question's weight (rarer words weigh more) the document covers;
* whether the question's words stand together in the document as they do in the question;
* for a target, how much of its name the question mentions; for a passage, how much of the
  question one sentence-sized window of it covers;
* a nudge for what the question asks: "bao nhiêu" wants a figure, "ai"/"thế nào" a duty.

A question is answered only when the best document is good enough *and* clearly ahead of the
next; a figure is never given when a weighty word of the question is missing from the target
("bảo hiểm xã hội" against a BHYT target). Close calls become choices, and questions the plan
does not cover (gold prices, weather) get "none".

Some questions are read for what they ask before any ranking (see :mod:`bot.core.asking`):

* a target by its number ("chỉ tiêu số 20"): that target, or how many there are;
* who signed the plan: its signature block (:mod:`bot.core.signature`), or a plain "not
  readable" with the issuer;
* an office's duties ("Phòng Nội vụ có nhiệm vụ gì?"): the passage naming that office as the
  one doing something, preferably where the plan assigns duties ("Tổ chức thực hiện"), or a
  plain "no duty assigned to it" with the offices that have one.

A figure question whose words say what is counted ("dành cho khen thưởng") is answered only by
a target that has them; "chỉ tiêu …" naming no target of the plan is said so, not answered by
a passage. Quotes are cut at clause ends and go on to what they announce ("chủ đề: “…”"); from
a plan read by OCR they are shown with their marks restored (:mod:`bot.core.quotes`).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, Levenshtein

from bot.core.asking import asks_signer, duty_actor, mend_cue_typos
from bot.core.diacritics import looks_ocr_damaged
from bot.core.measures import find_measure_prefix, lookup_measure
from bot.core.numbers import format_date, format_number
from bot.core.plan import ParsedPlan, Passage, Section, Target, kind_label, section_label
from bot.core.quotes import restore_quote
from bot.core.signature import Signer
from bot.core.synonyms import (
    CONCEPT_PREFIX,
    NUMBER_PREFIX,
    SynonymTable,
    is_syllable,
    ocr_near,
    tokenize,
)
from bot.core.text import collapse_spaces, fold, shorten
from bot.errors import InvalidInput

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answer",
    "AnswerKind",
    "Hit",
    "KnowledgeBase",
    "QuestionTooLongError",
    "TargetMatch",
    "Thresholds",
]

# Work per question is bounded by what is read of it: a question longer than this is refused
# (no question about a plan needs more), at most this many distinct words of a question or
# report fragment are matched, and only words this short are looked up with typos (a
# Vietnamese syllable has at most seven letters; longer words are abbreviations, joined words
# or noise, which only match exactly). Without these caps one long word costs a cubic number
# of deletion variants.
MAX_QUESTION_CHARS = 1000
_MAX_UNITS = 48
_MAX_FUZZY_LEN = 12  # one-edit variants (SymSpell deletions) for words up to this long
_MAX_FUZZY_LEN_TWO = 8  # two-edit variants (OCR-damaged words) up to this long


class QuestionTooLongError(InvalidInput):
    """A question longer than :data:`MAX_QUESTION_CHARS`."""

    def __init__(self) -> None:
        super().__init__(
            f"Câu hỏi dài quá {format_number(MAX_QUESTION_CHARS)} ký tự. Xin hỏi ngắn gọn hơn, "
            "ví dụ «chỉ tiêu BHYT là bao nhiêu?»."
        )


AnswerKind = Literal["target", "passage", "choices", "about", "none"]
HitKind = Literal["target", "passage"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where confident ends and a close call begins (scores are 0–1; calibrated on the
    labelled questions in benchmarks/data/questions.json)."""

    target: float = 0.5  # a figure is stated at or above this …
    target_margin: float = 0.06  # … when this far ahead of the next other target,
    sole_target_margin: float = 0.2  # or from the choice level when this far ahead
    sole_target_coverage: float = 0.65  # and it has this much of the question
    passage: float = 0.6  # a passage is quoted at or above this …
    passage_margin: float = 0.03  # … when this far ahead of the next other answer
    figure_passage_margin: float = 0.1  # and, for a figure question, of the best target;
    # a passage sharing only everyday words with the question is not quoted: this much of the
    # question's matched weight, counted in words the plan never uses, is needed.
    passage_evidence: float = 0.25
    choice: float = 0.4  # below this nothing is offered
    # A target whose name holds every word of the question as the best one does, this close
    # behind it, makes the question ambiguous ("chỉ tiêu văn hóa": two targets say it).
    tie_spread: float = 0.1
    choice_spread: float = 0.25  # alternatives within this of the best are offered
    # A target is never stated when distinctive question words weighing this share of the
    # question are missing from it (the question asks about something else).
    missing_weight: float = 0.2


@dataclass(frozen=True, slots=True)
class Hit:
    """A target or passage that answers (or may answer) a question."""

    id: str  # "t:10", "p:37": stable for buttons
    kind: HitKind
    score: float  # 0–1
    section_path: str
    section_title: str
    target: Target | None = None
    parent: Target | None = None  # for a sub-target: its compound line
    children: tuple[Target, ...] = ()  # for a compound target: its parts
    passage: Passage | None = None
    excerpt: str = ""  # for a passage: the sentences that answer, cleaned (marks restored
    # when the plan was read by OCR)
    original: str = ""  # for a passage of an OCR'd plan: the excerpt as read, for the record

    @property
    def label(self) -> str:
        """A short title for a choice button: a sub-target's own name comes first, since
        that is what tells it from its siblings ("(8) Xã NTM nâng cao – Số xã được…")."""
        if self.target is not None:
            label = f"Chỉ tiêu {self.target.marker} {collapse_spaces(self.target.name)}"
            if self.parent is not None:
                label = f"{label} – {collapse_spaces(self.parent.name)}"
            return shorten(label, _LABEL_CHARS)
        text = self.excerpt or (self.passage.text if self.passage else "")
        where = section_label(self.section_path)
        return shorten(f"{where[:1].upper()}{where[1:]}: {text}", _LABEL_CHARS)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the plan says to a question, or that it says nothing."""

    kind: AnswerKind
    question: str
    citation_label: str  # "Kế hoạch 21/KH-UBND"
    confidence: float  # 0–1
    best: Hit | None = None
    alternatives: tuple[Hit, ...] = ()  # up to 3; for "choices", the choices themselves
    # For "about": what the plan's heading or signature says (number, date, issuer, signer);
    # for "none": why the plan has no answer, when that is known ("has 14 targets").
    about: str = ""
    # For "none": nothing an officer could add would answer it (a target number past the
    # last): not kept among the unanswered questions.
    settled: bool = False


@dataclass(frozen=True, slots=True)
class TargetMatch:
    """A target ranked for a report fragment; ``score`` is 0–100."""

    target: Target
    score: float


# ---------------------------------------------------------------- question words


def _phrases(*texts: str) -> tuple[tuple[str, ...], ...]:
    """Cue phrases written naturally, in matching tokens ("tỷ lệ" → ("ti", "le"))."""
    phrases = tuple(tuple(tokenize(text)) for text in texts)
    assert all(phrases), "every cue must have a word"
    return phrases


# Words that carry no subject: question words, politeness, pronouns. Pairs are removed only
# together ("bao nhiêu", "ở đâu"), since each word alone may matter ("bảo hiểm", "lần đầu").
_STOP_WORDS = frozenset(
    tokenize(
        "ai là gì nào như ra sao nhiêu mấy cho biết xin vậy ạ à nhỉ nhé không chưa phải được "
        "của mình tôi ơi này hôm những các một và với hay hoặc cụ thể giúp dùm hả vậy bn gồm "
        "khoảng chừng tầm tối thiểu tối đa"
    )
)
_STOP_PAIRS = frozenset(
    _phrases(
        "bao nhiêu", "thế nào", "ở đâu", "khi nào", "lúc nào", "bao giờ", "chỉ tiêu",
        "số lượng", "phần trăm", "kế hoạch", "quy định", "người nào", "làm gì", "cho hỏi",
        "xin hỏi", "muốn hỏi", "em hỏi", "phấn đấu", "hiện nay", "hiện tại", "năm nay",
        "cần đạt",
    )
)  # fmt: skip
_TARGET_CUE = _phrases("chỉ tiêu")
_FIGURE_CUES = _phrases(
    "bao nhiêu", "chỉ tiêu", "mấy", "mức", "phần trăm", "tỷ lệ", "số lượng", "bn"
)  # fmt: skip
_DUTY_CUES = _phrases(
    "ai", "người nào", "cơ quan nào", "đơn vị nào", "phòng nào", "ban nào", "bộ phận nào",
    "trách nhiệm", "nhiệm vụ", "làm gì", "thế nào", "ra sao", "phối hợp", "thẩm định",
    "quy trình", "có trách nhiệm", "giao cho", "tham mưu",
)  # fmt: skip
# "đạt bao nhiêu" asks for a figure without saying of what; folded, "đạt" would be "đất"
# (land), so the verb is dropped only as typed with its marks.
_MARKED_FILLER = re.compile(r"(?<!\w)(đạt|chiếm)(?!\w)", re.IGNORECASE)
# Chat around the question ("dạ em chào anh, cho em hỏi …", "chị ơi", "xã em"): dropped before
# matching, or its words (unknown to the plan, so weighed heavily) would sink the right answer.
# Words that fold onto plan words count only as typed with marks ("chị" is not "chi" = spend,
# "rồi" not "roi"); "em" and "anh" are kept in "trẻ em" and "anh hùng".
_CHAT = re.compile(
    r"(?<!\w)(?:"
    r"(?<!trẻ )(?<!tre )em|anh(?!\s+hùng)(?!\s+hung)|chị|dạ|chào|xin\s+chào|rồi|ơi|oi|"
    r"nhé|hả|vậy|vay\s+a|giùm|dùm|ad|admin|bot|hôm\s+nay|hom\s+nay|bây\s+giờ|bay\s+gio"
    r")(?!\w)",
    re.IGNORECASE,
)
# Everyday words of plans and questions: never what a question is specifically about, even
# in a plan too short to use them (so a target is not refused for lacking "hộ" or "năm").
_COMMON_WORDS = frozenset(
    tokenize(
        "các của và có được trong là cho với người năm tháng ngày xã huyện tỉnh thôn tổ hộ "
        "gia đình số tỷ lệ đạt thực hiện công tác phát triển kinh tế xã hội nhân dân cán "
        "bộ đơn vị cơ quan tổ chức nhà nước theo trên dưới tăng giảm mới tại đã sẽ về từ đến "
        "những một hai ba nhiều này đó khi thì mà nên cũng đều tổng chỉ tiêu kế hoạch phong "
        "trào thi đua khen thưởng nhiệm vụ địa phương địa bàn toàn hàng hằng lần đầu cả loại "
        "danh hiệu giao"
    )
)
# Everyday words that still say *what* a figure is about: "ngân sách dành cho khen thưởng" is
# not the budget-revenue target, "số hộ gia đình" not the count of people. A figure question
# using one of them is answered only by a target that has it (in its name or line).
_TOPIC_PHRASES = _phrases("khen thưởng", "phong trào", "cán bộ", "cơ quan")
# Words of a progress report that never name a target ("đã trồng được", "đạt thêm").
_REPORT_FILLER = frozenset(tokenize("đã đạt thêm cộng khoảng gần hơn rồi xong luôn tới nay"))
# Subjects no plan answers; a question about them is out of scope even when a plan happens
# to use the words in passing ("diễn biến bất thường của thời tiết").
_OUT_OF_SCOPE = _phrases(
    "giá vàng", "tỷ giá", "thời tiết", "dự báo", "xổ số", "bóng đá", "chứng khoán",
    "giá xăng", "giá điện", "giá cả", "lịch thi đấu", "đô la", "giá lúa",
    "giá heo", "giá lợn", "giá thóc", "giá gạo", "giá đất", "giá nhà", "giá gà", "giá bò",
    "giá trứng", "giá rau", "giá cà phê", "giá phân bón", "giá thịt",
)  # fmt: skip
# "giá …" typed with its mark asks a price, which no plan sets ("giá trị sản xuất" is a value,
# "đánh giá" an assessment).
_PRICE = re.compile(r"(?<!\w)(?<!đánh )giá(?!\s+trị)(?!\w)", re.IGNORECASE)

_OCR_SIM = 0.8
_GARBLED_SIM = 0.75  # a plan word OCR left unreadable, one edit from the question word
_GARBLED_FAR_SIM = 0.6  # … or two edits, in a word of four letters or more
_TYPO_SIM = 0.7
_TYPO_MIN_LEN = 5
# A question word in at most this share of the documents (or unknown to the plan) names
# what the question is about: a target lacking it is not the answer.
_DISTINCTIVE_SHARE = 0.06
# How much a word found only in a target's context (its parent's name, its whole line) counts.
_CONTEXT_WEIGHT = 0.6
# The first pass reads the postings of the rarer question terms up to this many entries; the
# commoner terms are then checked on a shortlist of documents only.
_POSTING_BUDGET = 2500
_SHORTLIST = 50
_TARGET_POOL = 24
_SHORTLIST_FLOOR = 0.3
_RERANK = 12
_RERANK_TARGETS = 6
# A figure question ranks passages lower, a who/how question targets; with neither, a target
# the question names is likelier than a passage that happens to use its words.
_INTENT_PENALTY = 0.68
_NEUTRAL_PASSAGE = 0.92
_HEADING_BONUS = 0.12
_COUNTER_WEIGHT = 0.25
_COMMON_WEIGHT = 1.0
_COUNTED_BONUS = 0.1
_SCATTERED_PHRASE = 0.2
_SCATTERED_PENALTY = 0.6
_FIGURE_BONUS = 0.08
_WINDOW = 24  # tokens: about one sentence
_LABEL_CHARS = 60  # a choice button's text
_NOT_A_UNIT = re.compile(r"(ty le|ti le|con (thieu|lai|bao nhieu|may)|la |gi\b)")
# Questions about the document itself: its number, its date, who issued it (folded).
_ABOUT_PLAN = re.compile(
    r"\b(ke hoach|van ban|bao cao)\b.*\b(so may|so bao nhieu|so hieu|so ky hieu)\b"
    r"|\bso hieu\b.*\b(ke hoach|van ban)\b"
    r"|\b(ban hanh|ky)\b.*\b(ngay nao|ngay may|khi nao|bao gio|hom nao)\b"
    r"|\bngay ban hanh\b"
    r"|\b(ai|co quan nao|don vi nao|cap nao)\b.*\bban hanh\b"
)
# A target asked for by its number: "chỉ tiêu số 10", "chi tieu 16", "chỉ tiêu (16)" (folded).
_TARGET_NUMBER = re.compile(
    r"\bchi tieu\s+(?:so\s+|thu\s+)?\(?(?P<n>\d{1,3}(?:\.\d{1,2}){0,2})\)?(?![\d.,%])"
)
# Sections that assign duties: "Tổ chức thực hiện", "Phân công nhiệm vụ", "Trách nhiệm của …"
# (folded titles).
_DUTY_TITLE = re.compile(
    r"\b(to chuc thuc hien|phan cong|trach nhiem|nhiem vu cua|giao nhiem vu|nhiem vu cu the)\b"
)
_GROUP_CHOICES = 6  # targets of a numbered group offered for "chỉ tiêu số 1"
_TARGET_NAME_UNITS = 3  # "chỉ tiêu …" naming a target in a few words (longer: a passage may do)
_ANNOUNCED_EXTRA = 600  # characters a quote may run past its limit to reach what it announces
_DUTY_TITLE_WORDS = 10  # a longer "title" is a first sentence, not a heading
_OCR_SAMPLE = 20_000  # characters of the passages read to tell an OCR'd plan from a clean one
# A place after an office's name ("… huyện", "… xã"): tried without it when not found with it.
_TRAILING_PLACE = re.compile(r"\s+(huyen|xa|phuong|thi tran|tinh)\s*$")
_DUTY_LIST = 8  # offices listed when the plan assigns nothing to the one asked about
_DUTY_QUOTE = 900  # characters quoted from a section assigning duties
_DUTY_ITEMS = 6  # duties listed from one heading
_DUTY_ITEM_MIN = 150  # characters of each
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=\S)|\n+")


@dataclass(frozen=True, slots=True)
class _Query:
    """A question reduced to weighted units (words and concepts) and their vocabulary terms."""

    units: tuple[str, ...]  # content units in question order
    weights: tuple[float, ...]  # per unit: how telling it is (squared rarity in the plan)
    matches: tuple[tuple[tuple[int, float], ...], ...]  # per unit: (term id, similarity)
    distinctive: tuple[bool, ...]  # per unit: rare in the plan, or unknown to it
    figure: bool  # asks for a figure ("bao nhiêu")
    duty: bool  # asks who/how ("ai", "thế nào")
    out_of_scope: bool
    counted: frozenset[str] = frozenset()  # categories of the units asked ("mấy con": animals)
    pairs: tuple[tuple[int, float], ...] = ()  # indexed word pairs of the question, weighted
    pair_rarity: tuple[float, ...] = ()  # per adjacent pair of units: squared idf of the pair
    topic: tuple[bool, ...] = ()  # per unit: an everyday word that says what is counted
    names_target: bool = False  # says "chỉ tiêu": a target is asked for, not a passage


@dataclass(slots=True)
class _Doc:
    """One indexed target or passage."""

    id: str
    kind: HitKind
    # Every occurrence of every index term (words in order with phrases as concepts, plus the
    # words and inner concepts of those phrases), sorted by term id, with its position.
    occ_terms: array[int]
    occ_positions: array[int]
    context: frozenset[int]  # targets: terms of the parent name and the whole line
    # Targets: the name's words, each with the words it stands for when it is a concept
    # ("~gdvh" with gia, dinh, van, hoa), so a question using the words names it too.
    name_terms: tuple[tuple[int, tuple[int, ...]], ...]
    value_terms: frozenset[int]  # targets: the figure as number tokens ("#1600")
    norm: str  # the main text as normalised tokens, for rapidfuzz
    category: str | None = None  # targets: what the unit of measure counts ("animals")
    index: int = 0  # passages: position in plan.passages
    # Passages: where each sentence starts, as a position and as a character offset.
    sentence_positions: array[int] = field(default_factory=lambda: array("I"))
    sentence_offsets: array[int] = field(default_factory=lambda: array("I"))
    heading_end: int = 0  # passages: positions before this are the section heading
    number_positions: array[int] = field(default_factory=lambda: array("I"))  # figures


@dataclass(slots=True)
class _Scored:
    doc: _Doc
    score: float
    coverage: float
    missing: float  # share of the question's weight this document lacks entirely
    evidence: float = 1.0  # matched weight, in units of one word the plan never uses
    where: list[list[int]] = field(default_factory=list)  # positions of each question unit
    phrase: float = 1.0  # share of the question's word pairs standing together
    focus: float = 1.0  # targets: share of the name asked; passages: best window coverage


@dataclass(frozen=True)
class KnowledgeBase:
    """The searchable form of one plan. Build once per plan and synonym table."""

    plan: ParsedPlan
    citation_label: str
    synonyms: SynonymTable
    thresholds: Thresholds
    _docs: list[_Doc] = field(repr=False)
    _vocab: dict[str, int] = field(repr=False)
    _names: list[str] = field(repr=False)
    _postings: list[array[int]] = field(repr=False)  # per term: ids of documents, ascending
    _n_targets: int = field(repr=False)
    _idf: list[float] = field(repr=False)  # per term, then one more: a word in no document
    _target_idf: list[float] = field(repr=False)  # the same among targets only
    _deletes: dict[str, tuple[int, ...]] = field(repr=False)
    _by_id: dict[str, int] = field(repr=False)
    _garbled: frozenset[int] = field(repr=False)  # plan words that are no syllable (OCR damage)
    _section_titles: dict[str, str] = field(repr=False)
    _targets: dict[str, Target] = field(repr=False)  # by key
    signer: Signer | None = None  # from the signature block, when the document has one
    ocr: bool = False  # the plan was read by OCR: quotes are shown with marks restored
    _duty_sections: tuple[Section, ...] = field(default=(), repr=False)

    # ------------------------------------------------------------ building

    @classmethod
    def build(
        cls,
        plan: ParsedPlan,
        *,
        citation_label: str,
        synonyms: SynonymTable,
        thresholds: Thresholds | None = None,
        signer: Signer | None = None,
    ) -> KnowledgeBase:
        """Index *plan*: every target and passage is normalised here, once. *signer* is who
        signed the document (:func:`bot.core.signature.find_signer` on its text)."""
        builder = _Builder(synonyms)
        for target in plan.targets:
            builder.add_target(target, plan)
        for passage in plan.passages:
            builder.add_passage(passage)
        garbled = builder.garbled()
        return cls(
            plan=plan,
            citation_label=citation_label,
            synonyms=synonyms,
            thresholds=thresholds or Thresholds(),
            _docs=builder.docs,
            _vocab=builder.vocab,
            _names=builder.names,
            _postings=builder.postings,
            _n_targets=len(plan.targets),
            _idf=builder.idf(),
            _target_idf=builder.idf(targets_only=True),
            _deletes=builder.deletes(garbled),
            _by_id={d.id: i for i, d in enumerate(builder.docs)},
            _garbled=garbled,
            _section_titles={s.path: s.title for s in plan.sections},
            _targets={t.key: t for t in plan.targets},
            signer=signer,
            ocr=looks_ocr_damaged(" ".join(p.text for p in plan.passages)[:_OCR_SAMPLE]),
            _duty_sections=tuple(
                s
                for s in plan.sections
                if len(s.title.split()) <= _DUTY_TITLE_WORDS and _DUTY_TITLE.search(fold(s.title))
            ),
        )

    @property
    def size(self) -> int:
        """How many targets and passages are indexed."""
        return len(self._docs)

    # ------------------------------------------------------------ asking

    def ask(self, question: str) -> Answer:
        """The plan's answer to *question*: a target, a passage, choices, or none.

        Raises :class:`QuestionTooLongError` beyond :data:`MAX_QUESTION_CHARS` characters."""
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionTooLongError
        asked = question
        question = mend_cue_typos(question)
        numbered = self._numbered_target(question)
        if numbered is not None:
            return replace(numbered, question=asked)
        if asks_signer(question):
            return Answer("about", asked, self.citation_label, 1.0, about=self._signer_text())
        if _ABOUT_PLAN.search(fold(question)):
            about = describe_plan(self.plan, self.signer)
            return Answer("about", asked, self.citation_label, 1.0, about=about)
        actor = duty_actor(question)
        if actor is not None:
            duty = self._duty_answer(actor)
            if duty is not None:
                return replace(duty, question=asked)
        return replace(self._ranked_answer(question), question=asked)

    def _ranked_answer(self, question: str) -> Answer:
        """The answer found by ranking every target and passage against *question*."""
        query = self._query(question)
        none = Answer("none", question, self.citation_label, 0.0)
        if query.out_of_scope or not query.units:
            return none
        ranked = self._rank(query, kinds=("target", "passage"))
        if not ranked:
            return none
        th = self.thresholds
        best = ranked[0]
        rivals = [s for s in ranked[1:] if not self._same_answer(best.doc, s.doc)]
        if self._confident(query, best, rivals):
            hit = self._hit(best, query)
            # Not shown to users (only the best is): not restored either, which is the slow part.
            alternatives = tuple(self._hit(s, query, shown=False) for s in rivals[:3])
            return Answer(hit.kind, question, self.citation_label, best.score, hit, alternatives)
        lacking = self._unexplained_topic(query, best)
        if lacking:
            # "ngân sách dành cho khen thưởng": no target counts that; the nearest one's
            # figure is not offered as if it might be.
            fitting = [s for s in ranked if not self._unexplained_topic(query, s)]
            if not fitting or fitting[0].score < th.choice:
                reason = self._no_figure(question, best, lacking)
                return Answer("none", question, self.citation_label, best.score, about=reason)
            best, rivals = fitting[0], fitting[1:]
        if best.score < th.choice:
            return Answer("none", question, self.citation_label, best.score)
        target_fits = any(s.doc.kind == "target" and s.score >= th.choice for s in ranked)
        short = len(query.units) <= _TARGET_NAME_UNITS
        if query.names_target and short and self._n_targets and not target_fits:
            # "chỉ tiêu lợn" in a plan without one: passages sharing a word are no answer.
            reason = self._no_target_about()
            return Answer("none", question, self.citation_label, best.score, about=reason)
        floor = max(th.choice, best.score - th.choice_spread)
        offered = [best, *[s for s in rivals if s.score >= floor]][:3]
        hits = tuple(self._hit(s, query) for s in offered)
        return Answer("choices", question, self.citation_label, best.score, hits[0], hits)

    def _numbered_target(self, question: str) -> Answer | None:
        """ "chỉ tiêu số 10", "chỉ tiêu (16) là gì": officers cite targets by number."""
        folded = fold(question)
        found = _TARGET_NUMBER.search(folded)
        if found is None:
            return None
        rest = folded[found.end() :].lstrip()
        # "chỉ tiêu 6 thôn văn hóa" is a figure with its unit, not target (6); but "tỷ lệ"
        # and "còn thiếu" read like the units "tỷ" and "con" once folded.
        if not _NOT_A_UNIT.match(rest) and find_measure_prefix(rest) is not None:
            return None
        number = ".".join(str(int(part)) for part in found["n"].split("."))
        marker = f"({number})"
        top = self.plan.top_level_targets()
        target = next((t for t in top if t.marker == marker), None)
        if target is None and "." in number:  # "chỉ tiêu 5.2": a part, by its key
            target = self._targets.get(number)
        if target is None:
            # "chỉ tiêu số 1" where the plan numbers "(1.1)", "(1.2)": the group is meant.
            group = [t for t in top if t.marker.startswith(f"({number}.")]
            if group:
                hits = tuple(
                    self._hit(_Scored(self._docs[self._by_id[f"t:{t.key}"]], 1.0, 1.0, 0.0), None)
                    for t in group[:_GROUP_CHOICES]
                )
                return Answer("choices", question, self.citation_label, 1.0, hits[0], hits)
            if "." in number:
                return None  # "chỉ tiêu 2.5 …" may well be a figure
            reason = self._no_such_target(marker, top)
            return Answer("none", question, self.citation_label, 0.0, about=reason, settled=True)
        answer = self.resolve(f"t:{target.key}")
        return None if answer is None else replace(answer, question=question)

    def _no_figure(self, question: str, nearest: _Scored, lacking: list[str]) -> str:
        """The plan has no figure for what is asked: say so, and why the nearest target is
        not it."""
        asked = set(lacking)
        typed = [w.strip(" ,.;:?!") for w in question.split() if set(tokenize(w)) & asked]
        words = " ".join(typed)
        head = f"{self.citation_label} không có con số trả lời câu hỏi này"
        if words:
            head = f"{self.citation_label} không có chỉ tiêu nào về «{words}»"
        if nearest.doc.kind == "target" and nearest.score >= self.thresholds.choice:
            target = self._target(nearest.doc)
            name = shorten(collapse_spaces(target.name), 80)
            head += f"; chỉ tiêu gần nhất là {target.marker} {name}, không phải điều được hỏi"
        return f"{head}. Gõ /chitieu để xem các chỉ tiêu của kế hoạch."

    def _no_target_about(self) -> str:
        """A target is asked for and none fits."""
        count = format_number(len(self.plan.top_level_targets()))
        return (
            f"{self.citation_label} không có chỉ tiêu nào về điều anh/chị hỏi. Gõ /chitieu để "
            f"xem {count} chỉ tiêu của kế hoạch, hoặc hỏi lại bằng từ ngữ khác."
        )

    def _no_such_target(self, marker: str, top: Sequence[Target]) -> str:
        """ "chỉ tiêu số 20" in a plan of 14: say how many there are and how to see them."""
        label = self.citation_label
        if not top:
            return f"{label} không có danh sách chỉ tiêu đánh số."
        span = top[0].marker if len(top) == 1 else f"{top[0].marker} đến {top[-1].marker}"
        count = format_number(len(top))
        return (
            f"{label} không có chỉ tiêu số {marker.strip('()')}: kế hoạch có {count} chỉ "
            f"tiêu, đánh số {span}. Gõ /chitieu để xem danh sách, hoặc hỏi theo số, ví dụ "
            f"«chỉ tiêu số {top[-1].marker.strip('()')}»."
        )

    def _signer_text(self) -> str:
        """Who signed the plan, from its signature block; said plainly when it has none."""
        label = self.citation_label
        issuer = (
            f" Cơ quan ban hành: {collapse_spaces(self.plan.issuer)}." if self.plan.issuer else ""
        )
        if self.signer is None:
            return (
                f"Bản {label} đã nạp không có phần chữ ký đọc được, nên bot không biết ai ký."
                f"{issuer}"
            )
        return f"Người ký {label}: {self.signer.describe()}.{issuer}"

    # ------------------------------------------------------------ duties

    def _in_duty_section(self, path: str) -> Section | None:
        return next(
            (s for s in self._duty_sections if path == s.path or path.startswith(s.path + ".")),
            None,
        )

    def _duty_answer(self, actor: str) -> Answer | None:
        """ "Phòng Văn hóa và Thông tin có nhiệm vụ gì?": the passage that names the office
        as the one doing something, preferably in the part of the plan assigning duties. An
        office the plan names nowhere gets a plain "not assigned" with the offices that are;
        None when the plan has no such part and names nobody (ranking decides then)."""
        query = self._query(actor)
        if not query.units:
            return None
        found = self._naming(query)
        place = _TRAILING_PLACE.search(fold(actor))
        loose = False
        if not found and place is not None and place.start() > 0:
            # "Hội đồng Thi đua - Khen thưởng huyện": the plan may name the office without
            # its place ("Hội đồng Thi đua - Khen thưởng các cấp"); trusted only where the
            # plan assigns duties ("lực lượng công an" in a report may be another body).
            query = self._query(fold(actor)[: place.start()])
            found = self._naming(query) if query.units else []
            loose = True
        if not found:
            if not self._duty_sections:
                return None
            return Answer("none", actor, self.citation_label, 0.0, about=self._unassigned(actor))
        found.sort(key=lambda f: f[0], reverse=True)
        best_key, best = found[0]
        if not best_key[0] or (loose and not best_key[1]):
            # Named only in passing ("phối hợp với …"): show where, let the user choose.
            hits = tuple(self._hit(s, query) for _, s in found[:3])
            return Answer("choices", actor, self.citation_label, 0.5, hits[0], hits)
        hit = self._hit(best, query)
        heading_named = [
            s
            for k, s in found
            if k[0] and s.doc.heading_end and min(_positions(s.where)) < s.doc.heading_end
        ]
        if best in heading_named and len(heading_named) > 1:
            paths = [self.plan.passages[s.doc.index].section_path for s in heading_named]
            hit = replace(
                hit, excerpt=self._joined(heading_named), original="", section_path=_common(paths)
            )
        others = tuple(
            self._hit(s, query, shown=False) for k, s in found[1:4] if s not in heading_named
        )
        return Answer("passage", actor, self.citation_label, 0.9, hit, others)

    def _naming(self, query: _Query) -> list[tuple[tuple[int, int, float, int], _Scored]]:
        """Passages holding every word of the office's name, in order, ranked by whether it
        opens a sentence (the one doing something), stands where duties are assigned, and
        how closely its words stand."""
        found: list[tuple[tuple[int, int, float, int], _Scored]] = []
        # Only passages holding every word of the name can name the office: the postings
        # narrow a plan of thousands of passages to those few.
        holding: set[int] | None = None
        for matches in query.matches:
            docs = {d for t, _ in matches for d in self._postings[t] if d >= self._n_targets}
            holding = docs if holding is None else holding & docs
        for index in sorted(holding or ()):
            doc = self._docs[index]
            sims, where = self._occurrences(query, doc)
            if not all(sims):
                continue  # every word of the office's name must be there
            phrase = _phrase(query.weights, where, sims)
            if len(query.units) > 1 and phrase < 0.5:
                continue
            first = _first_run(where)
            if first is None:
                continue
            passage = self.plan.passages[doc.index]
            in_heading = first < doc.heading_end
            subject = in_heading or _opens_sentence(first, doc)
            duty = self._in_duty_section(passage.section_path) is not None
            key = (int(subject), int(duty), phrase, -first)
            found.append((key, _Scored(doc, 1.0, 1.0, 0.0, where=where, phrase=phrase)))
        return found

    def _joined(self, scored: Sequence[_Scored]) -> str:
        """Passages under one heading naming the office, quoted as a list: each item cut at
        a clause end so that every duty shows."""
        items = sorted(scored, key=lambda s: s.doc.index)[:_DUTY_ITEMS]
        each = max(_DUTY_ITEM_MIN, _DUTY_QUOTE // len(items))
        parts = [
            f"– {clause_cut(self._shown(self.plan.passages[s.doc.index].text), each)}"
            for s in items
        ]
        if len(scored) > len(items):
            parts.append("…")
        return "\n".join(parts)

    def _unassigned(self, actor: str) -> str:
        """The plan assigns nothing to *actor*: say so, and list to whom it assigns duties."""
        lines = [f"{self.citation_label} không giao nhiệm vụ riêng cho «{collapse_spaces(actor)}»."]
        for section in self._duty_sections[:1]:
            children = [
                s
                for s in self.plan.sections
                if s.path.startswith(section.path + ".") and s.level == section.level + 1
            ]
            title = self._shown(collapse_spaces(section.title))
            where = section_label(section.path)
            if children:
                lines.append(f"Phần «{title}» ({where}) giao nhiệm vụ cho:")
                lines.extend(
                    f"• {section_label(c.path)}: {shorten(self._shown(c.title), 70)}"
                    for c in children[:_DUTY_LIST]
                )
            else:
                lines.append(f"Xem phần «{title}» ({where}) để biết ai làm gì.")
        return "\n".join(lines)

    def _shown(self, text: str) -> str:
        """Text of the plan as shown to users: with marks restored when it was read by OCR."""
        return restore_quote(text) if self.ocr else text

    def _unexplained_topic(self, query: _Query, scored: _Scored) -> list[str]:
        """Words of a figure question saying what is counted ("khen thưởng") that the target
        or passage lacks: a figure it gives is then not the one asked for."""
        if not query.figure:
            return []
        sims, _ = self._occurrences(query, scored.doc)
        return [
            unit
            for unit, topic, sim in zip(query.units, query.topic, sims, strict=True)
            if topic and sim == 0
        ]

    def _confident(self, query: _Query, best: _Scored, rivals: list[_Scored]) -> bool:
        """Whether *best* is clear enough to answer without asking back."""
        th = self.thresholds
        next_target = next((s.score for s in rivals if s.doc.kind == "target"), 0.0)
        if best.doc.kind == "target":
            if self._unexplained_topic(query, best):
                return False
            category = best.doc.category
            if query.counted and category is not None and category not in query.counted:
                return False  # "dân số bao nhiêu người" and the target is a rate: ask back
            # Another target close behind means the figure may be the wrong one; a passage
            # close behind does not (it states no figure). A weaker match still answers when
            # no other target comes near (the question's telling words are in this one only).
            # Every word of the question in another target's name as well, in the same order
            # ("chỉ tiêu văn hóa": thôn văn hóa, hộ gia đình văn hóa), and the best not named
            # in full: the question does not say which.
            in_order = _in_order(query.units, self._target(best.doc).name)
            if any(
                s.doc.kind == "target"
                and (s.score >= best.score - th.tie_spread or best.focus < 1 - 1e-9)
                and s.score >= th.choice
                and s.coverage >= best.coverage - 1e-9
                and _in_order(query.units, self._target(s.doc).name) >= in_order
                and s.missing == 0
                for s in rivals
                if best.coverage >= 1 - 1e-9 and best.missing == 0
            ):
                return False
            margin = best.score - next_target
            return best.missing < th.missing_weight and (
                (best.score >= th.target and margin >= th.target_margin)
                or (
                    best.score >= th.choice
                    and margin >= th.sole_target_margin
                    and best.coverage >= th.sole_target_coverage
                )
            )
        runner_up = rivals[0].score if rivals else 0.0
        if query.figure and best.score - next_target < th.figure_passage_margin:
            return False  # a figure is asked and a target nearly fits: let the user choose
        return (
            best.score >= th.passage
            and best.score - runner_up >= th.passage_margin
            and best.evidence >= th.passage_evidence
        )

    def resolve(self, hit_id: str) -> Answer | None:
        """The answer for a chosen button ("t:10", "p:37"); None when the id is unknown."""
        index = self._by_id.get(hit_id)
        if index is None:
            return None
        doc = self._docs[index]
        hit = self._hit(_Scored(doc, 1.0, 1.0, 0.0), None)
        return Answer(hit.kind, "", self.citation_label, 1.0, hit)

    def match_targets(
        self, fragment: str, *, measure_category: str | None = None, limit: int = 3
    ) -> list[TargetMatch]:
        """Targets (sub-targets included) best named by a report *fragment*, best first.

        Scores are 0–100; a target whose unit of measure fits *measure_category* ("animals"
        for a figure in "con") is preferred, one whose unit clashes is pushed down.
        """
        query = self._query(fragment, report=True)
        if not query.units:
            return []
        ranked = self._rank(query, kinds=("target",), for_report=True)
        matches: list[TargetMatch] = []
        for scored in ranked:
            target = self._target(scored.doc)
            score = scored.score * 100
            if measure_category is not None and target.measure:
                measure = lookup_measure(target.measure, ocr=True)
                if measure is not None:
                    score = score + 8 if measure.category == measure_category else score * 0.75
            matches.append(TargetMatch(target, round(min(score, 100.0), 1)))
        matches.sort(key=lambda m: -m.score)
        return matches[:limit]

    # ------------------------------------------------------------ the query

    def _query(self, text: str, *, report: bool = False) -> _Query:
        typed = unicodedata.normalize("NFC", text)
        tokens = tokenize(_MARKED_FILLER.sub(" ", _CHAT.sub(" ", typed)))
        if not report:
            tokens = self._mend_abbreviations(tokens)
        figure = _has_any(tokens, _FIGURE_CUES)
        duty = _has_any(tokens, _DUTY_CUES)
        out_of_scope = _has_any(tokens, _OUT_OF_SCOPE) or (
            not report and _PRICE.search(typed) is not None
        )
        # Phrases first ("đậu phộng" is peanuts even though "đâu" alone is a question word).
        units, _ = self.synonyms.rewrite(tokens)
        units = [u for u in _content(units) if not (report and u in _REPORT_FILLER)]
        # A repeated word counts once; beyond the first words a text says nothing more that
        # tells one target from another.
        units = list(dict.fromkeys(u for u in units if u))[:_MAX_UNITS]
        counters = _unit_cues(tokens)
        kept: list[str] = []
        weights: list[float] = []
        matches: list[tuple[tuple[int, float], ...]] = []
        for unit in units:
            found = self._lookup(unit, report=report)
            if report and not found:
                # A report wraps its target's name in words of its own ("kết quả … đến nay",
                # "hiện có"); a word the plan never uses cannot point to any target.
                continue
            kept.append(unit)
            matches.append(found)
            # "bao nhiêu người": the unit of the answer, not what the question is about.
            weights.append(_COUNTER_WEIGHT if unit in counters else self._unit_weight(unit, found))
        rare = max(1.0, _DISTINCTIVE_SHARE * len(self._docs))
        distinctive = tuple(
            unit not in _COMMON_WORDS
            and (not found or min(len(self._postings[t]) for t, _ in found) <= rare)
            for unit, found in zip(kept, matches, strict=True)
        )
        return _Query(
            tuple(kept),
            tuple(weights),
            tuple(matches),
            distinctive,
            figure,
            duty,
            out_of_scope,
            frozenset(c for c in (_category(u) for u in counters) if c),
            self._pairs(kept, weights),
            self._pair_rarity(kept),
            _topic_flags(kept),
            _has_any(tokens, _TARGET_CUE),
        )

    def _mend_abbreviations(self, tokens: list[str]) -> list[str]:
        """Abbreviations typed with a slip: "bhty" (letters swapped), "bhytt", or split
        ("BH YT"), mended to the one abbreviation of the synonym table they can be. A token
        is mended only when it is no Vietnamese syllable and the plan does not use it."""
        known = _abbreviations(self.synonyms)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            joined = token + tokens[i + 1] if i + 1 < len(tokens) else ""
            if (
                joined in known
                and token not in known
                and not (is_syllable(token) and is_syllable(tokens[i + 1]))
            ):
                out.append(joined)
                i += 2
                continue
            if (
                len(token) >= _ABBREVIATION_MIN
                and token not in known
                and token not in self._vocab
                and not is_syllable(token)
                and not token.isdigit()
            ):
                near = [
                    a
                    for a in known
                    if abs(len(a) - len(token)) <= 1 and OSA.distance(a, token) == 1
                ]
                swapped = [a for a in near if sorted(a) == sorted(token)]
                if len(swapped) == 1 or len(near) == 1:
                    token = (swapped or near)[0]
            out.append(token)
            i += 1
        return out

    def _pairs(self, units: list[str], weights: list[float]) -> tuple[tuple[int, float], ...]:
        """Adjacent question units the plan also has side by side, with their weight."""
        out: list[tuple[int, float]] = []
        for i in range(len(units) - 1):
            term = self._vocab.get(_pair(units[i], units[i + 1]))
            if term is not None:
                out.append((term, (weights[i] + weights[i + 1]) / 2))
        return tuple(out)

    def _pair_rarity(self, units: list[str]) -> tuple[float, ...]:
        """For each adjacent pair of question units, how rare the pair is in the plan
        (squared idf; 0 when the plan never has them side by side). "Phòng Nội vụ" is rare
        as a pair though each word is everyday."""
        out: list[float] = []
        for i in range(len(units) - 1):
            term = self._vocab.get(_pair(units[i], units[i + 1]))
            out.append(self._idf[term] ** 2 if term is not None else 0.0)
        return tuple(out)

    def _unit_weight(self, unit: str, found: tuple[tuple[int, float], ...]) -> float:
        """A unit weighs its rarity (squared, so rare words dominate); unknown words weigh
        the most, since a question about something the plan never mentions must not be
        answered."""
        idf = self._idf
        top = idf[-1]  # the rarity of a word in no document (see _Builder.idf)
        if unit.startswith(NUMBER_PREFIX):
            digits = unit[len(NUMBER_PREFIX) :]
            if len(digits) == 4 and 1990 <= int(digits) <= 2100:
                return 0.25  # a year says little: the plan's own year is everywhere
            return (0.7 * top) ** 2
        exact = self._vocab.get(unit)
        if exact is not None:
            weight = idf[exact] ** 2
        elif found:
            weight = max(idf[t] for t, _ in found) ** 2
        else:
            weight = top**2
        # Everyday words say little, however rare the plan makes them look.
        return min(weight, _COMMON_WEIGHT) if unit in _COMMON_WORDS else weight

    @property
    def _max_idf(self) -> float:
        return self._idf[-1]

    def _lookup(self, unit: str, *, report: bool = False) -> tuple[tuple[int, float], ...]:
        """Vocabulary terms for a question unit, with how similar each is. In a report a
        word the plan itself uses is that word: "qwe" typed as "quê" must not reach a
        damaged "qua" of an OCR'd plan and name a target of fruit."""
        exact = self._vocab.get(unit)
        found: dict[int, float] = {}
        if exact is not None:
            found[exact] = 1.0
            if report:
                return tuple(found.items())
        if unit.startswith((CONCEPT_PREFIX, NUMBER_PREFIX)) or len(unit) < 3:
            return tuple(found.items())
        # A question word that is no syllable is a typo ("moii"): any one edit may mend it.
        # Without a vowel it is an abbreviation ("bhtn"), which no edit mends.
        typo = exact is None and not is_syllable(unit) and any(ch in "aeiouy" for ch in unit)
        for term in self._neighbours(unit):
            if term in found:
                continue
            garbled = typo or term in self._garbled
            sim = _similarity(unit, self._term(term), typo_ok=exact is None, garbled=garbled)
            if sim > 0:
                found[term] = sim
        return tuple(found.items())

    def _neighbours(self, unit: str) -> set[int]:
        """Vocabulary words one edit from *unit*, and damaged words up to two edits (only
        for words short enough to be one syllable or a short abbreviation, see
        :data:`_MAX_FUZZY_LEN`: the variants grow with the square of the length)."""
        keys = {unit}
        if len(unit) <= _MAX_FUZZY_LEN + 1:
            keys.update(_deletions(unit))
        if 3 <= len(unit) <= _MAX_FUZZY_LEN_TWO + 2:
            keys.update(k for d in _deletions(unit) for k in _deletions(d))
        out: set[int] = set()
        for key in keys:
            out.update(self._deletes.get(key, ()))
        return out

    def _term(self, term_id: int) -> str:
        return self._names[term_id]

    # ------------------------------------------------------------ ranking

    def _rank(
        self, query: _Query, *, kinds: tuple[HitKind, ...], for_report: bool = False
    ) -> list[_Scored]:
        """Documents for *query*, best first: a cheap pass over the index, then the full
        score on the few best."""
        shortlist = self._first_pass(query, kinds)
        scored = [self._score(query, self._docs[i], for_report) for i in shortlist]
        scored.sort(key=lambda s: -s.score)
        return scored

    def _doc_range(self, kinds: tuple[HitKind, ...]) -> tuple[int, int]:
        """Targets are indexed first, passages after: the document ids of *kinds*."""
        start = 0 if "target" in kinds else self._n_targets
        end = len(self._docs) if "passage" in kinds else self._n_targets
        return start, end

    def _first_pass(self, query: _Query, kinds: tuple[HitKind, ...]) -> list[int]:
        """The documents worth a full score: matched question weight from the postings of
        the question's rarer terms, then the commoner terms checked on a shortlist only."""
        first, last = self._doc_range(kinds)
        postings = self._postings
        order = sorted(
            range(len(query.units)),
            key=lambda u: min((len(postings[t]) for t, _ in query.matches[u]), default=0),
        )
        scores = [0.0] * len(self._docs)  # indexed by document: faster than a dict
        touched: set[int] = set()
        later: list[int] = []
        read = 0
        for term, weight in query.pairs:  # short postings that find phrases
            docs = _within(postings[term], first, last)
            read += len(docs)
            touched.update(docs)
            for d in docs:
                scores[d] += weight
        for u in order:
            weight, found = query.weights[u], query.matches[u]
            size = sum(len(postings[t]) for t, _ in found)
            if touched and read + size > _POSTING_BUDGET:
                later.append(u)  # too common to narrow anything: checked on the shortlist
                continue
            seen: set[int] = set()  # a document counts the unit once, at its best term
            for term, sim in sorted(found, key=lambda f: -f[1]):
                docs = _within(postings[term], first, last)
                read += len(docs)
                new = set(docs) - seen if seen else set(docs)
                seen |= new
                gain = weight * sim
                for d in new:
                    scores[d] += gain
            touched |= seen
        if not touched:
            return []
        # Documents far behind the best cannot catch up on the common terms that remain.
        floor = max(map(scores.__getitem__, touched)) * _SHORTLIST_FLOOR
        promising = [d for d in touched if scores[d] >= floor]
        shortlist = heapq.nlargest(_SHORTLIST, promising, key=scores.__getitem__)
        # Targets are few and short: every target the question touches is scored in full,
        # however many long passages happen to share its common words.
        touched_targets = (d for d in range(first, min(last, self._n_targets)) if scores[d] > 0)
        targets = heapq.nlargest(_TARGET_POOL, touched_targets, key=scores.__getitem__)
        pool = list(dict.fromkeys([*shortlist, *targets]))
        for u in later:
            weight, found = query.weights[u], query.matches[u]
            for d in pool:
                scores[d] += weight * _similarity_in(found, self._docs[d])
        best = heapq.nlargest(_RERANK, pool, key=scores.__getitem__)
        best += heapq.nlargest(_RERANK_TARGETS, targets, key=scores.__getitem__)
        return list(dict.fromkeys(best))

    def _occurrences(self, query: _Query, doc: _Doc) -> tuple[list[float], list[list[int]]]:
        """Per question unit: its similarity in *doc* and every position it stands at."""
        sims = [0.0] * len(query.units)
        where: list[list[int]] = [[] for _ in query.units]
        for u, found in enumerate(query.matches):
            for term, sim in found:
                lo = bisect_left(doc.occ_terms, term)
                hi = bisect_right(doc.occ_terms, term, lo)
                if hi > lo:
                    where[u].extend(doc.occ_positions[lo:hi])
                    sims[u] = max(sims[u], sim)
                elif term in doc.value_terms:  # the target's own figure names it
                    sims[u] = max(sims[u], sim)
                elif term in doc.context:
                    sims[u] = max(sims[u], sim * _CONTEXT_WEIGHT)
        return sims, where

    def _score(self, query: _Query, doc: _Doc, for_report: bool) -> _Scored:
        sims, where = self._occurrences(query, doc)
        weights = query.weights
        total = sum(weights) or 1.0
        got = sum(w * m for w, m in zip(weights, sims, strict=True))
        coverage = got / total
        missing = (
            sum(
                w
                for w, m, distinctive in zip(weights, sims, query.distinctive, strict=True)
                if distinctive and m == 0
            )
            / total
        )
        phrase = _phrase(weights, where, sims)
        if doc.kind == "target" and for_report:
            # A report fragment names its target in a few words ("trồng cây phân tán", "lợn"):
            # what matters is that the target explains every one of them.
            focus = self._name_coverage(query, doc)
            score = (0.6 * coverage + 0.25 * focus + 0.15 * phrase) * (1.0 - missing)
        elif doc.kind == "target":
            focus = self._name_coverage(query, doc)
            shape = fuzz.token_set_ratio(" ".join(query.units), doc.norm) / 100
            score = 0.45 * coverage + 0.2 * phrase + 0.25 * focus + 0.1 * shape
            score *= 1.0 - missing  # it is about something else when a telling word lacks
            if doc.category is not None and doc.category in query.counted:
                score = min(1.0, score + _COUNTED_BONUS)  # "mấy con" and the target counts con
            if query.duty and not query.figure:
                score *= _INTENT_PENALTY
        else:
            focus = _window(query.weights, where) / total
            score = 0.45 * coverage + 0.2 * phrase + 0.35 * focus
            # The section heading names what the question asks ("Khó khăn", "Hạn chế").
            titled = sum(
                w for w, ps in zip(weights, where, strict=True) if ps and min(ps) < doc.heading_end
            )
            score += _HEADING_BONUS * titled / total
            # "bao nhiêu thành viên" answered by "… với 16 thành viên".
            if query.figure and _figure_beside(where, doc.number_positions):
                score += _FIGURE_BONUS
            # Question words scattered over a paragraph, never two together: a coincidence.
            if len(query.units) >= 3 and phrase < _SCATTERED_PHRASE:
                score *= _SCATTERED_PENALTY
            score = min(score, 1.0)
            if query.figure and not query.duty:
                score *= _INTENT_PENALTY
            elif not query.duty:
                score *= _NEUTRAL_PASSAGE
        matched = sum(w * m for w, m in zip(query.weights, sims, strict=True))
        # Words standing together as in the question count for what the pair says.
        matched += sum(
            rarity
            for a, rarity in enumerate(query.pair_rarity)
            if rarity and _adjacent(where[a], where[a + 1])
        )
        evidence = matched / self._max_idf**2
        return _Scored(doc, score, coverage, missing, evidence, where, phrase, focus)

    def _name_coverage(self, query: _Query, doc: _Doc) -> float:
        """How much of a target's name the question mentions (rarer words weigh more);
        a question quoting the target's own figure ("1.600 người là chỉ tiêu gì") names it."""
        asked = {t: s for found in query.matches for t, s in found}
        if doc.value_terms & asked.keys():
            return 1.0
        if not doc.name_terms:
            return 0.0

        def asked_share(term: int, words: tuple[int, ...]) -> float:
            share = asked.get(term, 0.0)
            if words and share < 1.0:
                share = max(share, sum(asked.get(w, 0.0) for w in words) / len(words))
            return share

        # Words OCR left unreadable say nothing of what the name means.
        idf = self._target_idf
        name_weights = [0.0 if t in self._garbled else idf[t] for t, _ in doc.name_terms]
        got = sum(
            w * asked_share(t, words)
            for (t, words), w in zip(doc.name_terms, name_weights, strict=True)
        )
        return got / (sum(name_weights) or 1.0)

    def _same_answer(self, a: _Doc, b: _Doc) -> bool:
        """A compound target and its parts answer the same question."""
        if a.kind != "target" or b.kind != "target":
            return False
        ta, tb = self._target(a), self._target(b)
        return ta.parent_key == tb.key or tb.parent_key == ta.key

    # ------------------------------------------------------------ hits

    def _target(self, doc: _Doc) -> Target:
        return self._targets[doc.id[2:]]

    def _hit(self, scored: _Scored, query: _Query | None, *, shown: bool = True) -> Hit:
        doc = scored.doc
        if doc.kind == "target":
            target = self._target(doc)
            parent = self._targets.get(target.parent_key) if target.parent_key else None
            return Hit(
                id=doc.id,
                kind="target",
                score=scored.score,
                section_path=target.section_path,
                section_title=self._section_titles.get(target.section_path, ""),
                target=target,
                parent=parent,
                children=tuple(self.plan.children(target.key)),
            )
        passage = self.plan.passages[doc.index]
        excerpt = self._continued(doc.index, self._excerpt(passage, doc, scored, query))
        restored = self._shown(excerpt) if shown else excerpt
        title = passage.heading or self._section_titles.get(passage.section_path, "")
        return Hit(
            id=doc.id,
            kind="passage",
            score=scored.score,
            section_path=passage.section_path,
            section_title=self._shown(title) if shown else title,
            passage=passage,
            excerpt=restored,
            original=excerpt if restored != excerpt else "",
        )

    def _continued(self, index: int, excerpt: str, limit: int = 900) -> str:
        """An excerpt that ends announcing a list ("… còn một số hạn chế, đó là:") goes on
        with the passages of the same section that follow, as far as they fit."""
        if not excerpt.rstrip().endswith(":"):
            return excerpt
        passages = self.plan.passages
        section = passages[index].section_path
        parts = [excerpt.rstrip()]
        length = len(excerpt)
        for following in passages[index + 1 :]:
            if following.section_path != section:
                break
            text = collapse_spaces(following.text)
            if length + len(text) > limit:
                parts.append("…")
                break
            parts.append(f"– {text}")
            length += len(text)
        return "\n".join(parts)

    def _excerpt(
        self, passage: Passage, doc: _Doc, scored: _Scored, query: _Query | None, limit: int = 600
    ) -> str:
        """The passage, or when long the sentences that best answer the question, cut on
        sentence or clause boundaries. The answer follows the words asked about ("với chủ
        đề: “…”"), so a sentence announcing something (ending in ":") or opening a quotation
        goes on to what it announces, even past *limit*; a sentence too long for that loses
        its leading clauses instead, up to the clause holding the words asked about."""
        text = passage.text
        if len(collapse_spaces(text)) <= limit or query is None or not scored.where:
            return clause_cut(text, limit)
        starts = list(doc.sentence_positions)
        offsets = [*doc.sentence_offsets, len(text)]
        value = [0.0] * len(starts)
        for unit, positions in enumerate(scored.where):
            sentences = {bisect_right(starts, p) - 1 for p in positions}
            for i in sentences:
                value[max(i, 0)] += query.weights[unit]
        best = max(range(len(starts)), key=lambda i: (value[i], -i))
        first = last = best
        hard = limit + _ANNOUNCED_EXTRA
        while last + 1 < len(starts) and _announces(text[offsets[first] : offsets[last + 1]]):
            if offsets[last + 2] - offsets[first] > hard:
                break
            last += 1
        span = text[offsets[first] : offsets[last + 1]]
        lead = ""
        if len(collapse_spaces(span)) > limit:
            span, lead = self._drop_leading_clauses(span, doc, scored, best, hard)
        else:
            for step in (1, -1, 2, -2, 3, -3):
                j = best + step
                if 0 <= j < len(starts):
                    lo, hi = min(first, j), max(last, j)
                    if offsets[hi + 1] - offsets[lo] <= limit:
                        first, last = lo, hi
            span = text[offsets[first] : offsets[last + 1]]
        body = clause_cut(span, hard)
        prefix = "… " if first > 0 or lead else ""
        suffix = " …" if last < len(starts) - 1 and not body.endswith("…") else ""
        return prefix + body + suffix

    def _drop_leading_clauses(
        self, span: str, doc: _Doc, scored: _Scored, sentence: int, limit: int
    ) -> tuple[str, str]:
        """(*span* without the leading clauses that push it over *limit*, the part dropped);
        the clause holding the first word asked about in *sentence* is kept."""
        start = doc.sentence_positions[sentence]
        end = (
            doc.sentence_positions[sentence + 1]
            if sentence + 1 < len(doc.sentence_positions)
            else 1 << 30
        )
        asked = [p - start for ps in scored.where for p in ps if start <= p < end]
        first_asked = min(asked) if asked else 0
        clauses = re.split(r"(?<=[,;])\s+", span)
        dropped = 0
        position = 0
        while (
            dropped < len(clauses) - 1 and len(collapse_spaces(" ".join(clauses[dropped:]))) > limit
        ):
            size = len(self.synonyms.rewrite(tokenize(clauses[dropped]), ocr=True)[0])
            if position + size > first_asked:
                break
            position += size
            dropped += 1
        kept = " ".join(clauses[dropped:])
        return kept, " ".join(clauses[:dropped])


# ---------------------------------------------------------------- building


class _Builder:
    """Collects documents and the vocabulary while a knowledge base is built."""

    def __init__(self, synonyms: SynonymTable) -> None:
        self.synonyms = synonyms
        self.docs: list[_Doc] = []
        self.vocab: dict[str, int] = {}
        self.names: list[str] = []
        self.postings: list[array[int]] = []
        self.passages = 0
        self.targets = 0
        self.pairs: set[int] = set()  # word pairs of the document being added

    def _id(self, term: str) -> int:
        found = self.vocab.get(term)
        if found is None:
            found = self.vocab[term] = len(self.names)
            self.names.append(term)
            self.postings.append(array("I"))
        return found

    def _index(self, text: str) -> tuple[list[int], array[int], array[int], str]:
        """(sequence, occurrence terms, occurrence positions, norm) of a text: phrases of the
        synonym table stand as concepts in the sequence; their words, spelled-out forms and
        inner concepts are indexed at the same position."""
        tokens = tokenize(text)
        units, spans = self.synonyms.rewrite(tokens, ocr=True)
        seq = [self._id(u) for u in units]
        # Word pairs are indexed too (postings only): a rare pair of common words finds the
        # passage that has them together among thousands that have them apart.
        self.pairs.update(self._id(_pair(a, b)) for a, b in itertools.pairwise(units))
        pairs: set[tuple[int, int]] = set()
        for position, (unit, (start, end)) in enumerate(zip(units, spans, strict=True)):
            pairs.add((seq[position], position))
            if unit.startswith(CONCEPT_PREFIX):
                span = tokens[start:end]
                for extra in (*span, *self.synonyms.expand(span)):
                    pairs.add((self._id(extra), position))
        ordered = sorted(pairs)
        occ_terms = array("I", (t for t, _ in ordered))
        occ_positions = array("I", (p for _, p in ordered))
        return seq, occ_terms, occ_positions, " ".join(units)

    def _name_terms(
        self, seq: list[int], occ_terms: array[int], occ_positions: array[int]
    ) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """Each distinct word of a name with, for a concept, the plain words it stands for."""
        out: dict[int, tuple[int, ...]] = {}
        for position, term in enumerate(seq):
            if term in out:
                continue
            words = tuple(
                t
                for t, p in zip(occ_terms, occ_positions, strict=True)
                if p == position and t != term and not self.names[t].startswith(CONCEPT_PREFIX)
            )
            out[term] = words if self.names[term].startswith(CONCEPT_PREFIX) else ()
        return tuple(out.items())

    def _add(self, doc: _Doc) -> None:
        doc_index = len(self.docs)
        self.docs.append(doc)
        for term in {*doc.occ_terms, *doc.context, *self.pairs}:
            self.postings[term].append(doc_index)
        self.pairs.clear()

    def add_target(self, target: Target, plan: ParsedPlan) -> None:
        self.targets += 1
        seq, occ_terms, occ_positions, norm = self._index(target.name)
        context_text = [target.source_text, target.text_value or "", target.measure or ""]
        value_terms: set[int] = set()
        if target.value is not None:
            figure = format_number(target.value)
            context_text.append(figure)
            value_terms = {self._id(t) for t in tokenize(figure)}
        if target.parent_key:
            parent = plan.target(target.parent_key)
            context_text = [parent.name if parent else "", *context_text[1:]]
        context_tokens = tokenize(" ".join(context_text))
        context = {self._id(t) for t in (*context_tokens, *self.synonyms.expand(context_tokens))}
        self._add(
            _Doc(
                id=f"t:{target.key}",
                kind="target",
                occ_terms=occ_terms,
                occ_positions=occ_positions,
                context=frozenset(context - set(occ_terms)),
                name_terms=self._name_terms(seq, occ_terms, occ_positions),
                value_terms=frozenset(value_terms),
                norm=norm,
                category=_category(target.measure),
            )
        )

    def add_passage(self, passage: Passage) -> None:
        """Index a passage sentence by sentence (phrases never cross a sentence), keeping where
        each sentence starts so an answer can quote the ones that matter."""
        pieces = [(0, passage.heading)] if passage.heading else []
        offset = 0
        for part in _SENTENCE_END.split(passage.text):
            start = passage.text.find(part, offset)
            offset = start + len(part)
            if part.strip():
                pieces.append((start, part))
        occ: list[tuple[int, int]] = []
        norms: list[str] = []
        positions = array("I")
        offsets = array("I")
        base = 0
        for i, (start, part) in enumerate(pieces):
            seq, occ_terms, occ_positions, norm = self._index(part)
            if not (i == 0 and passage.heading):
                positions.append(base)
                offsets.append(start)
            occ.extend((t, p + base) for t, p in zip(occ_terms, occ_positions, strict=True))
            norms.append(norm)
            base += len(seq)
        occ.sort()
        numbers = array("I", sorted({p for t, p in occ if _is_figure(self.names[t])}))
        self._add(
            _Doc(
                id=f"p:{passage.order}",
                kind="passage",
                occ_terms=array("I", (t for t, _ in occ)),
                occ_positions=array("I", (p for _, p in occ)),
                context=frozenset(),
                name_terms=(),
                value_terms=frozenset(),
                norm=" ".join(norms)[:300],
                index=self.passages,
                sentence_positions=positions or array("I", [0]),
                sentence_offsets=offsets or array("I", [0]),
                heading_end=positions[0] if positions else 0,
                number_positions=numbers,
            )
        )
        self.passages += 1

    def garbled(self) -> frozenset[int]:
        """Words of the plan that are not Vietnamese syllables: what OCR could not read."""
        table_words = {t for g in self.synonyms.groups for p in g.phrases for t in p}
        return frozenset(
            tid
            for term, tid in self.vocab.items()
            if not term.startswith((CONCEPT_PREFIX, NUMBER_PREFIX))
            and " " not in term
            and term not in table_words
            and any(ch in "aeiouy" for ch in term)
            and not is_syllable(term)
        )

    def idf(self, *, targets_only: bool = False) -> list[float]:
        """Rarity of each term (BM25 idf), and last that of a word in no document. Among
        targets only, a word common to many target names ("tỷ lệ", "đạt") weighs little."""
        n = self.targets if targets_only else len(self.docs)

        def df(postings: array[int]) -> int:
            return bisect_left(postings, n) if targets_only else len(postings)

        out = [math.log(1 + (n - df(p) + 0.5) / (df(p) + 0.5)) for p in self.postings]
        return [*out, math.log(1 + (n + 0.5) / 0.5)]

    def deletes(self, garbled: frozenset[int]) -> dict[str, tuple[int, ...]]:
        """Each word of the vocabulary under itself and its one-letter deletions, so a
        question word finds the words one edit away (SymSpell); words OCR damaged also under
        their two-letter deletions, to be found two edits away."""
        index: dict[str, list[int]] = {}
        for term, tid in self.vocab.items():
            if term.startswith((CONCEPT_PREFIX, NUMBER_PREFIX)) or len(term) < 3 or " " in term:
                continue
            keys = {term, *(_deletions(term) if len(term) <= _MAX_FUZZY_LEN else ())}
            if tid in garbled and 4 <= len(term) <= _MAX_FUZZY_LEN_TWO:
                keys.update(k for d in _deletions(term) for k in _deletions(d))
            for key in keys:
                index.setdefault(key, []).append(tid)
        return {k: tuple(v) for k, v in index.items()}


# ---------------------------------------------------------------- helpers


def _within(postings: array[int], first: int, last: int) -> array[int]:
    """The documents of *postings* (ascending ids) in [first, last)."""
    if first == 0 and (not postings or postings[-1] < last):
        return postings
    return postings[bisect_left(postings, first) : bisect_left(postings, last)]


def _is_figure(term: str) -> bool:
    """A number that can answer "bao nhiêu": not a year."""
    if not term.startswith(NUMBER_PREFIX):
        return False
    digits = term[len(NUMBER_PREFIX) :]
    return not (len(digits) == 4 and 1990 <= int(digits) <= 2100)


def _pair(a: str, b: str) -> str:
    """The index term of two adjacent words."""
    return f"{a} {b}"


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _similarity(query: str, term: str, *, typo_ok: bool, garbled: bool) -> float:
    """How much a vocabulary word one edit away stands for a question word (0: not at all).

    OCR confusions ("ciy"/"cây") count at any length; so does any single edit when the plan
    word is not a Vietnamese syllable at all (OCR damage: "seach"). Other typos count only in
    words of five letters or more, and only when the question word is not itself in the plan:
    short syllables one letter apart are different words ("vàng"/"vùng", "lợn"/"lần").
    """
    if ocr_near(query, term):
        return _OCR_SIM
    distance = Levenshtein.distance(query, term, score_cutoff=2)
    near = distance <= 1
    if garbled and near and min(len(query), len(term)) >= 3:
        return _GARBLED_SIM
    if garbled and distance == 2 and min(len(query), len(term)) >= 4:
        return _GARBLED_FAR_SIM  # "dimg" for "đứng": two slips in one damaged word
    if typo_ok and near and min(len(query), len(term)) >= _TYPO_MIN_LEN:
        return _TYPO_SIM
    return 0.0


def _similarity_in(found: tuple[tuple[int, float], ...], doc: _Doc) -> float:
    """How well *doc* has one question unit (its context counts for less)."""
    best = 0.0
    for term, sim in found:
        if sim > best and _has(doc.occ_terms, term):
            best = sim
        elif sim * _CONTEXT_WEIGHT > best and term in doc.context:
            best = sim * _CONTEXT_WEIGHT
    return best


def _figure_beside(where: Sequence[Sequence[int]], numbers: array[int]) -> bool:
    """Whether a figure stands right before or after a word of the question."""
    if not numbers:
        return False
    found = set(numbers)
    return any(p + d in found for positions in where for p in positions for d in (-2, -1, 1, 2))


def _has(sorted_values: array[int], value: int) -> bool:
    i = bisect_left(sorted_values, value)
    return i < len(sorted_values) and sorted_values[i] == value


def _has_any(tokens: Sequence[str], cues: Iterable[tuple[str, ...]]) -> bool:
    """Whether one of *cues* stands in *tokens*; each cue is tried only where its first word
    is (a long text and many cues would otherwise cost their product)."""
    starts: dict[str, list[int]] = {}
    for i, token in enumerate(tokens):
        starts.setdefault(token, []).append(i)
    for cue in cues:
        k = len(cue)
        if any(tuple(tokens[i : i + k]) == cue for i in starts.get(cue[0], ())):
            return True
    return False


def _announces(text: str) -> bool:
    """Whether *text* stops before what it announces: it ends in ":" or leaves a quotation
    open."""
    stripped = text.rstrip(" *_\n")
    opened = stripped.count("“") - stripped.count("”")
    return stripped.endswith(":") or opened > 0 or stripped.count('"') % 2 == 1


_ABBREVIATION_MIN = 4  # shorter abbreviations are one slip from too many others


def _abbreviations(synonyms: SynonymTable) -> frozenset[str]:
    """One-word phrases of the synonym table that are no syllable: "bhyt", "ntm", "tthc"."""
    cached = _ABBREVIATION_CACHE.get(id(synonyms))
    if cached is not None and cached[0] is synonyms:
        return cached[1]
    found = frozenset(
        p[0]
        for g in synonyms.groups
        for p in g.phrases
        if len(p) == 1 and len(p[0]) >= 3 and not p[0].isdigit() and not is_syllable(p[0])
    )
    _ABBREVIATION_CACHE.clear()  # one table in use at a time
    _ABBREVIATION_CACHE[id(synonyms)] = (synonyms, found)
    return found


_ABBREVIATION_CACHE: dict[int, tuple[SynonymTable, frozenset[str]]] = {}


def _topic_flags(units: Sequence[str]) -> tuple[bool, ...]:
    """Per unit: whether it belongs to a phrase of :data:`_TOPIC_PHRASES`."""
    flags = [False] * len(units)
    for phrase in _TOPIC_PHRASES:
        k = len(phrase)
        for i in range(len(units) - k + 1):
            if tuple(units[i : i + k]) == phrase:
                flags[i : i + k] = [True] * k
    return tuple(flags)


def _positions(where: Sequence[Sequence[int]]) -> list[int]:
    return [p for ps in where for p in ps] or [0]


def _first_run(where: Sequence[Sequence[int]]) -> int | None:
    """Where the question's words first stand together, in order (the office's name)."""
    if not where or not where[0]:
        return None
    for start in sorted(where[0]):
        position, ok = start, True
        for nxt in where[1:]:
            after = [p for p in nxt if position <= p <= position + 2]
            if not after:
                ok = False
                break
            position = min(after)
        if ok:
            return start
    return None


def _opens_sentence(position: int, doc: _Doc) -> bool:
    """Whether *position* is among the first words of a sentence of the passage (the
    office named as the one doing something, not "phối hợp với …" in the middle)."""
    i = bisect_right(doc.sentence_positions, position) - 1
    start = doc.sentence_positions[max(i, 0)]
    return position - start <= 2


def clause_cut(text: str, limit: int) -> str:
    """*text* cut to at most *limit* characters at the end of a sentence or, failing that,
    of a clause (after ";" or ","), with "…" where it was cut; a word boundary only when a
    clause would lose more than half."""
    text = collapse_spaces(text)
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    for marks in ((". ", "; ", "! ", "? "), (", ", ": ")):
        cut = max(head.rfind(m) for m in marks)
        if cut > limit // 2:
            return head[: cut + 1].rstrip(" ,;:") + " …"
    return shorten(text, limit)


def describe_plan(plan: ParsedPlan, signer: Signer | None = None) -> str:
    """What the heading of *plan* says, as one sentence: "Kế hoạch số 21/KH-UBND do UBND huyện
    Bình Sơn ban hành ngày 03/02/2025: «…», áp dụng cho năm 2025." Parts the plan lacks are
    left out, never guessed."""
    kind = kind_label(plan.kind)
    parts = [f"{kind} số {collapse_spaces(plan.number)}" if plan.number else kind]
    if plan.issuer:
        parts.append(f"do {collapse_spaces(plan.issuer)} ban hành")
    if plan.issued_on:
        parts.append(f"ngày {format_date(plan.issued_on)}")
    sentence = " ".join(parts)
    if plan.title:
        sentence += f": «{collapse_spaces(plan.title)}»"
    if plan.year:
        sentence += f", áp dụng cho năm {plan.year}"
    missing = [
        what
        for what, value in (("số hiệu", plan.number), ("ngày ban hành", plan.issued_on))
        if not value
    ]
    if missing:
        sentence += f" (văn bản không ghi rõ {' và '.join(missing)})"
    sentence += "."
    if signer is not None:
        sentence += f" Người ký: {signer.describe()}."
    return sentence


def _category(measure: str | None) -> str | None:
    """What a unit of measure counts ("con" → animals), when known."""
    found = lookup_measure(measure, ocr=True) if measure else None
    return found.category if found else None


def _unit_cues(tokens: Sequence[str]) -> set[str]:
    """Units of measure asked for: the word after "bao nhiêu" or "mấy" when it is one
    ("bao nhiêu người", "mấy con", "bao nhiêu tấn")."""
    out: set[str] = set()
    for i, token in enumerate(tokens):
        after_cue = tokens[i - 2 : i] == ["bao", "nhieu"] or (i > 0 and tokens[i - 1] == "may")
        if after_cue and lookup_measure(token) is not None:
            out.add(token)
    return out


def _content(tokens: Sequence[str]) -> list[str]:
    """The question without its question words and politeness."""
    drop = [False] * len(tokens)
    for i in range(len(tokens) - 1):
        if (tokens[i], tokens[i + 1]) in _STOP_PAIRS:
            drop[i] = drop[i + 1] = True
    out: list[str] = []
    for i, token in enumerate(tokens):
        if drop[i]:
            continue
        if token not in _STOP_WORDS:
            out.append(token)
    return out


def _phrase(
    weights: Sequence[float], where: Sequence[Sequence[int]], sims: Sequence[float]
) -> float:
    """Share of the question's adjacent word pairs that stand together in the document."""
    if len(where) < 2:
        return sims[0] if sims else 0.0
    got = total = 0.0
    for a in range(len(where) - 1):
        weight = weights[a] + weights[a + 1]
        total += weight
        if _adjacent(where[a], where[a + 1]):
            got += weight
    return got / total if total else 0.0


def _common(paths: Sequence[str]) -> str:
    """The section holding all of *paths* ("III.1.a", "III.1.b" → "III.1")."""
    parts = [p.split(".") for p in paths]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return ".".join(common)


def _in_order(units: Sequence[str], name: str) -> bool:
    """Whether the question's plain words stand in *name* one after the other, in order
    (a phrase the index folds into one concept hides its order: "ngân sách nhà nước" does
    not say "nước sạch")."""
    plain = [u for u in units if not u.startswith((CONCEPT_PREFIX, NUMBER_PREFIX))]
    tokens = tokenize(name)
    where = [[i for i, t in enumerate(tokens) if t == u] for u in plain]
    return all(
        any(p + d in set(where[a + 1]) for p in where[a] for d in (1, 2))
        for a in range(len(where) - 1)
    )


def _adjacent(first: Sequence[int], second: Sequence[int]) -> bool:
    """Whether a word at one of *second*'s positions follows one of *first*'s closely (a
    question word may have been left out between them: "tỷ lệ [các] hộ nghèo")."""
    later = set(second)
    return any(p + d in later for p in first for d in (0, 1, 2))


def _window(weights: Sequence[float], where: Sequence[Sequence[int]]) -> float:
    """The most question weight found within one sentence-sized window of the document."""
    events = sorted((p, u) for u, positions in enumerate(where) for p in positions)
    best = 0.0
    counts: dict[int, int] = {}
    running = 0.0
    start = 0
    for position, unit in events:
        counts[unit] = counts.get(unit, 0) + 1
        if counts[unit] == 1:
            running += weights[unit]
        while position - events[start][0] > _WINDOW:
            old = events[start][1]
            counts[old] -= 1
            if counts[old] == 0:
                running -= weights[old]
            start += 1
        best = max(best, running)
    return best
