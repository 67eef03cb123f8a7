"""Dual-ISP failover: a typed spec, rendered to IOS config, linted, pushed safely with napalm."""
