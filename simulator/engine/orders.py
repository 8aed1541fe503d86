"""Carrying out commands: check everything first, then change state, or change nothing.

``Orders`` answers each command type with the handler of the desk that owns it:
``tasking.py`` (orders for units), ``signals.py`` (messages, shares, patches, mutual
aid), ``ground.py`` (roads, staging areas, command posts), ``control.py`` (the
controller's hand on the script), and the subsystems that take their own commands
(operations, the public, hoax checks). See ``verdict.py`` for what a handler returns.
"""

from collections.abc import Callable

from simulator.commands import CommandBase, ControllerCommand
from simulator.engine.roster import Roster
from simulator.engine.verdict import Verdict

Handlers = dict[type, Callable[[CommandBase], Verdict]]


class Orders:
    """Validates and applies commands against the engine's state."""

    def __init__(self, roster: Roster, tables: list[Handlers]) -> None:
        self.roster = roster
        self._handlers: Handlers = {}
        for table in tables:
            self._handlers.update(table)

    def check(self, command: CommandBase) -> Verdict:
        """The reason a command cannot be carried out, or the change that carries it out."""
        # A controller's command names no agency (its type fixes it as "controller").
        if not self.roster.has_agency(command.agency) and not isinstance(
            command, ControllerCommand
        ):
            return f"unknown agency {command.agency!r}", None
        return self._handlers[type(command)](command)
