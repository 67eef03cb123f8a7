"""The ``vpndiag`` command line (the only layer that prints)."""
