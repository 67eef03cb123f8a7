"""The vpndiag lab: simulated Cisco IOS-XE routers served over real SSH on 127.0.0.1."""
