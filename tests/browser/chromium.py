"""Headless Chromium (the Debian ``chromium`` package) for the HTML report test: installed where
missing, run with every request sent to a recording proxy on 127.0.0.1, so a page that loads
anything from the network is caught, not merely slowed down."""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path

from tests.debian import debian_tool

# A report must reach nothing: Chromium's own background traffic is turned off so that any
# request the proxy sees came from the page.
QUIET = [
    "--headless",
    "--no-sandbox",  # the tests may run as root, which Chromium's sandbox refuses
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-client-side-phishing-detection",
    "--disable-domain-reliability",
    "--no-pings",
    "--safebrowsing-disable-auto-update",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,"
    "AutofillServerCommunication,CertificateTransparencyComponentUpdater,DialMediaRouteProvider",
    "--allow-file-access-from-files",  # a frame of a local page reports to the page around it
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium() -> str:
    """The browser's path; installs the Debian package when it is missing and we may."""
    return debian_tool("chromium", "chromium")


# Chromium itself still calls Google's own services (sign-in, search warm-up, the Android
# client check: www., accounts., clients2., android.clients.google.com were seen) whatever the
# flags; a report never names them (its HTML is checked for any URL separately), so they are
# not the page's. Web fonts and CDNs live elsewhere (fonts.googleapis.com, gstatic.com...).
BROWSER_OWN_DOMAIN = ".google.com"


def browser_own(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name == BROWSER_OWN_DOMAIN[1:] or name.endswith(BROWSER_OWN_DOMAIN)


def request_host(line: str) -> str:
    """``CONNECT host:443 HTTP/1.1`` -> host:443; ``GET http://host/path ...`` -> host."""
    target = line.split(" ")[1] if " " in line else line
    return target.split("://", 1)[-1].split("/", 1)[0]


class RecordingProxy:
    """Accepts connections on 127.0.0.1 and keeps each request line; answers nothing useful."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(4096).decode("latin-1").split("\r\n")[0])
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def page_requests(self) -> list[str]:
        # A connection that sent nothing is Chromium preconnecting a spare socket to its proxy
        # (it does so on some machines, not others); a fetch always writes a request line.
        sent = [r for r in self.requests if r]
        return [r for r in sent if not browser_own(request_host(r))]

    def close(self) -> None:
        self._sock.close()
        self._thread.join(timeout=5)


def run_chromium(
    browser: str, proxy: RecordingProxy, page: Path, width: int, height: int, *args: str
) -> subprocess.CompletedProcess[str]:
    command = [
        browser,
        *QUIET,
        f"--proxy-server=http://127.0.0.1:{proxy.port}",
        "--proxy-bypass-list=<-loopback>",  # loopback through the proxy too
        f"--user-data-dir={page.parent / f'profile-{width}'}",
        f"--window-size={width},{height}",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
