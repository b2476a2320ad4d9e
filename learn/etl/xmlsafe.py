"""Every XML document from outside is parsed here, with defusedxml.

Entity declarations (the "billion laughs" and its milder 100× cousins that expat still allows),
external entities and DTD tricks are refused: :func:`parse_xml` raises :class:`UnsafeXml`, a
``ValueError`` naming the document. :func:`check_xml` runs the same check for text that another
parser (feedparser) reads afterwards.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

__all__ = [
    "Element", "ParseError", "UnsafeXml", "check_xml", "parse_xml", "tostring", "try_parse_xml",
]  # fmt: skip


class UnsafeXml(ValueError):
    """The document declares entities or a DTD construct that is never accepted from upstream."""


def parse_xml(data: str | bytes, origin: str = "XML document") -> Element:
    """The root element; :class:`UnsafeXml` for entity/DTD tricks, ``ParseError`` for bad XML."""
    try:
        return fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    except DefusedXmlException as exc:
        raise UnsafeXml(f"{origin}: refused unsafe XML ({type(exc).__name__}: {exc})") from None


def try_parse_xml(data: str | bytes, origin: str = "XML document") -> Element | None:
    """The root element, or None for malformed XML; unsafe XML still raises :class:`UnsafeXml`."""
    try:
        return parse_xml(data, origin)
    except ParseError:
        return None


def check_xml(data: str | bytes, origin: str = "XML document") -> None:
    """Raise :class:`UnsafeXml` if ``data`` declares entities; malformed XML passes (the caller's
    lenient parser reports it)."""
    try_parse_xml(data, origin)
