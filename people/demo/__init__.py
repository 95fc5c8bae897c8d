"""The demo organisation and its history, loaded by ``manage.py seed_demo``."""
