"""Every form a person fills in or a page reads its query through."""
