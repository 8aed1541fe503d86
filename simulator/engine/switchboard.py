"""911 calls: callers reach a PSAP, wait for a call-taker, and become CAD incidents.

Call-takers are a simpy Resource per PSAP, so a surge of calls queues realistically.
A call can reach the wrong PSAP and must be transferred, which takes time.
"""

import numpy as np
import simpy

from simulator.engine.awareness import Awareness
from simulator.engine.comms import Network
from simulator.engine.hoaxes import Hoaxes
from simulator.engine.incident import Incident
from simulator.engine.incidents import Incidents
from simulator.engine.kernel import Kernel
from simulator.engine.roster import Roster
from simulator.events import Event
from simulator.scenario.vocabulary import AgencyKind

# Agencies whose PSAP takes 911 calls (and so can receive one by mistake).
ANSWERING = frozenset({AgencyKind.POLICE, AgencyKind.FIRE, AgencyKind.EMS})


class Switchboard:
    """The exercise's 911 system: call arrival, queueing, transfer and call-taking."""

    def __init__(
        self,
        kernel: Kernel,
        roster: Roster,
        incidents: Incidents,
        awareness: Awareness,
        network: Network,
        hoaxes: Hoaxes,
    ) -> None:
        self.kernel = kernel
        self.roster = roster
        self.incidents = incidents
        self.awareness = awareness
        self.network = network
        self.hoaxes = hoaxes
        self.takers = {
            agency.id: simpy.Resource(self.kernel.env, capacity=agency.psap.call_takers)
            for agency in self.roster.agency_specs()
        }
        self._timing = self.kernel.streams.get("calls")
        self._misroute = self.kernel.streams.get("misroute")
        self._processing = self.kernel.streams.get("call_processing")
        self._count = 0

    def started(self, event: Event) -> None:
        """A new incident's calls begin (a watcher of ``incident.started``)."""
        self.place_calls(self.incidents[event.incident or ""])

    def place_calls(self, incident: Incident) -> None:
        """Schedule the calls an incident produces, spread as the inject says."""
        calls = incident.spec.calls
        intended = calls.agency or incident.lead
        offsets = [0.0]
        if calls.count > 1:
            offsets += sorted(self._timing.uniform(0.0, calls.spread, calls.count - 1).tolist())
        offsets = [calls.after + offset for offset in offsets]  # found first by other means
        settings = self.roster.scenario.settings
        others = [
            a.id
            for a in self.roster.agency_specs()
            if a.is_home and a.kind in ANSWERING and a.id != intended
        ]
        for offset in offsets:
            self._count += 1
            call_id = f"C{self._count}"
            psap = intended
            if others and self._misroute.random() < settings.misroute_probability:
                psap = others[int(self._misroute.integers(len(others)))]
            self.kernel.env.process(self._call(incident, call_id, psap, intended, offset))

    def _call(self, incident: Incident, call_id: str, psap: str, intended: str, delay: float):
        env = self.kernel.env
        if delay > 0:
            yield env.timeout(delay)
        self.kernel.emit("call.received", agency=psap, incident=incident.id, call=call_id)
        yield from self._answer_and_handle(incident, call_id, psap, intended)

    def _answer_and_handle(self, incident: Incident, call_id: str, psap: str, intended: str):
        env = self.kernel.env
        spec = self.roster.agency(psap).psap
        arrived = env.now
        with self.takers[psap].request() as request:
            yield request
            yield env.timeout(spec.ring_seconds)
            self.kernel.emit(
                "call.answered",
                agency=psap,
                incident=incident.id,
                call=call_id,
                wait=round(env.now - arrived, 3),
            )
            if psap != intended:
                yield env.timeout(self.roster.scenario.settings.transfer_seconds)
                self.kernel.emit(
                    "call.transferred", agency=psap, incident=incident.id, call=call_id, to=intended
                )
            else:
                manual = psap in self.network.cad_down
                factor = self.roster.scenario.settings.manual_processing_factor if manual else 1.0
                yield env.timeout(
                    factor * self._processing_time(spec.processing_seconds, spec.processing_spread)
                )
        if psap != intended:
            yield from self._answer_and_handle(incident, call_id, intended, intended)
            return
        if self.awareness.cads[psap].knows(incident.id):
            self.kernel.emit("call.duplicate", agency=psap, incident=incident.id, call=call_id)
            return
        self.kernel.emit("call.processed", agency=psap, incident=incident.id, call=call_id)
        self.hoaxes.processed(psap, incident.id, call_id)
        self.awareness.learn_from_call(psap, incident)

    def _processing_time(self, mean: float, sigma: float) -> float:
        # Log-normal with the given mean: mu = ln(mean) - sigma^2 / 2.
        if sigma == 0:
            return mean
        return float(self._processing.lognormal(np.log(mean) - sigma * sigma / 2, sigma))
