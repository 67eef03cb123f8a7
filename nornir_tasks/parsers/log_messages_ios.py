"""Catalogue entries of IOS / IOS-XE syslog messages: crypto, IPsec, track, IP SLA, EEM."""

from __future__ import annotations

from nornir_tasks.parsers.log_sources import (
    CISCOARTICLES,
    CISCONEWS,
    DMVPN_WRITEUP,
    DOC_5409,
    DOC_115801,
    DOC_116858,
    EZVPN_BLOG,
    FIELD_GUIDE,
    IPSLA_THRESHOLDS,
    LAB_CAPTURES,
    NETWORKDONGLE_SLA,
    SIEM_CRYPTOTUNNEL,
    V4,
    K,
    Message,
    ios,
)

IOS_MESSAGES: tuple[Message, ...] = (
    # IOS / IOS-XE crypto
    ios(
        "CRYPTO",
        "RECVD_PKT_INV_SPI",
        K.INVALID_SPI,
        "ESP arrived on an SPI this router has no SA for: the SAs are out of sync (one end cleared "
        "or rebooted); rate-limited to one a minute, one during a rekey is normal.",
        ("IPSEC_INVALID_SPI",),
        DOC_115801,
        # a redacting paste pads the hidden addresses: "destaddr= Z.Z.Z.Z , prot=50"
        rf"destaddr=\s*(?P<local>{V4})\s*, prot=(?P<protocol>\d+), spi=(?P<spi>0x[0-9A-F]+)"
        rf"(?:\(\d+\))?, srcaddr=\s*(?P<peer>{V4})",
    ),
    ios(
        "CRYPTO",
        "IKMP_BAD_MESSAGE",
        K.BAD_MESSAGE,
        "An IKE message failed its sanity check: in main mode, almost always a pre-shared key "
        "mismatch (MSG5 decrypted with the wrong key).",
        ("IKE_P1_PSK_MISMATCH",),
        DOC_5409,
        rf"IKE message from (?P<peer>{V4}) failed its sanity check",
    ),
    ios(
        "CRYPTO",
        "PKT_REPLAY_ERR",
        K.REPLAY_ERROR,
        "ESP dropped by the anti-replay check: packets reordered beyond the window (QoS after "
        "encryption, multipath).",
        ("IPSEC_REPLAY_DROPS",),
        DOC_116858,
        r"connection id=(?P<connection_id>\d+)",
    ),
    ios(
        "IPSEC",
        "REPLAY_ERROR",
        K.REPLAY_ERROR,
        "IOS-XE data plane form of the anti-replay drop.",
        ("IPSEC_REPLAY_DROPS",),
        DOC_116858,
        rf"src_addr (?P<peer>{V4}).*?SPI (?P<spi>0x[0-9a-f]+)",
    ),
    ios(
        "CRYPTO",
        "RECVD_PKT_MAC_ERR",
        K.MAC_VERIFY_FAILED,
        "ESP failed its HMAC check: corruption on the path or a crypto engine fault.",
        (),
        DOC_5409,
    ),
    ios(
        "CRYPTO",
        "RECVD_PKT_NOT_IPSEC",
        K.NOT_IPSEC,
        "Clear-text traffic arrived that the crypto ACL says should have been encrypted: the "
        "peer does not encrypt it (ACL, NAT or SA down there; GRE from a tunnel without "
        "protection; multicast, which IPsec does not carry).",
        ("IPSEC_CLEARTEXT_RECEIVED",),
        FIELD_GUIDE,
        # (ip) vrf/dest_addr= /203.0.113.2, src_addr= 198.51.100.2, prot= 47
        rf"dest_addr= ?/?(?P<dest>[0-9A-Fa-f:.]+), src_addr= ?(?P<peer>{V4}), prot= ?(?P<prot>\d+)",
    ),
    ios(
        "CRYPTO",
        "IKMP_MODE_FAILURE",
        K.MODE_FAILURE,
        "Main, aggressive or quick mode failed with the named peer; the debug says why.",
        ("IKE_P1_POLICY_MISMATCH", "IKE_P2_PROPOSAL_MISMATCH", "IKE_P2_PROXY_MISMATCH"),
        CISCONEWS,
        rf"Processing of (?P<mode>\w+) mode failed with peer at (?P<peer>{V4})",
    ),
    ios(
        "CRYPTO",
        "IKMP_NO_SA",
        K.NO_SA,
        "The peer talks to an IKE SA this router no longer has (cleared or rebooted).",
        ("IKE_NO_SA",),
        FIELD_GUIDE,
        rf"IKE message from (?P<peer>{V4}) has no SA",
    ),
    ios(
        "CRYPTO",
        "IKMP_AUTH_FAIL",
        K.AUTH_FAILED,
        "IKE authentication failed (pre-shared key or certificate).",
        ("IKE_P1_PSK_MISMATCH",),
        CISCOARTICLES,
        rf"Authentication method (?P<method>\d+) failed with host (?P<peer>{V4})",
    ),
    ios(
        "CRYPTO",
        "IKMP_NOT_ENCRYPTED",
        K.SYSLOG,
        "An IKE packet arrived in clear that should have been encrypted: the ends disagree on "
        "the SA state.",
        ("IKE_NO_SA",),
        CISCOARTICLES,
        rf"from (?P<peer>{V4})",
    ),
    ios(
        "CRYPTO",
        "IKMP_SA_NOT_OFFERED",
        K.SYSLOG,
        "The responder chose an attribute the initiator never offered.",
        ("IKE_P1_POLICY_MISMATCH",),
        CISCONEWS,
    ),
    ios(
        "CRYPTO",
        "IKMP_AG_MODE_DISABLED",
        K.SYSLOG,
        "Aggressive mode is disabled here (crypto isakmp aggressive-mode disable): every AM1 is "
        "dropped; the message names no peer.",
        ("IKE_P1_AGGRESSIVE_REFUSED",),
        LAB_CAPTURES,
    ),
    ios(
        "CRYPTO",
        "ISAKMP_ON_OFF",
        K.SYSLOG,
        "ISAKMP was switched on or off (the first / last crypto map or tunnel protection "
        "appeared or went).",
        (),
        LAB_CAPTURES,
        r"ISAKMP is (?P<state>ON|OFF)",
    ),
    ios(
        "CRYPTO",
        "SESSION_STATUS",
        K.SESSION_DOWN,
        "Crypto session up or down (crypto logging session); two downs for one peer are a flap.",
        ("TUNNEL_FLAPPING",),
        FIELD_GUIDE,
        r"Crypto tunnel (?P<tunnel>\S+) is (?P<state>UP|DOWN)\.\s+Peer (?P<peer>[0-9A-Fa-f:.]{2,45}?)"
        r":(?P<port>\d+)",
    ),
    ios(
        "CRYPTO",
        "EZVPN_CONNECTION_UP",
        K.SESSION_UP,
        "An Easy VPN client's tunnel to its server came up (mode config done, SAs installed).",
        (),
        EZVPN_BLOG,
        # (Client) User=ra2 Group=ra2_grp Client_public_addr=172.16.30.1 Server_public_addr=10.1.1.1
        rf"Client_public_addr=(?P<local>{V4})\s+Server_public_addr=(?P<peer>{V4})",
    ),
    ios(
        "CRYPTO",
        "IKEV2_SESSION_STATUS",
        K.SESSION_DOWN,
        "IKEv2 crypto session up or down (IOS-XE, with crypto logging); two downs for one peer "
        "are a flap. Only whether it went down, never why: the cause is in the counters "
        "(show crypto ikev2 stats exchange) or a debug.",
        ("TUNNEL_FLAPPING",),
        SIEM_CRYPTOTUNNEL,
        r"Crypto tunnel (?P<tunnel>\S+) is (?P<state>UP|DOWN)\.\s+Peer (?P<peer>[0-9A-Fa-f:.]{2,45}?)"
        r":(?P<port>\d+)",
    ),
    # failover
    ios(
        "TRACK",
        "STATE",
        K.TRACK_STATE,
        "A track object changed state: routes and EEM applets that follow it switch path.",
        ("TRACK_DOWN",),
        LAB_CAPTURES,
        r"(?P<object>\d+) (?P<tracked>.*?)\s+(?P<old>Up|Down)\s*->\s*(?P<new>Up|Down)",
    ),
    ios(
        "TRACKING",
        "STATE",
        K.TRACK_STATE,
        "Older IOS name of the track state change.",
        ("TRACK_DOWN",),
        LAB_CAPTURES,
        r"(?P<object>\d+) (?P<tracked>.*?)\s+(?P<old>Up|Down)\s*->\s*(?P<new>Up|Down)",
    ),
    ios(
        "RTT",
        "OPER_TIMEOUT",
        K.SLA_THRESHOLD,
        "An IP SLA operation timed out (reaction 'timeout' configured): the probe target is "
        "unreachable the way the probe goes; a track on it goes down after its delay.",
        ("TRACK_DOWN",),
        NETWORKDONGLE_SLA,
        r"entry number = (?P<sla>\d+)",
    ),
    ios(
        "RTT",
        "IPSLATHRESHOLD",
        K.SLA_THRESHOLD,
        "An IP SLA reaction condition occurred or cleared (timeout, rtt over threshold, ...); "
        "'ip sla logging traps' makes it log.",
        ("TRACK_DOWN",),
        IPSLA_THRESHOLDS,
        r"IP SLAs\((?P<sla>\d+)\): Threshold (?P<state>\w+) for (?P<condition>\w+)",
    ),
    ios(
        "HA_EM",
        "LOG",
        K.EEM_LOG,
        "An EEM applet's 'action syslog': proof the applet ran.",
        (),
        LAB_CAPTURES,
        r"(?P<applet>[\w.-]+):",
    ),
    # DMVPN: the spoke's side (capture code_iosxe_logging_dmvpn_nhs_down_registration_failure);
    # the hub's DMVPN_NHRP_ERROR wording as a lab write-up reproduces it (iol-xe 17.15.1)
    ios(
        "DMVPN",
        "CRYPTO_SS",
        K.SYSLOG,
        "A DMVPN crypto socket (one NBMA peer's IPsec SA pair) came up or went down.",
        (),
        LAB_CAPTURES,
        rf"local address : (?P<local>{V4}) remote address : (?P<peer>{V4}) socket is (?P<state>\w+)",
    ),
    ios(
        "DMVPN",
        "NHRP_NHS_DOWN",
        K.SYSLOG,
        "A spoke's next hop server is down: its socket went (External) or its registration was "
        "not answered (NHRP Registration Failure: wrong server address, authentication string).",
        ("NHRP_NHS_ADDRESS_WRONG", "NHRP_AUTH_MISMATCH", "NHRP_REGISTRATION_FAILED"),
        LAB_CAPTURES,
        rf"Next Hop Server : \(Tunnel: \S+ NBMA: (?P<peer>{V4}) \) for \(Tunnel: \S+ NBMA: "
        rf"(?P<local>{V4})\) is DOWN, Reason: (?P<reason>[^(]+)",
    ),
    ios(
        "DMVPN",
        "DMVPN_NHRP_ERROR",
        K.SYSLOG,
        "The hub cannot take an NHRP packet: a wrong authentication string, or a registration "
        "for another server address (NHRP Encap Error).",
        ("NHRP_NHS_ADDRESS_WRONG", "NHRP_AUTH_MISMATCH"),
        DMVPN_WRITEUP,
        r"(?P<error>.+?) for  (?P<packet>[\w ]+?) , Reason:  (?P<reason>.+?) on",
    ),
)
