"""Handling levels on shared information (intelligence), and what misusing them costs.

Mapped on the Traffic Light Protocol (FIRST TLP 2.0, adopted by CISA in 2022) and
law-enforcement practice: ``public`` (TLP:CLEAR) goes to anyone; ``community``
(TLP:GREEN) to every agency of the exercise, not the public; ``law_enforcement_sensitive``
(about TLP:AMBER) to law-enforcement agencies (police and federal) and the ones the
owner names; ``organisation_only`` (TLP:AMBER+STRICT) and ``need_to_know`` (TLP:RED) to
the owner and the agencies it names only (TLP tells them apart by person within an
organisation, which an agency-level exercise does not model): wider sharing needs the
originator's consent. A scenario may write a level as its TLP label (``TLP:GREEN``).
Sharing is a decision both ways: withholding a fact from a partner that needs it leaves
the partner exposed (scored against ``needed_within``); sharing it beyond its level can
burn a source or alert a target (``if_leaked``: an incident that starts a while after
the first over-share).

A scenario without ``intelligence`` handling rules has none of this: nothing is logged.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, WithJsonSchema, field_validator

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
    COMMUNITY = "community"
    LAW_ENFORCEMENT_SENSITIVE = "law_enforcement_sensitive"
    ORGANISATION_ONLY = "organisation_only"
    NEED_TO_KNOW = "need_to_know"


# The TLP 2.0 label each level corresponds to, for reports.
TLP = {
    HandlingLevel.PUBLIC: "TLP:CLEAR",
    HandlingLevel.COMMUNITY: "TLP:GREEN",
    HandlingLevel.LAW_ENFORCEMENT_SENSITIVE: "TLP:AMBER",
    HandlingLevel.ORGANISATION_ONLY: "TLP:AMBER+STRICT",
    HandlingLevel.NEED_TO_KNOW: "TLP:RED",
}
# A level written as its TLP label, in any case.
_BY_LABEL = {label.casefold(): level for level, label in TLP.items()}
# Levels every agency of the exercise may hold (TLP:GREEN is not for the public, which
# holds no facts here).
_ANY_AGENCY = frozenset({HandlingLevel.PUBLIC, HandlingLevel.COMMUNITY})


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
    level: Annotated[
        HandlingLevel,
        WithJsonSchema(
            {
                "enum": [*(level.value for level in HandlingLevel), *TLP.values()],
                "description": "Handling level, or its TLP 2.0 label (TLP:AMBER+STRICT)",
            }
        ),
    ]
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

    @field_validator("level", mode="before")
    @classmethod
    def _tlp_label(cls, value: object) -> object:
        """``TLP:AMBER+STRICT`` as written on a bulletin is its level."""
        if not isinstance(value, str):
            return value
        label = value.strip().casefold()
        if label.startswith("tlp:") and label not in _BY_LABEL:
            raise ValueError(f"{value!r} is no TLP 2.0 label ({', '.join(TLP.values())})")
        return _BY_LABEL.get(label, value)

    def permits(self, agency: str, kind: AgencyKind) -> bool:
        """Whether the level lets an agency (of this kind) hold the fact.

        Public and community facts go to any agency; the owner and the recipients it
        cleared always may; law-enforcement sensitive goes to police and federal
        agencies; organisation-only and need to know to nobody else (TLP 2.0: wider
        sharing needs the originator's consent).
        """
        if self.level in _ANY_AGENCY or agency == self.owner or agency in self.recipients:
            return True
        return self.level == HandlingLevel.LAW_ENFORCEMENT_SENSITIVE and kind in LAW_ENFORCEMENT


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
