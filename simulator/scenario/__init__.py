"""Scenario files: schema, loading and validation. Imports nothing else of ours."""

from simulator.scenario.loader import load, parse
from simulator.scenario.model import Scenario
from simulator.scenario.problem import Problem, ScenarioError

__all__ = ["Problem", "Scenario", "ScenarioError", "load", "parse"]
