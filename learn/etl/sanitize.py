"""One sanitizing step for all upstream text (nh3, the Ammonia HTML sanitizer).

Upstream text is unescaped first and sanitized second, so an escaped ``&lt;script&gt;`` is
parsed as the tag it would become and removed, never stored as a live tag:

- :func:`plain_text` for titles and descriptions: every tag goes (a ``<script>`` or ``<style>``
  with its content), ``<br>``/``</p>`` become line breaks, entities are decoded, and the result
  never holds anything a browser would read as a tag (a double-escaped one is caught too);
- :func:`safe_html` for bodies kept as HTML (event and news content): Ammonia's safe tag and
  attribute set, links only to http(s)/mailto;
- :func:`safe_url` for every stored URL: absolute http(s) only; ``javascript:``, ``data:`` and
  the rest are dropped (None).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import nh3

URL_SCHEMES = frozenset({"http", "https"})
_BREAKS = re.compile(r"(?i)<br\s*/?>|</p\s*>")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
# Browsers drop ASCII whitespace and control characters inside a scheme ("java\tscript:").
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")
_MAX_PASSES = 4


def plain_text(value: Any) -> str | None:
    """Plain text of an upstream HTML fragment (None when nothing is left)."""
    if value is None:
        return None
    text = html.unescape(_BREAKS.sub("\n", str(value)))
    for _ in range(_MAX_PASSES):
        text = html.unescape(nh3.clean(_BREAKS.sub("\n", text), tags=set()))
        if not _TAG_START.search(text):
            break
    else:  # still tag-shaped after every pass: keep the characters, never the tags
        text = text.replace("<", "\u2039").replace(">", "\u203a")
    # The text is kept as written (spacing, no-break spaces, blank lines), as MIT Learn keeps it;
    # only the ends are trimmed.
    joined = text.strip(" \t\r\n")
    return joined or None


def safe_html(value: Any) -> str:
    """An upstream HTML body reduced to safe markup (unescaped first, then sanitized)."""
    if not value:
        return ""
    return nh3.clean(html.unescape(str(value)), url_schemes={"http", "https", "mailto"}).strip()


def safe_url(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL, else None."""
    if value is None:
        return None
    url = str(value).strip()
    if not url:
        return None
    scheme = urlsplit(_URL_NOISE.sub("", html.unescape(url))).scheme.lower()
    if scheme not in URL_SCHEMES or _URL_NOISE.search(url.split(":", 1)[0]):
        return None
    return url
