"""Nornir tasks: the only code that talks to devices."""
