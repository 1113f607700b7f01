"""Security headers on every response: pages, API, static files, errors, redirects, 404s.

A plain ASGI wrapper around the whole application (outside Starlette's error middleware, so
a 500 carries them too: see `app.MedwmsApp`). To each response it adds:

- Content-Security-Policy `POLICY`: scripts, styles and everything else only from our own
  origin, nothing inline — no inline script, no event-handler attribute, no `javascript:` URL,
  no style attribute or <style> element; no plugins, no <base>, never framed, forms post only
  to us. The stations' scripts are files under web/static; the words they need travel in
  <script type="application/json"> blocks, which the browser never runs, so script-src does
  not apply to them. A response that brings its own policy keeps it: only the API docs do
  (api/docs.py, because Swagger UI needs data: images).
- X-Frame-Options DENY (frame-ancestors for older browsers), X-Content-Type-Options nosniff,
  Referrer-Policy strict-origin-when-cross-origin (another site learns our origin, never a
  path with a lot or document number in it).
- Strict-Transport-Security, only on a request that came over HTTPS: the server saw TLS
  (scope scheme https, which uvicorn also sets from X-Forwarded-Proto for the same trusted
  addresses: cli `serve`), or the direct peer is one of `trusted_proxies` and the last
  X-Forwarded-Proto value — the one that proxy wrote — is https. Anyone else's header is
  ignored. Over plain HTTP browsers ignore the header anyway; it is left out so it is never
  a promise we can't keep.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medwms.config import Settings

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; "
          "base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
CSP = b"content-security-policy"
FIXED: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
)
HSTS = b"strict-transport-security"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SecurityHeaders:
    """Add the security headers to every HTTP response of `app`; see the module docstring."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hsts = f"max-age={settings.hsts_seconds}".encode() if settings.hsts_seconds else b""
        self.proxies: tuple[Network, ...] = tuple(
            ipaddress.ip_network(entry, strict=False) for entry in settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = FIXED
        if self.hsts and self.came_over_https(scope):
            added += ((HSTS, self.hsts),)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": with_headers(message.get("headers", []),
                                                              added)}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def came_over_https(self, scope: Scope) -> bool:
        """TLS at this server, or a trusted proxy's word that the client used it."""
        if scope.get("scheme") == "https":
            return True
        client = scope.get("client")
        if not client or not self._trusted(client[0]):
            return False
        said = [v for k, v in scope["headers"] if k == b"x-forwarded-proto"]
        last = said[-1].decode("latin-1").split(",")[-1].strip().lower() if said else ""
        return last == "https"

    def _trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:  # not an address (a test client's name, a unix socket)
            return False
        return any(address in network for network in self.proxies)


def with_headers(headers: Iterable[tuple[bytes, bytes]],
                 added: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """`headers` with `added` in place of any the app set, and the default policy unless the
    response brings its own."""
    added = list(added)
    names = {name for name, _ in added}
    kept = [(k, v) for k, v in headers if k.lower() not in names]
    if not any(k.lower() == CSP for k, _ in kept):
        kept.append((CSP, POLICY.encode()))
    return kept + added
