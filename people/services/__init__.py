"""Every write: the proposal workflow and its cycles, levels, reporting lines,
the people import, mail."""
