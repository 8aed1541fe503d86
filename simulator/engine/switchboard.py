"""911 calls: callers reach a PSAP, wait for a call-taker, and become CAD incidents.

Call-takers are a simpy Resource per PSAP, so a surge of calls queues realistically.
A call can reach the wrong PSAP and must be transferred, which takes time.
"""

from typing import TYPE_CHECKING

import numpy as np
import simpy

from simulator.engine.incident import Incident
from simulator.scenario.vocabulary import AgencyKind

if TYPE_CHECKING:
    from simulator.engine.core import Engine

# Agencies whose PSAP takes 911 calls (and so can receive one by mistake).
ANSWERING = frozenset({AgencyKind.POLICE, AgencyKind.FIRE, AgencyKind.EMS})


class Switchboard:
    """The exercise's 911 system: call arrival, queueing, transfer and call-taking."""

    def __init__(self, engine: "Engine"):
        self.engine = engine
        self.takers = {
            agency.id: simpy.Resource(engine.env, capacity=agency.psap.call_takers)
            for agency in engine.agency_specs()
        }
        self._timing = engine.streams.get("calls")
        self._misroute = engine.streams.get("misroute")
        self._processing = engine.streams.get("call_processing")
        self._count = 0

    def place_calls(self, incident: Incident) -> None:
        """Schedule the calls an incident produces, spread as the inject says."""
        calls = incident.spec.calls
        intended = calls.agency or incident.lead
        offsets = [0.0]
        if calls.count > 1:
            offsets += sorted(self._timing.uniform(0.0, calls.spread, calls.count - 1).tolist())
        settings = self.engine.scenario.settings
        others = [
            a.id
            for a in self.engine.agency_specs()
            if a.is_home and a.kind in ANSWERING and a.id != intended
        ]
        for offset in offsets:
            self._count += 1
            call_id = f"C{self._count}"
            psap = intended
            if others and self._misroute.random() < settings.misroute_probability:
                psap = others[int(self._misroute.integers(len(others)))]
            self.engine.env.process(self._call(incident, call_id, psap, intended, offset))

    def _call(self, incident: Incident, call_id: str, psap: str, intended: str, delay: float):
        engine = self.engine
        env = engine.env
        if delay > 0:
            yield env.timeout(delay)
        engine.emit("call.received", agency=psap, incident=incident.id, call=call_id)
        yield from self._answer_and_handle(incident, call_id, psap, intended)

    def _answer_and_handle(self, incident: Incident, call_id: str, psap: str, intended: str):
        engine = self.engine
        env = engine.env
        spec = engine.agency(psap).psap
        arrived = env.now
        with self.takers[psap].request() as request:
            yield request
            yield env.timeout(spec.ring_seconds)
            engine.emit(
                "call.answered",
                agency=psap,
                incident=incident.id,
                call=call_id,
                wait=round(env.now - arrived, 3),
            )
            if psap != intended:
                yield env.timeout(engine.scenario.settings.transfer_seconds)
                engine.emit(
                    "call.transferred", agency=psap, incident=incident.id, call=call_id, to=intended
                )
            else:
                manual = psap in engine.network.cad_down
                factor = engine.scenario.settings.manual_processing_factor if manual else 1.0
                yield env.timeout(
                    factor * self._processing_time(spec.processing_seconds, spec.processing_spread)
                )
        if psap != intended:
            yield from self._answer_and_handle(incident, call_id, intended, intended)
            return
        if engine.cads[psap].knows(incident.id):
            engine.emit("call.duplicate", agency=psap, incident=incident.id, call=call_id)
            return
        engine.emit("call.processed", agency=psap, incident=incident.id, call=call_id)
        engine.hoaxes.processed(psap, incident.id, call_id)
        engine.learn_from_call(psap, incident)

    def _processing_time(self, mean: float, sigma: float) -> float:
        # Log-normal with the given mean: mu = ln(mean) - sigma^2 / 2.
        if sigma == 0:
            return mean
        return float(self._processing.lognormal(np.log(mean) - sigma * sigma / 2, sigma))
