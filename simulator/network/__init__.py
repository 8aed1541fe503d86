"""Networked exercises: one authoritative server, one WebSocket seat per agency.

``host.py`` runs the exercise and hands each seat only what its agency knows
(``roles.py``, ``state.py``); ``link.py`` is a seat's connection, ``mirror.py`` the
read-only stand-in for ``Exercise`` that players and the map view read on the client.
The message protocol is ``protocol.py``, documented in docs/network.md.
"""
