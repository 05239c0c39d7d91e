"""The active plan's knowledge base, built once and cached until the plan or synonyms change.

Building normalises every target and passage; questions then only look things up. The cache
key is the plan's id and last update plus the synonym table's version, so an import, a switch
of active plan or a new synonym rebuilds it on the next question.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matcher import KnowledgeBase
from bot.core.plan import ParsedPlan
from bot.core.synonyms import SynonymTable
from bot.services import Services
from storage import plans
from storage.models import Plan

CACHE_KEY = "knowledge"


@dataclass(frozen=True, slots=True)
class ActivePlan:
    """The active plan with its parsed form and knowledge base."""

    plan_id: int
    label: str  # "Kế hoạch 21/KH-UBND"
    parsed: ParsedPlan
    kb: KnowledgeBase


def citation_label(plan: Plan) -> str:
    """How answers name the plan: "Kế hoạch 21/KH-UBND", or its name without a number."""
    kind = "Báo cáo" if plan.kind == "bao_cao" else "Kế hoạch"
    return f"{kind} {plan.number}" if plan.number else plan.name


async def active_plan(services: Services) -> ActivePlan | None:
    """The active plan's knowledge base, rebuilt only when something changed."""
    async with services.db.session() as session:
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
    kb = KnowledgeBase.build(parsed, citation_label=label, synonyms=table)
    active = ActivePlan(plan_id=plan.id, label=label, parsed=parsed, kb=kb)
    services.caches[CACHE_KEY] = (version, active)
    return active


def invalidate(services: Services) -> None:
    """Drop the cached knowledge base (after an import, activation or synonym change)."""
    services.caches.pop(CACHE_KEY, None)
