"""What a public information officer says: statements and answers to rumours, in words.

The words the map view drafts for a trainee's PIO (``view/public_actions.py``): the
agency by name, what it responds to and the streets meeting nearest it, what the public
should do, when the next update comes; never an id or an engine word ("responding to a
medical" read the type's own name). A denial says a claim is false without repeating
it as a headline. Kept out of the view (no pygame) so an automated PIO may speak them.
"""

import numpy as np

from simulator.world.roads import RoadNetwork

ADVICE = "Please keep clear of the area and follow the directions of officers there."
# Each incident type as the public hears it: the type's own words read "responding to a
# medical", "a terrorism", "a gang violence". Types not listed read as their words.
PUBLIC: dict[str, str] = {
    "structure_fire": "building fire",
    "vehicle_fire": "vehicle fire",
    "wildland_fire": "wildland fire",
    "hazmat_release": "hazardous materials release",
    "explosion": "explosion",
    "traffic_collision": "traffic collision",
    "medical": "medical emergency",
    "mass_casualty": "mass casualty incident",
    "shooting": "shooting",
    "assault": "assault",
    "robbery": "robbery",
    "burglary": "burglary",
    "gang_violence": "gang violence",
    "drug_lab": "suspected drug lab",
    "drug_trafficking": "drug trafficking investigation",
    "human_trafficking": "human trafficking investigation",
    "cyber_attack": "cyber attack",
    "terrorism": "major security incident",
    "suspicious_package": "suspicious package",
    "civil_disturbance": "civil disturbance",
    "missing_person": "missing person report",
    "infrastructure_failure": "infrastructure failure",
    "traffic_hazard": "traffic hazard",
}
MASS = frozenset({"gang_violence"})  # no "a": "responding to gang violence near ..."


def incident_words(kind: str, definite: bool = False) -> str:
    """An incident type as the public would say it: "a suspicious package", "the ..."."""
    words = PUBLIC.get(kind, kind.replace("_", " "))
    if definite:
        return f"the {words}"
    if kind in MASS:
        return words
    return ("an " if words[:1].lower() in "aeiou" else "a ") + words


def streets_near(roads: RoadNetwork, node: int) -> str:
    """The streets meeting at a road node: " near 9th Street and 9th Avenue" (or "")."""
    touching = np.nonzero((roads.src == node) | (roads.dst == node))[0]
    streets = sorted({roads.names[int(e)] for e in touching} - {""})
    return " near " + " and ".join(streets[:2]) if streets else ""


def next_update(minutes: float) -> str:
    """When the public hears more: the scenario's update interval."""
    return f"We will give an update within {minutes:.0f} minutes."


def first(who: str, what: str, minutes: float) -> str:
    """The first statement on an incident (``what``: "a suspicious package near ...")."""
    return f"{who} is responding to {what}. {ADVICE} {next_update(minutes)}"


def update(who: str, what: str, minutes: float) -> str:
    """An update on an incident the agency is still responding to."""
    return f"Update from {who}: our response to {what} continues. {ADVICE} {next_update(minutes)}"


def denial(who: str, topic: str) -> str:
    """A claim denied (``topic``: "about the suspicious package near ..." or "since 15:14")."""
    return (
        f"{who}: a claim circulating on social media {topic} is false. "
        "Please rely on official updates from the agencies responding "
        "and do not share unconfirmed posts."
    )


def confirmation(who: str, topic: str, minutes: float) -> str:
    """A report confirmed, with the promise of more."""
    return (
        f"{who} confirms what is being reported on social media {topic}. "
        f"We will share more as soon as we can. {next_update(minutes)}"
    )


def clock(start: str, t: float) -> str:
    """The time of day at exercise time ``t`` ("15:14") for a start of "15:00"."""
    hours, minutes = (int(p) for p in start.split(":")[:2])
    total = int(hours * 3600 + minutes * 60 + t) % 86400
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}"
