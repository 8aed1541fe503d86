"""The interactive map view: the only part of the simulator that imports pygame.

It reads what the trainee's agencies know (``picture.py``) and the event stream, and
turns mouse and keys into commands (``actions.py``); it never changes the engine
otherwise. See docs/view.md.
"""

import os

# pygame greets on import; a trainee's terminal and the headless fallback stay quiet.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
