"""Turning a scenario's map block into a road network."""

import math

import networkx as nx

from simulator.scenario.roadmap import ExplicitMap, GeneratedMap
from simulator.world.city import KMH, generate


def road_graph(spec: ExplicitMap | GeneratedMap) -> nx.DiGraph:
    """The directed road graph a map block describes (edges carry length and speed)."""
    if isinstance(spec, GeneratedMap):
        return generate(spec)
    graph = nx.DiGraph()
    for node in sorted(spec.nodes, key=lambda n: n.id):
        graph.add_node(node.id, x=node.x, y=node.y, district=node.district or "")
    for edge in spec.edges:
        if edge.source not in graph or edge.target not in graph:
            continue  # reported by the map check
        a, b = graph.nodes[edge.source], graph.nodes[edge.target]
        length = edge.length or math.hypot(b["x"] - a["x"], b["y"] - a["y"]) or 1.0
        attrs = {"length": length, "speed": edge.speed_kmh * KMH, "name": edge.name or ""}
        graph.add_edge(edge.source, edge.target, arterial=False, **attrs)
        if not edge.oneway:
            graph.add_edge(edge.target, edge.source, arterial=False, **attrs)
    return graph
