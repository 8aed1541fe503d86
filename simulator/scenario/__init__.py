"""Scenario files: schema, loading and validation. Imports nothing else of ours.

The names below load on first use (PEP 562), so a light submodule such as ``timing``
can be imported without building every pydantic model (the CLI's ``--help`` does).
"""

import importlib

_HOME = {
    "Problem": "simulator.scenario.problem",
    "ScenarioError": "simulator.scenario.problem",
    "Scenario": "simulator.scenario.model",
    "load": "simulator.scenario.loader",
    "parse": "simulator.scenario.loader",
}

__all__ = ["Problem", "Scenario", "ScenarioError", "load", "parse"]


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module 'simulator.scenario' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
