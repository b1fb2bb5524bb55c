"""Response headers (a strict Content-Security-Policy among them), locale and Socket.IO origins."""

from __future__ import annotations

from flask import Flask, Response, current_app, has_request_context, request

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
    """Add the security headers to every response; believe forwarded addresses only from the
    number of reverse proxies the deployment says it has."""
    app.after_request(add_security_headers)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def add_security_headers(response: Response) -> Response:
    """No inline script, no framing, no sniffing; join codes in URLs never leak as a Referer."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if "text/html" in response.content_type:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def pick_locale() -> str | None:
    """The reader's preferred language among those fttm speaks (the default outside a request)."""
    if not has_request_context():
        return None
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def socket_origins(app: Flask) -> list[str] | None:
    """Origins allowed to open a Socket.IO connection; None means the page's own origin only."""
    origins = list(app.config["ALLOWED_ORIGINS"])
    if app.config["PUBLIC_URL"]:
        origins.append(app.config["PUBLIC_URL"].rstrip("/"))
    return origins or None
