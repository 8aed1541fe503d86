"""Handling levels on shared information (intelligence), and what misusing them costs.

Mapped on the Traffic Light Protocol (FIRST TLP 2.0, adopted by CISA in 2022) and
law-enforcement practice: ``public`` (TLP:CLEAR) goes to anyone; ``law_enforcement_sensitive``
(about TLP:AMBER) to law-enforcement agencies (police and federal) and the ones the
owner names; ``need_to_know`` (TLP:RED) to the owner and the agencies it names only:
wider sharing needs the originator's consent. Sharing is a decision both ways:
withholding a fact from a partner that needs it leaves the partner exposed (scored
against ``needed_within``); sharing it beyond its level can burn a source or alert a
target (``if_leaked``: an incident that starts a while after the first over-share).

A scenario without ``intelligence`` handling rules has none of this: nothing is logged.
"""

from enum import StrEnum

from pydantic import Field

from simulator.scenario.base import Ident, Model
from simulator.scenario.combination import Combination
from simulator.scenario.incident import IncidentSpec
from simulator.scenario.timing import Offset
from simulator.scenario.vocabulary import AgencyKind

# Who may hold law-enforcement sensitive facts.
LAW_ENFORCEMENT = frozenset({AgencyKind.POLICE, AgencyKind.FEDERAL})


class HandlingLevel(StrEnum):
    """Who may receive a fact (TLP 2.0 with law-enforcement practice)."""

    PUBLIC = "public"
    LAW_ENFORCEMENT_SENSITIVE = "law_enforcement_sensitive"
    NEED_TO_KNOW = "need_to_know"


# The TLP 2.0 label each level corresponds to, for reports.
TLP = {
    HandlingLevel.PUBLIC: "TLP:CLEAR",
    HandlingLevel.LAW_ENFORCEMENT_SENSITIVE: "TLP:AMBER",
    HandlingLevel.NEED_TO_KNOW: "TLP:RED",
}


class Leak(Model):
    """What an over-share sets off: the target alerted, a source exposed."""

    description: str
    after: Offset = Field(default=600.0, description="Time from the first over-share")
    incident: IncidentSpec | None = Field(
        default=None, description="An incident that starts then (e.g. the source threatened)"
    )


class Handling(Model):
    """The handling level of one fact, its owner, and who needs it."""

    fact: str = Field(max_length=200, description="A fact key, e.g. hazard:BUY-1/agents")
    level: HandlingLevel
    owner: Ident = Field(description="The originating agency; wider sharing needs its consent")
    recipients: list[Ident] = Field(
        default_factory=list, description="Agencies the owner has cleared to receive it"
    )
    needed_by: list[Ident] = Field(
        default_factory=list, description="Partners exposed while they do not know it"
    )
    needed_within: Offset = Field(
        default=300.0, description="Target from the owner learning it to each partner knowing"
    )
    if_leaked: Leak | None = None

    def permits(self, agency: str, kind: AgencyKind) -> bool:
        """Whether the level lets an agency (of this kind) hold the fact.

        Public facts go to anyone; the owner and the recipients it cleared always may;
        law-enforcement sensitive goes to police and federal agencies; need to know to
        nobody else (TLP 2.0: wider sharing needs the originator's consent).
        """
        if self.level == HandlingLevel.PUBLIC or agency == self.owner:
            return True
        if agency in self.recipients:
            return True
        if self.level == HandlingLevel.LAW_ENFORCEMENT_SENSITIVE:
            return kind in LAW_ENFORCEMENT
        return False


class Intelligence(Model):
    """The scenario's handling rules and combination rules (both optional)."""

    handling: list[Handling] = Field(default_factory=list, max_length=500)
    combine: list[Combination] = Field(
        default_factory=list,
        max_length=200,
        description="Facts that together reveal another to an analyst (a fusion centre)",
    )

    def rule(self, fact: str) -> Handling | None:
        """The handling rule of a fact, or None (no rule: anyone may hold it)."""
        return next((r for r in self.handling if r.fact == fact), None)
