"""vpndiag: IPsec VPN diagnostics for Cisco IOS / IOS-XE / ASA fleets, built on Nornir."""

__version__ = "0.1.0"
