"""Automated agency players (the simulation cell): clients of the exercise API."""

from simulator.players.sop import SopPlayer, attach_players

__all__ = ["SopPlayer", "attach_players"]
