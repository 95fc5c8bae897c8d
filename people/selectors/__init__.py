"""Reads several pages share: targets, what waits for a person, the queue, insights."""
