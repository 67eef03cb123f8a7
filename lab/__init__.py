"""The vpndiag lab: simulated Cisco IOS-XE routers served over real SSH on 127.0.0.1."""

import warnings

# Legacy-SSH lab routers negotiate DH group 14 with SHA-1, exactly as IOS 15.x does; the
# cryptography package warns about finite-field DH on every handshake.
warnings.filterwarnings("ignore", message="Diffie-Hellman over finite fields")
