"""How an Open311 answer goes on the wire: the GeoReport v2 JSON, or the XML the spec defines beside it, and the
CORS headers of the public (read-only) answers.

A view returns an `Answer` (the data plus the XML element names the spec gives it); `render` writes it in the
format named by the address (`services.json`, `services.xml`). XML is built with xml.etree, which escapes every
text; characters XML 1.0 cannot carry at all (most control characters) are replaced by U+FFFD first, so a
hostile stored text can neither break nor inject markup.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse, JsonResponse

FORMATS = ("json", "xml")
# The spec: "XML: Content-Type: text/xml; charset=utf-8".
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
# Characters outside XML 1.0's Char production: no escape makes them legal, so they are replaced.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A list-valued field becomes a container element holding one element per entry (GeoReport v2 service definition).
ITEM_ELEMENTS = {"attributes": "attribute", "values": "value"}

# CORS: the GET answers are public data, so any web page may read them. Not POST: filing needs an api_key, a
# secret that belongs on a server, never in a browser page, so browsers are not invited to send one.
READ_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOWED_HEADERS = "Accept, Accept-Language, X-Requested-With"
CORS_MAX_AGE = str(24 * 3600)


@dataclass(frozen=True)
class Answer:
    """An Open311 answer. `root` is its XML document element; for a list, `item` names each entry's element."""

    data: list | dict
    root: str
    item: str = ""
    status: int = 200


def errors(status: int, description: str) -> Answer:
    """The spec's error format: `[{"code", "description"}]`, `<errors><error><code/><description/></error></errors>`."""
    return Answer([{"code": status, "description": description}], "errors", "error", status)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, record: dict) -> None:
    for name, value in record.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list):
            for entry in value:
                _fill(ET.SubElement(child, ITEM_ELEMENTS[name]), entry)
        else:
            child.text = _text(value)


def to_xml(answer: Answer) -> bytes:
    root = ET.Element(answer.root)
    if isinstance(answer.data, list):
        for record in answer.data:
            _fill(ET.SubElement(root, answer.item), record)
    else:
        _fill(root, answer.data)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def render(answer: Answer, fmt: str) -> HttpResponse:
    """The answer in `fmt` (json or xml; anything else is answered in JSON, the format of its error)."""
    if fmt == "xml":
        return HttpResponse(to_xml(answer), status=answer.status, content_type=XML_CONTENT_TYPE)
    return JsonResponse(answer.data, safe=False, status=answer.status, json_dumps_params={"ensure_ascii": False})


def preflight(allowed: tuple[str, ...]) -> HttpResponse:
    """The answer to OPTIONS: what the address allows, and what a browser page may do with it (read only)."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(allowed)
    response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
    response["Access-Control-Allow-Headers"] = CORS_ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = CORS_MAX_AGE
    return response


def cross_origin(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Let any origin read a read-only answer (errors included, so a page can show them); never a POST's."""
    if request.method in READ_METHODS:
        response["Access-Control-Allow-Origin"] = "*"
    return response
