"""The vpndiag lab: simulated Cisco IOS-XE routers and ASAs served over real SSH on 127.0.0.1.

Layers, each importing only the ones below it (checked by import-linter, see pyproject.toml):

1. assembly: ``fleet`` (routers + network + engines + SSH listeners), ``inventory``,
   ``containerlab``; then ``server`` (SSH) and ``cli`` (one vty session);
2. commands: the ``cmd_*`` modules (``cmd_asa*`` for the ASA, over ``asashow``) and
   ``quirks``, over ``platform`` (prompts, error wording, command tables and configuration
   mode as data), the ``commands`` registers and ``files`` (flash);
3. engines, the fleet's ``Subsystem``s: ``crypto`` (IKE/IPsec, one module per protocol),
   ``nhrp`` (DMVPN: ``nhrpreg`` registration, ``nhrpforward`` the overlay, over ``nhrpctx``) and
   ``failover`` (IP SLA, tracks, EEM via ``eem`` and ``tracking``);
4. ``network`` (the underlay), ``forwarding`` (a router's live routing table), ``device``
   (one router and its typed state: ``sadb``, ``failoverstate``, the running config);
5. pure data: the ASA's configuration and messages (``asacfg``, ``asacrypto``: its crypto
   config as the one ``CryptoConfig``, ``asalog``), configuration readers (``cryptocfg``,
   ``ikev2cfg``, ``failovercfg``, ``routing``, ``configmode``, ``configtree``), ``faults``,
   ``scenario``, ``grammar``, ``pipes``, ``clock``.

Engines never import the CLI: EEM gets its sessions from a factory the fleet passes in, and
commands reach the engines through ``Device.crypto_engine`` / ``Device.underlay``.
"""

import warnings

# Legacy-SSH lab routers negotiate DH group 14 with SHA-1, exactly as IOS 15.x does; the
# cryptography package warns about finite-field DH on every handshake.
warnings.filterwarnings("ignore", message="Diffie-Hellman over finite fields")
