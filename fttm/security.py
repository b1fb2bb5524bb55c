"""Response headers (a strict Content-Security-Policy among them), locale and Socket.IO origins."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Add the security headers to every response, Socket.IO's included; believe forwarded
    addresses only from the number of reverse proxies the deployment says it has."""
    app.after_request(add_security_headers)
    # Socket.IO answers outside Flask (its middleware never reaches after_request).
    app.wsgi_app = SocketHeaders(app.wsgi_app, page_headers(app.config["SESSION_COOKIE_SECURE"]))
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def page_headers(secure: bool) -> list[tuple[str, str]]:
    """No inline script, no framing, no sniffing; join codes in URLs never leak as a Referer;
    served over HTTPS (secure cookies), browsers are told to stay on HTTPS."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if secure:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


# Our own scripts and stylesheets are never documents: a Content-Security-Policy, framing,
# referrer or permissions policy does nothing on them (browsers apply those to the page that loads
# them), while a phone on a poor network pays for the bytes on each of some twenty files. They
# keep `nosniff`, which is what matters for a script or a stylesheet.
SUBRESOURCE_TYPES = ("text/javascript", "application/javascript", "text/css")


def add_security_headers(response: Response) -> Response:
    """Every page's security headers; HTML is never cached (it may name the family)."""
    if request.endpoint == "static" and response.mimetype in SUBRESOURCE_TYPES:
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    for name, value in page_headers(current_app.config["SESSION_COOKIE_SECURE"]):
        response.headers[name] = value
    if "text/html" in response.content_type:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class SocketHeaders:
    """WSGI middleware: every answer under /socket.io/ (the long-polling handshake, its polls and
    posts, its errors) carries the page headers too, and is never cached: a poll carries board
    HTML."""

    PREFIX = "/socket.io"

    def __init__(self, wsgi_app, headers: list[tuple[str, str]]) -> None:
        self.wsgi_app = wsgi_app
        self.headers = [*headers, ("Cache-Control", "no-store")]

    def __call__(self, environ, start_response):
        """Pass the request on; add the headers to Socket.IO's answer as it starts."""
        if not environ.get("PATH_INFO", "").startswith(self.PREFIX):
            return self.wsgi_app(environ, start_response)

        def start_with_headers(status, headers, exc_info=None):
            if not status.startswith("101"):  # a WebSocket upgrade is not a page
                present = {name.lower() for name, _value in headers}
                headers = [*headers, *((n, v) for n, v in self.headers if n.lower() not in present)]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def socket_origins(app: Flask) -> list[str] | None:
    """Origins allowed to open a Socket.IO connection; None means the page's own origin only."""
    origins = list(app.config["ALLOWED_ORIGINS"])
    if app.config["PUBLIC_URL"]:
        origins.append(app.config["PUBLIC_URL"].rstrip("/"))
    return origins or None
