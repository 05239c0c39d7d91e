"""The active plan's knowledge base, built once and cached until the plan or synonyms change.

Building normalises every target and passage; questions then only look things up. The cache
key is the plan's id and last update plus the synonym table's version, so an import, a switch
of active plan or a new synonym rebuilds it on the next question.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.matcher import KnowledgeBase
from bot.core.plan import ParsedPlan, kind_label
from bot.core.signature import find_signer
from bot.core.synonyms import SynonymTable
from bot.core.text import fold, shorten
from bot.services import Services
from storage import plans
from storage.models import Plan

CACHE_KEY = "knowledge"


CITED_TITLE_CHARS = 80


@dataclass(frozen=True, slots=True)
class ActivePlan:
    """The active plan with its parsed form and knowledge base."""

    plan_id: int
    label: str  # "Kế hoạch 21/KH-UBND"
    parsed: ParsedPlan
    kb: KnowledgeBase


def citation_label(plan: Plan) -> str:
    """How answers name the plan: "Kế hoạch 21/KH-UBND"; without a number, the name an
    admin gave it, else its title (a file name such as "001_0b34…" means nothing to staff)."""
    kind = kind_label(plan.kind)
    if plan.number:
        return f"{kind} {plan.number}"
    stem = PurePath(plan.source_filename).stem
    if plan.name != stem or not plan.title:
        return plan.name
    title = shorten(plan.title, CITED_TITLE_CHARS)
    return title if fold(title).startswith(fold(kind)) else f"{kind} «{title}»"


async def active_plan(
    services: Services, *, session: AsyncSession | None = None
) -> ActivePlan | None:
    """The active plan's knowledge base, rebuilt only when something changed (read in
    *session* when the caller has one)."""
    async with services.db.within(session) as session:
        plan = await plans.active_plan(session)
        if plan is None:
            return None
        synonym_rows = await plans.list_synonyms(session)
        version = (plan.id, plan.updated_at, tuple((s.phrase, s.expansion) for s in synonym_rows))
        cached = services.caches.get(CACHE_KEY)
        if isinstance(cached, tuple) and cached[0] == version:
            result: ActivePlan = cached[1]
            return result
        parsed = await plans.load_parsed_plan(session, plan.id)
    label = citation_label(plan)
    table = SynonymTable.builtin().with_extra((s.phrase, s.expansion) for s in synonym_rows)
    # The signature block is not among the parsed passages: it is read from the stored text.
    signer = find_signer(plan.raw_text) if plan.raw_text else None
    kb = KnowledgeBase.build(parsed, citation_label=label, synonyms=table, signer=signer)
    active = ActivePlan(plan_id=plan.id, label=label, parsed=parsed, kb=kb)
    services.caches[CACHE_KEY] = (version, active)
    return active


def invalidate(services: Services) -> None:
    """Drop the cached knowledge base (after an import, activation or synonym change)."""
    services.caches.pop(CACHE_KEY, None)
