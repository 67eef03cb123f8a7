"""PKI exec commands: ``show crypto pki certificates [verbose] [TRUSTPOINT]``, ``show crypto
pki trustpoints [TRUSTPOINT] status`` and ``show crypto pki crls`` (empty: the lab holds none)."""

from __future__ import annotations

from lab.commands import Session, command
from lab.pki import PkiConfig, read_pki_config
from lab.pkishow import pki_certificates
from lab.pkistatus import trustpoints_status


def _pki(s: Session) -> PkiConfig:
    return s.device.memo("pki", None, lambda: read_pki_config(s.device.running))


@command("show crypto pki certificates [...]")
def show_crypto_pki_certificates(s: Session, args: tuple[str, ...]) -> str:
    words = [a for a in args if a.lower() != "verbose"]
    return pki_certificates(_pki(s), words[0] if words else None)


@command("show crypto pki trustpoints [...]")
def show_crypto_pki_trustpoints(s: Session, args: tuple[str, ...]) -> str:
    words = [a for a in args if a.lower() != "status"]
    return trustpoints_status(_pki(s), words[0] if words else None)


@command("show crypto pki crls")
def show_crypto_pki_crls(s: Session, args: tuple[str, ...]) -> str:
    return ""
