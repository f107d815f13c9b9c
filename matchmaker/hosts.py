"""Which Host a request may name, and what to believe from a reverse proxy in front.

Emailed links never come from the request (see urls.py); refusing unknown hosts also keeps
redirects, cookies and caches from being steered by a forged Host header.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import MapAdapter

log = logging.getLogger(__name__)


def base_url_adapter() -> MapAdapter:
    """A URL builder bound to BASE_URL, the service's one public address."""
    base = urlsplit(current_app.config["BASE_URL"])
    return current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )


def init_app(app: Flask) -> None:
    """Refuse untrusted hosts with the error page; believe X-Forwarded-* only when configured."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies > 0:
        # Behind N proxies the client's address, scheme and host are in their headers.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )

    @app.before_request
    def refuse_untrusted_host():
        # Flask records the SecurityError while matching the URL and raises it only at dispatch;
        # raise it before any other hook (session, limiter, database) handles the request.
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception

    @app.errorhandler(SecurityError)
    def untrusted_host(_err):
        log.warning("refused a request for host %r", request.headers.get("Host", "")[:100])
        # The request has no URL adapter (its host was refused): the page's links use BASE_URL's.
        request_ctx.url_adapter = base_url_adapter()
        message = "This service does not answer for that address."
        return render_template(
            "errors/error.html", code=400, title="Unknown host", message=message
        ), 400
