"""Commands: the only way anyone, trainee or automated player, changes an exercise.

Each is a typed, frozen record naming the agency that gives it. The engine accepts it
and logs ``command.accepted``, or rejects it with a reason, logs ``command.rejected``
and changes nothing.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, TypeAdapter

from simulator.events import CONTROLLER
from simulator.scenario.base import Coordinate
from simulator.scenario.vocabulary import Capability


class CommandBase(BaseModel):
    """Fields every command has."""

    # Every number finite: a staging area at x NaN or 1e308 broke the engine's lookup.
    # Yes/no and counting fields are Strict*: "no" or "1" from a command file or a seat
    # is refused, not quietly read as False or 1.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    agency: str = Field(description="The agency giving the command (the player's role)")


class Dispatch(CommandBase):
    """Send units to an incident (also reassigns units busy elsewhere).

    With ``hold`` the units stop at the scene's perimeter (Level I staging) and wait
    there, committed, until dispatched again to the same incident: how a dispatcher
    keeps crews out of a scene nobody able to recognise its hazards has sized up yet.
    """

    type: Literal["dispatch"] = "dispatch"
    incident: str
    units: list[str] = Field(min_length=1)
    hold: StrictBool | None = Field(
        default=None, description="Stop at the perimeter until dispatched again (staging)"
    )


class Recall(CommandBase):
    """Release units from their assignment; they return to station."""

    type: Literal["recall"] = "recall"
    units: list[str] = Field(min_length=1)


class Stage(CommandBase):
    """Move units to a staging area, where they wait available."""

    type: Literal["stage"] = "stage"
    units: list[str] = Field(min_length=1)
    staging: str


class Declare(CommandBase):
    """Declare a precondition met, e.g. police declaring a scene secure."""

    type: Literal["declare"] = "declare"
    incident: str
    condition: str


class Transport(CommandBase):
    """Name the hospital a transport unit takes its patients to."""

    type: Literal["transport"] = "transport"
    unit: str
    hospital: str


class Destination(CommandBase):
    """Name the hospital an incident's patients of one START category go to.

    The transport group's destination plan (ICS): crews with no hospital named for
    their unit take the sickest patient they carry to the hospital planned for that
    category, if it still has a bed, so patients are spread across hospitals instead
    of every crew driving to the nearest.
    """

    type: Literal["destination"] = "destination"
    incident: str
    triage: Literal["immediate", "delayed"]
    hospital: str


class RequestMutualAid(CommandBase):
    """Ask another agency (e.g. a neighbouring jurisdiction) for units."""

    type: Literal["mutual_aid"] = "mutual_aid"
    to: str
    incident: str
    capability: Capability
    count: StrictInt = Field(default=1, ge=1, le=50)


class CloseRoad(CommandBase):
    """Close a road (both directions) between two nodes, or a street by name."""

    type: Literal["close_road"] = "close_road"
    road: str | None = None
    between: tuple[str, str] | None = None


class OpenRoad(CommandBase):
    """Reopen a closed road."""

    type: Literal["open_road"] = "open_road"
    road: str | None = None
    between: tuple[str, str] | None = None


class TrafficPoint(CommandBase):
    """Post a traffic-control unit at a road (both directions), or release it.

    The officer closes the road to the public and waves emergency vehicles through:
    traffic there no longer slows responders. Unlike ``CloseRoad`` the road stays open
    to every emergency unit.
    """

    type: Literal["traffic_point"] = "traffic_point"
    unit: str
    road: str | None = None
    between: tuple[str, str] | None = None
    release: StrictBool = False


class SetService(CommandBase):
    """Take a unit out of service or put it back in."""

    type: Literal["service"] = "service"
    unit: str
    in_service: StrictBool


class SendMessage(CommandBase):
    """A free-text radio call or phone message to an agency, or onto a channel."""

    type: Literal["message"] = "message"
    to: str | None = None
    channel: str | None = None
    kind: Literal["sitrep", "resource_request", "assignment"] = "sitrep"
    incident: str | None = None
    text: str = Field(min_length=1, max_length=500)


class Share(CommandBase):
    """Tell another agency facts: all the sender knows of an incident, or the ones named."""

    type: Literal["share"] = "share"
    to: str
    incident: str | None = None
    facts: list[str] = Field(default_factory=list)
    channel: str | None = None


class PublicStatement(CommandBase):
    """The agency's public information officer speaks to the public (NIMS).

    It may answer a rumour (``stance``: ``deny`` or ``confirm`` the claim) and state
    facts (``facts``: key and value, as the agency believes them). A statement that
    contradicts the facts (a true claim denied, a false one confirmed, a wrong value)
    costs trust and answers nothing.
    """

    type: Literal["public_statement"] = "public_statement"
    text: str = Field(min_length=1, max_length=500)
    rumour: str | None = Field(default=None, max_length=64)
    stance: Literal["inform", "deny", "confirm"] = "inform"
    incident: str | None = Field(default=None, max_length=64)
    facts: dict[str, int | str | bool] = Field(default_factory=dict, max_length=20)


class VerifyCall(CommandBase):
    """Check a call flagged as a possible hoax (callback, location history, caller).

    The answer comes after the scenario's ``verify_minutes``; a hoax is then stood down.
    """

    type: Literal["verify_call"] = "verify_call"
    incident: str = Field(max_length=64)


class Patch(CommandBase):
    """A dispatcher patches two radio channels at a console (or releases the patch)."""

    type: Literal["patch"] = "patch"
    channels: tuple[str, str]
    release: StrictBool = False


class CommandPost(CommandBase):
    """A command unit on scene sets up the incident command post."""

    type: Literal["command_post"] = "command_post"
    incident: str
    unit: str


class UnifiedCommand(CommandBase):
    """Agencies' commanders on scene join in unified command at the command post."""

    type: Literal["unified_command"] = "unified_command"
    incident: str


class OpenStaging(CommandBase):
    """Set up a staging area at a road node or near a point."""

    type: Literal["staging_area"] = "staging_area"
    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=64)
    node: str | None = None
    x: Coordinate | None = None
    y: Coordinate | None = None


class RegisterOperation(CommandBase):
    """Enter a planned operation the agency leads in event deconfliction.

    The deconfliction service checks it against every other registered event (place
    and time window): a conflict is told to the submitter at once and to the other
    lead agency by the watch centre (RISSafe / Case Explorer / SAFETNet practice).
    """

    type: Literal["register_operation"] = "register_operation"
    operation: str = Field(max_length=64)


class Deconflict(CommandBase):
    """Act on a deconfliction conflict notice about an operation the agency leads.

    ``acknowledge``: call the other lead back and coordinate (both must); ``postpone``:
    move the agency's own operation later by ``minutes``; ``cancel``: call it off.
    """

    type: Literal["deconflict"] = "deconflict"
    conflict: str = Field(max_length=64)
    action: Literal["acknowledge", "postpone", "cancel"] = "acknowledge"
    minutes: StrictFloat | None = Field(default=None, gt=0, le=24 * 60)


class ControllerCommand(CommandBase):
    """A command only the exercise controller gives: it runs the script, not an agency."""

    agency: Literal["controller"] = Field(
        default=CONTROLLER, description="Always 'controller': no agency gives this command"
    )


class ReleaseInject(ControllerCommand):
    """Release an MSEL inject now, held or not yet due; it then never fires again."""

    type: Literal["release_inject"] = "release_inject"
    seq: StrictInt = Field(ge=1, le=1_000_000)


class HoldInject(ControllerCommand):
    """Hold an MSEL inject not yet released: at its time it does not fire."""

    type: Literal["hold_inject"] = "hold_inject"
    seq: StrictInt = Field(ge=1, le=1_000_000)


class AddInject(ControllerCommand):
    """An ad-hoc information inject: text (and facts) reach the named agencies now."""

    type: Literal["add_inject"] = "add_inject"
    text: str = Field(min_length=1, max_length=500)
    to: list[str] = Field(min_length=1, max_length=100)
    incident: str | None = None
    facts: list[str] = Field(default_factory=list, max_length=50)


Command = Annotated[
    Dispatch
    | Recall
    | Stage
    | Declare
    | Transport
    | Destination
    | RequestMutualAid
    | CloseRoad
    | OpenRoad
    | TrafficPoint
    | SetService
    | SendMessage
    | Share
    | PublicStatement
    | VerifyCall
    | Patch
    | CommandPost
    | UnifiedCommand
    | OpenStaging
    | RegisterOperation
    | Deconflict
    | ReleaseInject
    | HoldInject
    | AddInject,
    Field(discriminator="type"),
]

COMMAND = TypeAdapter(Command)


def command_json(command: CommandBase) -> dict:
    """A command as plain JSON data, for logs and files."""
    return command.model_dump(mode="json", exclude_none=True)
