"""The recording proxy's filter: Chromium's own calls are set aside, anything a page could load
(fonts, CDNs, lookalike names, loopback) is kept."""

from __future__ import annotations

import pytest

from tests.browser.chromium import browser_own, request_host


@pytest.mark.parametrize(
    ("line", "own"),
    [
        ("CONNECT android.clients.google.com:443 HTTP/1.1", True),
        ("CONNECT accounts.google.com:443 HTTP/1.1", True),
        ("GET http://clients2.google.com/service/update2 HTTP/1.1", True),
        ("CONNECT fonts.googleapis.com:443 HTTP/1.1", False),
        ("CONNECT fonts.gstatic.com:443 HTTP/1.1", False),
        ("GET http://evilgoogle.com/x.js HTTP/1.1", False),
        ("GET http://127.0.0.1:8000/a.css HTTP/1.1", False),
    ],
)
def test_only_chromium_own_services_are_set_aside(line: str, own: bool) -> None:
    assert browser_own(request_host(line)) is own
