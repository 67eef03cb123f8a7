"""IKE and IPsec of the simulated fleet, one module per protocol.

``engine`` (the fleet subsystem: timers, dispatch) sits on top of ``actions`` (clear, ping),
``dpd``, ``esp`` (the data plane) and ``ikev1``; ``ikev1`` joins ``mainmode`` and
``aggressive`` (over ``phase1``) with ``quickmode``; everything shares ``context`` (clock,
underlay, debug lines); ``tunnelshut`` (a tunnel interface shut or
brought back) sits between ``engine`` and ``actions``. State lives in each router's SA database (``lab.sadb``). A second
IKE version plugs in beside ``ikev1`` through ``versions.IkeVersion``.
"""
