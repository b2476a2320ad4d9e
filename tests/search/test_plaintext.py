"""Descriptions become clean plain text in the search documents (snippets read as written)."""

from __future__ import annotations

from search_fixtures import resource

from learn.search.documents import index_fields
from learn.search.plaintext import plain_text


def test_markdown_headings_and_lists_end_their_line() -> None:
    text = plain_text(
        "This course covers **Linear Algebra**.\n\n## Course Format\n\n"
        "This course has:\n\n- lecture videos\n- problem sets"
    )
    assert text.split("\n") == [
        "This course covers Linear Algebra.",
        "Course Format",
        "This course has:",
        "lecture videos",
        "problem sets",
    ]


def test_html_is_read_as_text_and_scripts_are_dropped() -> None:
    text = plain_text(
        "<p>Matrix theory &amp; <em>applications</em>.</p><script>alert(1)</script>"
        "<h3>Course Format</h3><ul><li>Videos</li></ul><style>p{}</style>"
    )
    assert text == "Matrix theory & applications.\nCourse Format\nVideos"


def test_leftover_markdown_markers_are_removed() -> None:
    assert plain_text("Taught by __Gilbert Strang_ and_ others in MATLAB}.") == (
        "Taught by Gilbert Strang and others in MATLAB."
    )
    assert plain_text("snake_case names stay") == "snake_case names stay"
    assert plain_text("") == "" and plain_text(None) == ""


def test_search_documents_index_the_plain_text() -> None:
    doc = resource(1, "Linear Algebra", description="**Intro**\n\n<p>Vectors &amp; matrices</p>")
    fields = index_fields(doc)
    assert fields.text["description"] == "Intro\nVectors & matrices"
    assert doc.source["description"].startswith("**Intro**")  # the stored object keeps the source


def test_instructor_names_are_a_facet() -> None:
    doc = resource(1, "Linear Algebra", instructors=("Gilbert Strang", " Gilbert Strang ", ""))
    assert index_fields(doc).facets["instructor"] == ["Gilbert Strang"]


def test_plain_text_keeps_its_lines_without_the_renderer() -> None:
    assert plain_text("1.040 covers three aspects:\n\n  the theory,\tmethods \n") == (
        "1.040 covers three aspects:\nthe theory, methods"
    )
    assert plain_text("Topics:\n1. Vectors\n2. Matrices") == "Topics:\nVectors\nMatrices"
