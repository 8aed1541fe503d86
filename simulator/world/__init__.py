"""The world: road graph, routing, closures and the scenario's places on the map."""

from simulator.world.atlas import Atlas, build_atlas
from simulator.world.roads import RoadNetwork
from simulator.world.route import Trip

__all__ = ["Atlas", "RoadNetwork", "Trip", "build_atlas"]
