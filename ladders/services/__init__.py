"""Every write to ladders: versions (import, drafts, publishing) and editing a draft."""
