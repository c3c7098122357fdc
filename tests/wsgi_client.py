"""Requests through bianmin.wsgi.application, the WSGI application gunicorn serves (the ratings' fast lane in front
of Django), where django.test.Client calls Django's handler directly."""
from __future__ import annotations

import io
import json
import sys

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


class WsgiResponse:
    def __init__(self, status: str, headers: list[tuple[str, str]], content: bytes):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        self.content = content

    def json(self):
        return json.loads(self.content)


class WsgiClient:
    def __init__(self, **defaults):
        self.defaults = defaults

    def post(self, path: str, data: str | bytes = b"", content_type: str = "application/json", **extra) -> WsgiResponse:
        from bianmin.wsgi import application

        body = data.encode() if isinstance(data, str) else data
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
                   "SERVER_NAME": "localhost", "SERVER_PORT": "80", "HTTP_HOST": "localhost",
                   "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body)),
                   "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
                   "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
                   "wsgi.version": (1, 0), "REMOTE_ADDR": "127.0.0.1", **self.defaults, **extra}
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers

        # As django.test.Client does: a request must not close the test's connection (its transaction holds the
        # test's data), which Django's request_started/finished signals would do.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            chunks = application(environ, start_response)
            content = b"".join(chunks)
            if hasattr(chunks, "close"):
                chunks.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return WsgiResponse(answer["status"], answer["headers"], content)
