"""Channels stay in step with the taxonomy through loads and reloads of the real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learn.catalog.models import Channel, Department, Offeror, Topic
from learn.catalog.taxonomy import load_taxonomy

pytestmark = pytest.mark.django_db

ARCHITECTURE = "de563de2-a548-4a41-9fe5-9b6be9511c01"


@pytest.fixture
def taxonomy_copy(shared_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "taxonomy"
    shutil.copytree(shared_dir / "data" / "taxonomy", folder)
    return folder


def test_load_and_reload_keep_channels_in_step(taxonomy_copy: Path) -> None:
    report = load_taxonomy(taxonomy_copy)
    with_school = Department.objects.filter(school__isnull=False).count()
    assert report.channels == {
        "topic": Topic.objects.count(),
        "department": with_school,
        "unit": Offeror.objects.count(),
        "pathway": 0,
    }
    assert any(line.startswith("  channels in step") for line in report.lines())
    architecture = Channel.objects.get(topic__topic_uuid=ARCHITECTURE)
    assert (architecture.name, architecture.search_filter) == (
        "architecture",
        "topic=Architecture",
    )
    icons = dict(Topic.objects.values_list("name", "icon"))
    assert icons["Architecture"] == "RiPaletteLine"

    topics = taxonomy_copy / "topics.yaml"
    topics.write_text(topics.read_text().replace("name: Architecture\n", "name: Architectures\n"))
    again = load_taxonomy(taxonomy_copy)
    renamed = Channel.objects.get(pk=architecture.pk)
    assert (renamed.name, renamed.title) == ("architectures", "Architectures")
    assert renamed.search_filter == "topic=Architectures"
    assert again.channels == report.channels
    assert load_taxonomy(taxonomy_copy).lines()[-1] == "Nothing changed."
