"""PKI exec commands: ``show crypto pki certificates [verbose] [TRUSTPOINT]``."""

from __future__ import annotations

from lab.commands import Session, command
from lab.pki import read_pki_config
from lab.pkishow import pki_certificates


@command("show crypto pki certificates [...]")
def show_crypto_pki_certificates(s: Session, args: tuple[str, ...]) -> str:
    words = [a for a in args if a.lower() != "verbose"]
    pki = s.device.memo("pki", None, lambda: read_pki_config(s.device.running))
    return pki_certificates(pki, words[0] if words else None)
