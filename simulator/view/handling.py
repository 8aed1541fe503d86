"""Handling levels on facts as the trainee sees them: badges, and over-sharing caught first.

A fact that came from its owner carries a caveat (``intelligence.caveat``), as a
records system prints one on the document: the view shows it as a badge in the TLP
colour with "NTK" (need to know), "ORG" (organisation only) or "LES" (law-enforcement
sensitive). Before a share
that would pass a caveated fact to an agency its level does not allow, the console
asks first: whether the agency may hold it is the engine's own rule
(``Handling.permits``), read from the scenario, which a networked seat holds too.
"""

from dataclasses import dataclass

from simulator.scenario.model import Scenario
from simulator.view.palette import Colour
from simulator.view.words import fact_words

# The short word of each level on a badge (public facts carry only their TLP label).
LEVEL_WORD = {
    "need_to_know": "NTK",
    "organisation_only": "ORG",
    "law_enforcement_sensitive": "LES",
    "community": "",
    "public": "",
}
# TLP 2.0's own colours (FIRST): coloured text on black.
TLP_COLOUR: dict[str, Colour] = {
    "TLP:RED": (255, 43, 43),
    "TLP:AMBER": (255, 192, 0),
    "TLP:AMBER+STRICT": (255, 192, 0),
    "TLP:GREEN": (51, 255, 0),
    "TLP:CLEAR": (255, 255, 255),
}


@dataclass(frozen=True)
class Caveat:
    """A caveated copy of a fact one of the trainee's agencies holds."""

    agency: str
    fact: str
    level: str
    tlp: str
    owner: str
    permitted: bool

    @property
    def badge(self) -> str:
        """The badge text: "TLP:RED NTK"."""
        return f"{self.tlp} {LEVEL_WORD.get(self.level, '')}".strip()


def badge_colour(badge: str) -> Colour:
    """The TLP colour of a badge ("TLP:AMBER LES" is amber)."""
    return TLP_COLOUR.get(badge.split(" ")[0], TLP_COLOUR["TLP:CLEAR"])


def oversharing(
    scenario: Scenario, caveats: dict[tuple[str, str], Caveat], sharer: str, to: str, facts
) -> list[Caveat]:
    """The caveated facts a share from ``sharer`` to ``to`` would pass on beyond their level.

    Only a caveated copy over-shares (an agency's own finding carries no caveat), as in
    the engine: the facts are those the share carries, the copies those ``sharer`` holds.
    """
    rules = {r.fact: r for r in scenario.intelligence.handling}
    out = []
    for key in sorted(facts):
        caveat = caveats.get((sharer, key))
        rule = rules.get(key)
        if caveat is not None and rule and not rule.permits(to, scenario.agency(to).kind):
            out.append(caveat)
    return out


def warning(over: list[Caveat], to_name: str, owner_name) -> str:
    """The question put before an over-share: what would go, whose it is, what it risks."""
    what = "; ".join(f"{fact_words(c.fact)} [{c.badge}, {owner_name(c.owner)}'s]" for c in over)
    return (
        f"This share passes {what} to {to_name}, beyond its handling level: "
        "it may burn a source or alert the target. Share it anyway?"
    )
