"""Exercise-owned random streams, one per purpose.

Each purpose's Generator is spawned from the exercise seed and a key derived from the
purpose's name, so adding a purpose (or a unit) never shifts another stream.
"""

import zlib

import numpy as np


class Streams:
    """Named numpy Generators derived from one seed."""

    def __init__(self, seed: int):
        self.seed = seed
        self._generators: dict[str, np.random.Generator] = {}

    def get(self, purpose: str) -> np.random.Generator:
        """The Generator for a purpose, created on first use."""
        generator = self._generators.get(purpose)
        if generator is None:
            key = zlib.crc32(purpose.encode("utf-8"))
            sequence = np.random.SeedSequence(self.seed, spawn_key=(key,))
            generator = np.random.Generator(np.random.PCG64(sequence))
            self._generators[purpose] = generator
        return generator
