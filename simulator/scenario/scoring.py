"""Scoring targets and HSEEP-style objectives a scenario declares.

The review layer gives the metrics their meaning; the schema lives here so scenario
files are complete from the start. Default targets cite their standard.
"""

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulator.scenario.base import Ident, Model
from simulator.scenario.limits import MAX_SECONDS
from simulator.scenario.vocabulary import TIMED_METRICS, Metric

# Weights are relative; a bound keeps their sum finite (three of 1e308 made it inf).
MAX_WEIGHT = 1000.0


class Targets(Model):
    """Response-interval targets in seconds, at the 90th percentile unless noted."""

    call_answer_s: float = Field(
        default=15.0, gt=0, le=MAX_SECONDS, description="NENA-STA-020.1-2020"
    )
    call_answer_95_s: float = Field(
        default=20.0, gt=0, le=MAX_SECONDS, description="NENA-STA-020.1-2020, at the 95th"
    )
    fire_call_answer_s: float = Field(
        default=10.0,
        gt=0,
        le=MAX_SECONDS,
        description="NFPA 1225 (2022): calls a fire communications centre answers",
    )
    call_processing_s: float = Field(
        default=60.0, gt=0, le=MAX_SECONDS, description="NFPA 1225 (2022)"
    )
    alarm_processing_s: float = Field(
        default=64.0, gt=0, le=MAX_SECONDS, description="NFPA 1710: fire alarm processing"
    )
    turnout_fire_s: float = Field(default=80.0, gt=0, le=MAX_SECONDS, description="NFPA 1710")
    turnout_ems_s: float = Field(default=60.0, gt=0, le=MAX_SECONDS, description="NFPA 1710")
    travel_first_engine_s: float = Field(
        default=240.0, gt=0, le=MAX_SECONDS, description="NFPA 1710"
    )
    travel_full_assignment_s: float = Field(
        default=480.0, gt=0, le=MAX_SECONDS, description="NFPA 1710"
    )
    travel_bls_s: float = Field(default=240.0, gt=0, le=MAX_SECONDS, description="NFPA 1710")
    travel_als_s: float = Field(default=480.0, gt=0, le=MAX_SECONDS, description="NFPA 1710")
    ems_response_s: float = Field(
        default=539.0,
        gt=0,
        le=MAX_SECONDS,
        description="8:59 call to on scene, a common contract target (no national standard)",
    )
    police_p1_response_s: float = Field(
        default=315.0, gt=0, le=MAX_SECONDS, description="Local setting; no national standard"
    )
    other_response_s: float = Field(
        default=900.0,
        gt=0,
        le=MAX_SECONDS,
        description="Notified to on scene for other agencies (public works, OEM, federal); "
        "local setting",
    )
    mutual_aid_response_s: float = Field(
        default=1800.0,
        gt=0,
        le=MAX_SECONDS,
        description="Mutual-aid request to the neighbouring agency's first unit on scene; "
        "local setting (agreements commonly expect 30 minutes)",
    )
    command_post_s: float = Field(
        default=120.0,
        gt=0,
        le=MAX_SECONDS,
        description="Command unit on scene to a command post (NIMS: establish command on "
        "arrival); local setting",
    )
    fact_sharing_s: float = Field(
        default=300.0,
        gt=0,
        le=MAX_SECONDS,
        description="A critical fact first known to every agency that needs it; local setting",
    )


class Measure(Model):
    """A measurable capability target over one metric."""

    metric: Metric
    target: float = Field(ge=0, le=1e9)
    at_most: bool = Field(default=True, description="Met when the value is <= target")
    agency: Ident | None = None
    statistic: Literal["percentile", "mean"] | None = Field(
        default=None,
        description="How a time measure's samples are judged: a percentile (the default; "
        "the 90th unless `percentile` says) or the mean, for a local target stated as an "
        "average",
    )
    percentile: float | None = Field(default=None, gt=0, le=100)

    @field_validator("statistic", "percentile")
    @classmethod
    def _timed_only(cls, value: object, info: ValidationInfo) -> object:
        metric = info.data.get("metric")
        count = metric is not None and metric not in TIMED_METRICS
        # A percentile on a count was once accepted and ignored: files recorded with one
        # still load (``validate`` warns); a statistic, new, is refused.
        if value is not None and count and info.field_name == "statistic":
            raise ValueError(f"{metric.value} is not a time: it takes no {info.field_name}")
        mean = info.data.get("statistic") == "mean"
        if info.field_name == "percentile" and value is not None and mean:
            raise ValueError("a mean takes no percentile (statistic: percentile does)")
        return value


class Rating(Model):
    """Share of full credit (the objective's score / 100) each HSEEP rating needs (else U)."""

    performed: float = Field(default=1.0, ge=0, le=1)
    some_challenges: float = Field(default=0.75, ge=0, le=1)
    major_challenges: float = Field(default=0.5, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> "Rating":
        if not self.performed >= self.some_challenges >= self.major_challenges:
            raise ValueError("thresholds must satisfy performed >= some >= major")
        return self


class Objective(Model):
    """An exercise objective in the style of an HSEEP Exercise Evaluation Guide."""

    id: Ident
    title: str
    core_capability: str
    critical_tasks: list[str] = Field(default_factory=list)
    measures: list[Measure] = Field(default_factory=list)
    rating: Rating = Rating()
    weight: float = Field(default=1.0, gt=0, le=MAX_WEIGHT)


class Weights(Model):
    """How the overall score mixes its three parts (normalised over the parts observed)."""

    objectives: float = Field(
        default=0.35, ge=0, le=MAX_WEIGHT, description="The HSEEP objectives' credit"
    )
    outcomes: float = Field(
        default=0.3,
        ge=0,
        le=MAX_WEIGHT,
        description="Lives, incidents resolved, patients cared for, responders safe",
    )
    duties: float = Field(
        default=0.35,
        ge=0,
        le=MAX_WEIGHT,
        description="The agencies' own duties (mean of the role scores)",
    )

    @model_validator(mode="after")
    def _some(self) -> "Weights":
        if self.objectives + self.outcomes + self.duties <= 0:
            raise ValueError("at least one weight must be above zero")
        return self


class Scoring(Model):
    """Targets and objectives the after-action review scores against."""

    targets: Targets = Targets()
    objectives: list[Objective] = Field(default_factory=list)
    weights: Weights = Weights()
