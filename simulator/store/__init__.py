"""SQLite records of exercises: runs, their events and commands, scores and notes."""
