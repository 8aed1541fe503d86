"""Units: the resources agencies dispatch."""

from typing import Literal

from pydantic import Field, field_validator

from simulator.scenario.base import Ident, Model
from simulator.scenario.vocabulary import Capability


class UnitSpec(Model):
    """One unit as the scenario declares it."""

    id: Ident
    agency: Ident
    type: str = Field(description="Free-text unit type, e.g. engine, medic, patrol car")
    capabilities: list[Capability] = Field(min_length=1)
    station: Ident
    crew: int = Field(default=2, ge=1, le=50)
    speed_factor: float = Field(default=1.0, gt=0.1, le=3.0)
    patient_capacity: int = Field(
        default=1, ge=0, le=10, description="Patients carried at once (transport units)"
    )
    status: Literal["available", "out_of_service"] = "available"

    @field_validator("capabilities")
    @classmethod
    def _no_repeats(cls, value: list[Capability]) -> list[Capability]:
        if len(set(value)) != len(value):
            raise ValueError("a capability is listed twice")
        return value
