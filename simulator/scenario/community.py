"""The community as an actor: trust, tips, public statements (NIMS public information).

A scenario may declare a ``community`` section. Without one nothing of this happens
(no events, no calls), so scenarios written before it run exactly as they did.

Trust is a number from 0 to 100 that moves with what the public sees: responses on
time, visible presence, timely and accurate public statements, and harm (deaths,
responders or bystanders hurt, wrong information). Tips reach the police at a rate
proportional to trust; rumours (MSEL ``rumour`` rows) spread on social media until a
public information officer (PIO) answers them.

Time standards: the shared doctrine names the PIO and the Joint Information Center but
gives no times. The defaults follow the common crisis-communication practice of a
first public statement within the first hour of a major incident and updates at least
hourly while it lasts (CDC Crisis and Emergency Risk Communication manual, "the first
hour"; FEMA Basic PIO course), and are scenario settings.
"""

from pydantic import Field

from simulator.scenario.base import Ident, Model
from simulator.scenario.limits import MAX_MINUTES


class Effects(Model):
    """How much each thing the public sees moves trust (points on the 0-100 scale)."""

    prompt_response: float = Field(
        default=1.0, ge=0, le=100, description="First unit on scene within the target"
    )
    late_response: float = Field(
        default=2.0, ge=0, le=100, description="First unit on scene after the target"
    )
    death: float = Field(default=6.0, ge=0, le=100, description="A patient dies")
    responder_hurt: float = Field(default=3.0, ge=0, le=100, description="A crew is harmed")
    bystander_hurt: float = Field(
        default=4.0,
        ge=0,
        le=100,
        description="Bystanders hurt: a hazard with harm casualties met unwarned",
    )
    statement_on_time: float = Field(
        default=4.0, ge=0, le=100, description="First statement inside the first-statement time"
    )
    silence: float = Field(
        default=6.0, ge=0, le=100, description="No statement when the first one fell due"
    )
    no_update: float = Field(default=2.0, ge=0, le=100, description="No update when one fell due")
    rumour_countered: float = Field(
        default=3.0, ge=0, le=100, description="An accurate statement answers a rumour"
    )
    rumour_spreading: float = Field(
        default=1.0, ge=0, le=100, description="Each spread step of an unanswered rumour"
    )
    inaccurate: float = Field(
        default=10.0, ge=0, le=100, description="A statement that contradicts the facts"
    )


class Tips(Model):
    """Tips from the public: calls to one agency's PSAP at a rate scaled by trust."""

    agency: Ident = Field(description="The agency whose call-takers take tips")
    per_hour: float = Field(
        default=4.0, gt=0, le=120, description="Tips an hour at full trust (100)"
    )
    facts: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Fact keys tips teach, in order, once each is true (e.g. hazard:I3/gun)",
    )


class Community(Model):
    """The public of the exercise: its trust and who speaks to it."""

    trust: float = Field(default=60.0, ge=0, le=100, description="Trust at the start")
    pio: list[Ident] = Field(
        default_factory=list,
        max_length=20,
        description="Agencies with a public information officer (may issue statements)",
    )
    first_statement_minutes: float = Field(
        default=60.0,
        gt=0,
        le=MAX_MINUTES,
        description="First statement due after a major (priority 1) incident starts",
    )
    update_minutes: float = Field(
        default=60.0, gt=0, le=MAX_MINUTES, description="Updates due this often after it"
    )
    response_target_minutes: float = Field(
        default=10.0,
        gt=0,
        le=MAX_MINUTES,
        description="First unit on scene within this is seen as a prompt response",
    )
    population: float = Field(
        default=50_000.0, gt=0, le=1e8, description="People a rumour can reach at most"
    )
    spread_minutes: float = Field(
        default=10.0, ge=1, le=120, description="How often a rumour's reach is updated"
    )
    effects: Effects = Effects()
    tips: Tips | None = None
