"""A message being written: who may send it to whom, about what, of which kind.

The text-entry overlay (``compose.Compose``) edits a ``Draft``; ``Draft.command``
turns the trainee's choice into the ``SendMessage`` the engine takes. Only recipients
the engine could accept are listed (a known agency, a channel the sending agency is
on), so what the trainee picks is what is sent. A PIO's public statement is written
in the same overlay: its ``statement`` is the order with the drafted words, which
the trainee may change before it is issued.
"""

from dataclasses import dataclass

from simulator.commands import CommandBase, PublicStatement, SendMessage

# The kinds of free-text message the engine knows (``SendMessage.kind``).
KINDS: tuple[str, ...] = ("sitrep", "resource_request", "assignment")
KIND_LABELS = {
    "sitrep": "information (sitrep)",
    "resource_request": "resource request",
    "assignment": "tasking (assignment)",
}
MAX_TEXT = 500  # SendMessage.text's max_length


@dataclass(frozen=True)
class Recipient:
    """One way to address the message, and from which of the trainee's agencies.

    It goes to another agency (``to``) or onto a channel the agency is on.
    """

    agency: str
    to: str | None
    channel: str | None
    label: str


@dataclass(frozen=True)
class Draft:
    """What the overlay starts from.

    A title, the recipients to choose among, and the kind, incident and text to start
    with; for a public statement, the statement to issue with the words written.
    """

    title: str
    recipients: tuple[Recipient, ...]
    kind: str = "sitrep"
    incident: str | None = None
    text: str = ""
    statement: PublicStatement | None = None

    def command(self, recipient: Recipient, kind: str, text: str) -> CommandBase:
        """The order for the engine (pydantic checks the text's length)."""
        if self.statement is not None:
            return PublicStatement.model_validate({**self.statement.model_dump(), "text": text})
        return SendMessage(
            agency=recipient.agency,
            to=recipient.to,
            channel=recipient.channel,
            kind=kind,  # type: ignore[arg-type]  (one of KINDS)
            incident=self.incident,
            text=text,
        )
