"""Upstream text is sanitized once, unescape-then-sanitize, and XML is parsed with defusedxml
(issue 20, findings 6 and 7). Each input is crafted here."""

from __future__ import annotations

import time

import pytest

from learn.etl.content import olx
from learn.etl.records import ImageRecord, ResourceRecord, TransformError
from learn.etl.sources import _common as c
from learn.etl.sources import podcast
from learn.news_events import feeds

ESCAPED_SCRIPT = "&lt;script&gt;alert(document.cookie)&lt;/script&gt;Intro to waves"
DOUBLE_ESCAPED = "&amp;lt;img src=x onerror=alert(1)&amp;gt;Notes"


@pytest.mark.parametrize("raw", [ESCAPED_SCRIPT, DOUBLE_ESCAPED, "<p>fine &amp; <b>bold</b></p>"])
def test_strip_html_never_returns_a_live_tag(raw: str) -> None:
    # the old order (strip tags, then unescape) turned an escaped script into a live one
    plain = c.strip_html(raw) or ""
    assert "<" not in plain and "alert" not in plain
    assert plain.endswith(("Intro to waves", "Notes", "fine & bold"))


def test_plain_text_keeps_what_readers_see() -> None:
    assert c.strip_html("Caf&eacute; &amp; <i>bar</i><br>line two&nbsp;end") == (
        "Café & bar\nline two\xa0end"  # a no-break space stays one, as MIT Learn keeps it
    )
    assert c.strip_html("a &lt; b, AT&T") == "a < b, AT&T"


def record(**fields: object) -> ResourceRecord:
    base: dict[str, object] = {
        "readable_id": "r1", "resource_type": "course", "platform": "ocw",
        "title": "T", "etl_source": "test",
    }  # fmt: skip
    return ResourceRecord(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x"],
)  # fmt: skip
def test_javascript_and_other_non_http_urls_are_never_stored(url: str) -> None:
    assert record(url=url).url is None
    assert record(image=ImageRecord(url=url)).image is None  # the rest of the record loads
    assert record(url="https://ocw.mit.edu/x").url == "https://ocw.mit.edu/x"


def test_descriptions_of_every_source_are_sanitized_in_the_record() -> None:
    built = record(title="Waves &amp; Optics", description=ESCAPED_SCRIPT)
    assert built.title == "Waves & Optics"
    assert built.description == "Intro to waves"


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Show</title><link>https://show.example.org/</link>
<description>{channel}</description>
<item><guid>ep1</guid><title>Episode</title><link>{link}</link>
<description>{episode}</description></item>
</channel></rss>"""


def test_a_podcast_feed_with_an_escaped_script_and_a_javascript_link() -> None:
    xml = RSS.format(
        channel="&amp;lt;script&amp;gt;steal()&amp;lt;/script&amp;gt;About the show",
        episode=ESCAPED_SCRIPT.replace("&", "&amp;"), link="javascript:alert(1)",
    )  # fmt: skip
    config = {"rss_url": "https://show.example.org/rss", "podcast_title": "Show"}
    show, episode = podcast.transform({"config": config, "rss": xml})
    assert show.description == "About the show"
    assert episode.description == "Intro to waves"
    assert episode.url is None  # not the javascript: link


def test_event_bodies_are_stored_as_safe_html() -> None:
    body = (
        '<p onclick="x()">Join us <a href="javascript:alert(1)">here</a></p><script>bad()</script>'
    )
    payload = [{"id": "e1", "attributes": {
        "title": "Open house", "path": {"alias": "/events/open-house"}, "body": {"value": body},
    }}]  # fmt: skip
    [event] = feeds.transform_ol_events(payload, "https://openlearning.mit.edu/api/events").items
    for stored in (event.summary, event.content):
        assert "Join us" in stored
        assert "<script" not in stored and "onclick" not in stored and "javascript:" not in stored


def entity_bomb(levels: int = 6, fan: int = 10, root: str = "rss") -> str:
    """Entities nesting ``fan``-fold ``levels`` deep: 10**6 copies of a short string."""
    lines = ['<!ENTITY e0 "laugh laugh laugh laugh">']
    for level in range(1, levels + 1):
        lines.append(f'<!ENTITY e{level} "{f"&e{level - 1};" * fan}">')
    return (
        f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(lines)}]>'
        f"<{root}><channel><title>&e{levels};</title></channel></{root}>"
    )


def test_xml_entity_amplification_is_refused_everywhere() -> None:
    bomb = entity_bomb()
    started = time.monotonic()
    with pytest.raises(TransformError, match="unsafe XML"):
        podcast.transform({"config": {"rss_url": "https://x.org/rss"}, "rss": bomb})
    with pytest.raises(feeds.FeedError, match="unsafe XML"):
        feeds.transform_medium(bomb, "https://medium.com/feed/x")
    course = entity_bomb(root="course").replace(
        "<course>", '<course org="O" course="C" url_name="R">'
    )
    assert olx._xml_root(course.encode()) is None
    print(f"entity bombs refused in {time.monotonic() - started:.3f} s")
