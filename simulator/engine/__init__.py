"""The discrete-event engine (simpy): units, incidents, calls, on-scene work."""
