"""Loading the taxonomy: from the shared folder, over HTTP, idempotently, all or nothing."""

from __future__ import annotations

import functools
import shutil
import threading
import uuid
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from learn.catalog import hooks
from learn.catalog.models import (
    Department,
    LearningResource,
    Offeror,
    Platform,
    School,
    Topic,
    TopicMapping,
)
from learn.catalog.taxonomy import (
    TaxonomyError,
    TaxonomyReport,
    default_taxonomy_source,
    load_taxonomy,
)
from learn.cli.main import app

pytestmark = pytest.mark.django_db

TAXONOMY_MODELS = (Platform, Offeror, School, Department, Topic, TopicMapping)
ARCHITECTURE_UUID = uuid.UUID("de563de2-a548-4a41-9fe5-9b6be9511c01")


@pytest.fixture(scope="session")
def taxonomy_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "taxonomy"


@pytest.fixture
def taxonomy_copy(taxonomy_dir: Path, tmp_path: Path) -> Path:
    """A writable copy of the shared taxonomy (the shared files are read-only)."""
    folder = tmp_path / "taxonomy"
    folder.mkdir()
    for path in taxonomy_dir.iterdir():
        shutil.copyfile(path, folder / path.name)
    return folder


def _snapshot() -> dict[str, list[Any]]:
    """Every row of every taxonomy table, timestamps included."""
    models: tuple[Any, ...] = TAXONOMY_MODELS
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


def _replace_line(path: Path, line_number: int, new: str) -> str:
    lines = path.read_text().splitlines(keepends=True)
    old = lines[line_number - 1]
    lines[line_number - 1] = new
    path.write_text("".join(lines))
    return old


def _assert_first_load(report: TaxonomyReport) -> None:
    created = {kind: c.created for kind, c in report.counts.items()}
    assert created == {
        "platforms": 20,
        "offerors": 7,
        "schools": 6,
        "departments": 37,
        "topics": 109,
        "topic mappings": 443,
    }
    assert (report.top_level_topics, report.child_topics) == (11, 98)
    assert report.changed


# ---------------------------------------------------------------- loading


def test_load_from_the_shared_folder(taxonomy_dir: Path) -> None:
    report = load_taxonomy(taxonomy_dir)

    _assert_first_load(report)
    assert Topic.objects.filter(parent=None).count() == 11
    assert Topic.objects.exclude(parent=None).count() == 98
    architecture = Topic.objects.get(topic_uuid=ARCHITECTURE_UUID)
    assert architecture.name == "Architecture"
    assert architecture.icon == "RiPaletteLine"
    assert architecture.parent is not None
    assert architecture.parent.name == "Art, Design & Architecture"
    mapping = TopicMapping.objects.get(offeror_id="ocw", topic_name="Architectural Design")
    assert mapping.topic == architecture
    assert TopicMapping.objects.filter(offeror_id="mitx", topic__name="Visual Arts").count() == 1

    civil = Department.objects.get(department_id="1")
    assert civil.name == "Civil and Environmental Engineering"
    assert civil.school is not None
    assert (civil.school.pk, civil.school.name) == (2, "School of Engineering")
    assert Department.objects.get(department_id="CC").school is None

    ocw = Offeror.objects.get(code="ocw")
    assert ocw.name == "MIT OpenCourseWare"
    assert ocw.more_information == "https://ocw.mit.edu"
    assert ocw.fee == ["Free"]
    assert Platform.objects.get(code="edx").is_edx is True
    assert School.objects.get(pk=1).url == "https://sap.mit.edu/"

    lines = report.lines()
    assert lines[0] == f"Taxonomy from {taxonomy_dir}"
    assert any("topics:" in line and "109 created" in line for line in lines)
    assert lines[-1] == "622 rows written."


def test_schools_created_later_get_fresh_ids(taxonomy_dir: Path) -> None:
    load_taxonomy(taxonomy_dir)  # inserts schools 1-6 with explicit ids

    school = School.objects.create(name="New School", url="https://example.org/")

    assert school.pk == 7


def test_a_second_load_writes_nothing(taxonomy_dir: Path) -> None:
    load_taxonomy(taxonomy_dir)
    before = _snapshot()

    report = load_taxonomy(taxonomy_dir)

    assert not report.changed
    assert {kind: c.unchanged for kind, c in report.counts.items()} == {
        "platforms": 20,
        "offerors": 7,
        "schools": 6,
        "departments": 37,
        "topics": 109,
        "topic mappings": 443,
    }
    assert all(c.created == c.updated == c.removed == 0 for c in report.counts.values())
    assert _snapshot() == before  # updated_on included
    assert report.lines()[-1] == "Nothing changed."


def test_edits_update_rows_in_place_and_announce_affected_resources(
    taxonomy_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    load_taxonomy(taxonomy_copy)
    architecture_pk = Topic.objects.get(name="Architecture").pk
    on_edx = LearningResource.objects.create(
        readable_id="x1", title="On edX", resource_type="course", platform_id="edx"
    )
    LearningResource.objects.create(
        readable_id="x2", title="On OCW", resource_type="course", platform_id="ocw"
    )
    announced: list[list[int]] = []
    monkeypatch.setattr(hooks, "_changed", [])
    hooks.on_resources_changed(announced.append)

    platforms = taxonomy_copy / "platforms.json"
    platforms.write_text(platforms.read_text().replace('"name": "edX"', '"name": "edX.org"'))
    topics = taxonomy_copy / "topics.yaml"
    topics.write_text(topics.read_text().replace("            - Architectural Design\n", ""))
    with django_capture_on_commit_callbacks(execute=True):
        report = load_taxonomy(taxonomy_copy)

    assert report.counts["platforms"].updated == 1
    assert report.counts["topic mappings"].removed == 1
    assert report.counts["topics"].unchanged == 109
    assert Platform.objects.get(code="edx").name == "edX.org"
    assert not TopicMapping.objects.filter(topic_name="Architectural Design").exists()
    assert Topic.objects.get(name="Architecture").pk == architecture_pk
    assert announced == [[on_edx.pk]]
    assert report.announced_resources == 1


def test_a_topic_created_by_name_is_adopted(taxonomy_dir: Path) -> None:
    existing = Topic.objects.create(name="Architecture")

    report = load_taxonomy(taxonomy_dir)

    assert report.counts["topics"].created == 108
    assert report.counts["topics"].updated == 1
    existing.refresh_from_db()
    assert existing.topic_uuid == ARCHITECTURE_UUID
    assert existing.parent is not None


def test_mappings_for_unknown_offerors_are_skipped_and_reported(taxonomy_copy: Path) -> None:
    topics = taxonomy_copy / "topics.yaml"
    text = topics.read_text().replace(
        "          ocw:\n            - Game Design\n",
        "          nosuch:\n            - Game Design\n",
    )
    topics.write_text(text)

    report = load_taxonomy(taxonomy_copy)

    assert report.skipped_mappings == {"nosuch": 1}
    assert report.counts["topic mappings"].created == 442
    assert not TopicMapping.objects.filter(topic_name="Game Design").exists()
    assert any(
        "skipped 1 topic mappings" in line and "nosuch (1)" in line for line in report.lines()
    )


def test_fields_the_model_lacks_are_ignored_and_reported(taxonomy_copy: Path) -> None:
    offerors = taxonomy_copy / "offered_by.json"
    offerors.write_text(offerors.read_text().replace('"code": "ocw",', '"code": "ocw", "x": 1,'))

    report = load_taxonomy(taxonomy_copy)

    assert report.ignored_fields == {"offered_by.json": ["x"]}
    assert "ignored fields not in the model in offered_by.json: x" in "\n".join(report.lines())
    assert Offeror.objects.count() == 7


# ---------------------------------------------------------------- over HTTP


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def taxonomy_url(taxonomy_dir: Path) -> Iterator[str]:
    """A read-only static file server (GET/HEAD only) over the shared taxonomy folder."""
    handler = functools.partial(_QuietHandler, directory=str(taxonomy_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_load_over_http(taxonomy_url: str) -> None:
    report = load_taxonomy(taxonomy_url + "/")

    _assert_first_load(report)
    assert TopicMapping.objects.get(topic_name="Architectural Design").topic.name == "Architecture"
    assert not load_taxonomy(taxonomy_url).changed


def test_a_url_missing_a_file_names_the_url(taxonomy_url: str) -> None:
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_url + "/nowhere")

    assert f"GET {taxonomy_url}/nowhere/platforms.json returned HTTP 404" in str(error.value)
    assert Platform.objects.count() == 0


def test_an_unreachable_server_names_the_url() -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler) as closed:
        port = closed.server_port  # bound then closed: nothing listens there any more
    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(f"http://127.0.0.1:{port}")

    message = str(error.value)
    assert f"could not fetch http://127.0.0.1:{port}/platforms.json" in message
    assert "check that the server is reachable" in message


# ---------------------------------------------------------------- bad input loses nothing


def test_malformed_yaml_names_file_and_line_and_changes_nothing(taxonomy_copy: Path) -> None:
    load_taxonomy(taxonomy_copy)
    before = _snapshot()
    platforms = taxonomy_copy / "platforms.json"
    platforms.write_text(platforms.read_text().replace('"name": "edX"', '"name": "edX.org"'))
    # A mis-indented list item, as a hand edit might leave it.
    _replace_line(taxonomy_copy / "topics.yaml", 9, "          - Architectural Design\n")

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    message = str(error.value)
    assert message.startswith(f"{taxonomy_copy / 'topics.yaml'} line 9, column 11: invalid YAML")
    assert "invalid YAML" in message
    assert _snapshot() == before


def test_malformed_json_names_file_and_line_and_changes_nothing(taxonomy_copy: Path) -> None:
    load_taxonomy(taxonomy_copy)
    before = _snapshot()
    old = _replace_line(taxonomy_copy / "departments.json", 6, '      "name": "Civil",,\n')
    assert '"name"' in old

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    message = str(error.value)
    assert message.startswith(f"{taxonomy_copy / 'departments.json'} line 6, column")
    assert "invalid JSON" in message
    assert _snapshot() == before


def test_a_wrongly_typed_field_names_entry_field_and_line(taxonomy_copy: Path) -> None:
    _replace_line(taxonomy_copy / "departments.json", 16, '      "name": 42,\n')

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    assert str(error.value) == (
        f"{taxonomy_copy / 'departments.json'} line 12: entry 2 (department_id '2'): "
        "field 'name' must be a string, got 42"
    )
    assert Department.objects.count() == 0


def test_an_invalid_value_found_while_writing_rolls_everything_back(taxonomy_copy: Path) -> None:
    load_taxonomy(taxonomy_copy)
    before = _snapshot()
    # Platforms are written before schools: the rename must not survive the school's error.
    platforms = taxonomy_copy / "platforms.json"
    platforms.write_text(platforms.read_text().replace('"name": "edX"', '"name": "edX.org"'))
    schools = taxonomy_copy / "schools.json"
    schools.write_text(schools.read_text().replace('"https://sap.mit.edu/"', '"not a url"'))

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    message = str(error.value)
    assert message.startswith(f"{taxonomy_copy / 'schools.json'} line 2: entry 1 (id 1): ")
    assert "field 'url': Enter a valid URL." in message
    assert _snapshot() == before


def test_a_department_of_an_unknown_school_is_refused(taxonomy_copy: Path) -> None:
    _replace_line(taxonomy_copy / "departments.json", 7, '      "school_id": 99,\n')

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    assert "departments.json line 2: entry 1 (department_id '1'): field 'school_id'" in str(
        error.value
    )
    assert "99 is not a known school" in str(error.value)
    assert Platform.objects.count() == School.objects.count() == 0


def test_a_topic_without_a_valid_id_names_topic_and_line(taxonomy_copy: Path) -> None:
    _replace_line(taxonomy_copy / "topics.yaml", 5, "        id: not-a-uuid\n")

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    assert str(error.value) == (
        f"{taxonomy_copy / 'topics.yaml'} line 3: topic 'Architecture': "
        "field \"id\" must be a UUID, got 'not-a-uuid'"
    )
    assert Topic.objects.count() == 0


def test_duplicate_topic_names_are_refused(taxonomy_copy: Path) -> None:
    _replace_line(taxonomy_copy / "topics.yaml", 18, "        name: ARCHITECTURE\n")

    with pytest.raises(TaxonomyError, match="duplicate topic name, first at .* line 3"):
        load_taxonomy(taxonomy_copy)


def test_a_missing_file_is_a_clear_error(taxonomy_copy: Path) -> None:
    (taxonomy_copy / "schools.json").unlink()

    with pytest.raises(TaxonomyError) as error:
        load_taxonomy(taxonomy_copy)

    assert str(error.value) == (
        f"{taxonomy_copy / 'schools.json'} is missing: a taxonomy folder must hold "
        "platforms.json, offered_by.json, schools.json, departments.json, topics.yaml"
    )
    assert Platform.objects.count() == 0


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match=r"taxonomy folder .*/absent does not exist"):
        load_taxonomy(tmp_path / "absent")


# ---------------------------------------------------------------- command line


def test_default_source_is_the_shared_taxonomy(taxonomy_dir: Path) -> None:
    assert default_taxonomy_source() == str(taxonomy_dir)


def test_cli_taxonomy_load() -> None:
    runner = CliRunner()

    first = runner.invoke(app, ["taxonomy", "load"])
    second = runner.invoke(app, ["taxonomy", "load"])

    assert first.exit_code == 0, first.output
    assert "  topics:         109 created, 0 updated, 0 unchanged (11 top-level, 98 children)" in (
        first.stdout
    )
    assert first.stdout.splitlines()[-1] == "622 rows written."
    assert second.exit_code == 0, second.output
    assert "  departments:    0 created, 0 updated, 37 unchanged" in second.stdout
    assert second.stdout.splitlines()[-1] == "Nothing changed."


def test_cli_taxonomy_load_reports_errors(taxonomy_copy: Path) -> None:
    (taxonomy_copy / "topics.yaml").unlink()

    result = CliRunner().invoke(app, ["taxonomy", "load", str(taxonomy_copy)])

    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {taxonomy_copy / 'topics.yaml'} is missing")
    assert Platform.objects.count() == 0
