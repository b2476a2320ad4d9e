"""MIT Learn's clients, as a client built from MIT's published v0/v1 specs sees Learn.

Every path the README's table marks implemented (or partial) and every path the site calls is
requested here, with a realistic catalog, and its answer checked for status and for MIT's schema.
The README table must list every path of the two contracts, so a path added to them is noticed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from factories import Catalog
from rest_framework.test import APIClient

from learn.catalog import models as catalog_models
from learn.catalog.featured import build_featured_lists
from learn.catalog.models import Channel
from learn.news_events.models import FeedItem, FeedNewsDetail, FeedSource

REPO = Path(__file__).resolve().parents[2]
CONTRACTS = ("contracts/mitlearn-api-v1.yaml", "contracts/mitlearn-api-v0.yaml")
ROW = re.compile(r"^\| `(/api/v[01]/[^`]*)` \| ([A-Z, ]+) \| (implemented|partial|not planned) \|")

V1, V0 = "/api/v1", "/api/v0"

# contract path → concrete URL (with the query a client would send) for the test catalog
URLS: dict[str, Callable[[Catalog], str]] = {
    f"{V1}/content_file_search/": lambda c: f"{V1}/content_file_search/?q=problem",
    f"{V1}/contentfiles/": lambda c: f"{V1}/contentfiles/",
    f"{V1}/contentfiles/{{id}}/": lambda c: f"{V1}/contentfiles/{c.files['lecture_1_notes'].pk}/",
    f"{V1}/course_features/": lambda c: f"{V1}/course_features/",
    f"{V1}/course_features/{{id}}/": lambda c: (
        f"{V1}/course_features/{c.ref.features['Exams'].pk}/"
    ),
    f"{V1}/courses/": lambda c: f"{V1}/courses/?platform=ocw&limit=100",
    f"{V1}/courses/{{id}}/": lambda c: f"{V1}/courses/{c['algorithms'].pk}/",
    f"{V1}/courses/{{learning_resource_id}}/contentfiles/": lambda c: (
        f"{V1}/courses/{c['algorithms'].pk}/contentfiles/"
    ),
    f"{V1}/courses/{{learning_resource_id}}/contentfiles/{{id}}/": lambda c: (
        f"{V1}/courses/{c['algorithms'].pk}/contentfiles/{c.files['problem_set_1'].pk}/"
    ),
    f"{V1}/departments/": lambda c: f"{V1}/departments/?limit=500",
    f"{V1}/departments/{{department_id}}/": lambda c: f"{V1}/departments/6/",
    f"{V1}/featured/": lambda c: f"{V1}/featured/?limit=12",
    f"{V1}/featured/{{id}}/": lambda c: f"{V1}/featured/{c['algorithms'].pk}/",
    f"{V1}/learning_resource_display_info/": lambda c: f"{V1}/learning_resource_display_info/",
    f"{V1}/learning_resource_display_info/{{id}}/": lambda c: (
        f"{V1}/learning_resource_display_info/{c['program'].pk}/"
    ),
    f"{V1}/learning_resources/": lambda c: f"{V1}/learning_resources/?limit=100",
    f"{V1}/learning_resources/{{id}}/": lambda c: f"{V1}/learning_resources/{c['algorithms'].pk}/",
    f"{V1}/learning_resources/{{id}}/similar/": lambda c: (
        f"{V1}/learning_resources/{c['algorithms'].pk}/similar/"
    ),
    f"{V1}/learning_resources/{{learning_resource_id}}/contentfiles/": lambda c: (
        f"{V1}/learning_resources/{c['document'].pk}/contentfiles/"
    ),
    f"{V1}/learning_resources/{{learning_resource_id}}/contentfiles/{{id}}/": lambda c: (
        f"{V1}/learning_resources/{c['document'].pk}/contentfiles/{c.files['document_source'].pk}/"
    ),
    f"{V1}/learning_resources/{{learning_resource_id}}/items/": lambda c: (
        f"{V1}/learning_resources/{c['program'].pk}/items/"
    ),
    f"{V1}/learning_resources/{{learning_resource_id}}/items/{{id}}/": lambda c: (
        f"{V1}/learning_resources/{c['program'].pk}/items/"
        f"{c['program'].children.order_by('position').first().pk}/"
    ),
    f"{V1}/learning_resources/summary/": lambda c: f"{V1}/learning_resources/summary/",
    f"{V1}/learning_resources_search/": lambda c: (
        f"{V1}/learning_resources_search/?q=algorithms&aggregations=offered_by&limit=10"
    ),
    f"{V1}/learningpaths/": lambda c: f"{V1}/learningpaths/",
    f"{V1}/learningpaths/{{id}}/": lambda c: f"{V1}/learningpaths/{c['path'].pk}/",
    f"{V1}/learningpaths/{{learning_resource_id}}/items/": lambda c: (
        f"{V1}/learningpaths/{c['path'].pk}/items/"
    ),
    f"{V1}/learningpaths/{{learning_resource_id}}/items/{{id}}/": lambda c: (
        f"{V1}/learningpaths/{c['path'].pk}/items/{c['path'].children.first().pk}/"
    ),
    f"{V1}/offerors/": lambda c: f"{V1}/offerors/?limit=500",
    f"{V1}/offerors/{{code}}/": lambda c: f"{V1}/offerors/ocw/",
    f"{V1}/platforms/": lambda c: f"{V1}/platforms/",
    f"{V1}/platforms/{{code}}/": lambda c: f"{V1}/platforms/ocw/",
    f"{V1}/podcast_episodes/": lambda c: f"{V1}/podcast_episodes/",
    f"{V1}/podcast_episodes/{{id}}/": lambda c: f"{V1}/podcast_episodes/{c['episode_1'].pk}/",
    f"{V1}/podcasts/": lambda c: f"{V1}/podcasts/",
    f"{V1}/podcasts/{{id}}/": lambda c: f"{V1}/podcasts/{c['podcast'].pk}/",
    f"{V1}/podcasts/{{learning_resource_id}}/items/": lambda c: (
        f"{V1}/podcasts/{c['podcast'].pk}/items/"
    ),
    f"{V1}/podcasts/{{learning_resource_id}}/items/{{id}}/": lambda c: (
        f"{V1}/podcasts/{c['podcast'].pk}/items/{c['podcast'].children.first().pk}/"
    ),
    f"{V1}/programs/": lambda c: f"{V1}/programs/",
    f"{V1}/programs/{{id}}/": lambda c: f"{V1}/programs/{c['program'].pk}/",
    f"{V1}/schools/": lambda c: f"{V1}/schools/",
    f"{V1}/schools/{{id}}/": lambda c: f"{V1}/schools/{c.ref.schools['science'].pk}/",
    f"{V1}/topics/": lambda c: f"{V1}/topics/?limit=500",
    f"{V1}/topics/{{id}}/": lambda c: f"{V1}/topics/{c.ref.topics['Physics'].pk}/",
    f"{V1}/video_playlists/": lambda c: f"{V1}/video_playlists/",
    f"{V1}/video_playlists/{{id}}/": lambda c: f"{V1}/video_playlists/{c['playlist'].pk}/",
    f"{V1}/video_playlists/{{learning_resource_id}}/items/": lambda c: (
        f"{V1}/video_playlists/{c['playlist'].pk}/items/"
    ),
    f"{V1}/video_playlists/{{learning_resource_id}}/items/{{id}}/": lambda c: (
        f"{V1}/video_playlists/{c['playlist'].pk}/items/{c['playlist'].children.first().pk}/"
    ),
    f"{V1}/videos/": lambda c: f"{V1}/videos/",
    f"{V1}/videos/{{id}}/": lambda c: f"{V1}/videos/{c['video_1'].pk}/",
    f"{V0}/channels/": lambda c: f"{V0}/channels/?channel_type=unit",
    f"{V0}/channels/{{id}}/": lambda c: (
        f"{V0}/channels/{Channel.objects.get(topic=c.ref.topics['Science']).pk}/"
    ),
    f"{V0}/channels/counts/{{channel_type}}/": lambda c: f"{V0}/channels/counts/topic/",
    f"{V0}/channels/type/{{channel_type}}/{{name}}/": lambda c: f"{V0}/channels/type/unit/ocw/",
    f"{V0}/learning_resources_search_admin_params/": lambda c: (
        f"{V0}/learning_resources_search_admin_params/"
    ),
    f"{V0}/news_events/": lambda c: f"{V0}/news_events/?feed_type=news&sortby=-news_date",
    f"{V0}/news_events/{{id}}/": lambda c: f"{V0}/news_events/{FeedItem.objects.get().pk}/",
    f"{V0}/news_events_sources/": lambda c: f"{V0}/news_events_sources/?feed_type=news",
    f"{V0}/news_events_sources/{{id}}/": lambda c: (
        f"{V0}/news_events_sources/{FeedSource.objects.get().pk}/"
    ),
    f"{V0}/testimonials/": lambda c: f"{V0}/testimonials/?offerors=ocw",
    f"{V0}/testimonials/{{id}}/": lambda c: (
        f"{V0}/testimonials/{catalog_models.Testimonial.objects.get().pk}/"
    ),
}

# implemented paths that need embedded vectors (a model and a filled store): their answers are
# validated against the same v0 contract in tests/vectors/test_vec_api.py
VALIDATED_WITH_VECTORS = {
    f"{V1}/learning_resources/{{id}}/vector_similar/",
    f"{V0}/vector_content_files_search/",
    f"{V0}/vector_learning_resources_search/",
}

# implemented paths of a signed-in user (or an editor): tests/api/test_accounts_api.py and
# test_accounts_permissions.py call them as each kind of user and validate them against contracts
SIGNED_IN = {
    f"{V1}/learning_resources/{{id}}/learning_paths/",
    f"{V1}/learning_resources/{{id}}/userlists/",
    f"{V1}/learningpaths/membership/",
    f"{V1}/userlists/",
    f"{V1}/userlists/{{id}}/",
    f"{V1}/userlists/{{userlist_id}}/items/",
    f"{V1}/userlists/{{userlist_id}}/items/{{id}}/",
    f"{V1}/userlists/membership/",
    f"{V0}/profiles/{{user__username}}/",
    f"{V0}/users/me/",  # anonymous callers too (is_authenticated false), as MIT Learn answers
}

# implemented paths of subscriptions: tests/subscriptions/test_api.py validates them against the
# v1 contract as a signed-in user (and the one-click unsubscribe with its signed token)
SUBSCRIPTIONS = {
    f"{V1}/learning_resources_user_subscription/",
    f"{V1}/learning_resources_user_subscription/{{id}}/unsubscribe/",
    f"{V1}/learning_resources_user_subscription/check/",
    f"{V1}/learning_resources_user_subscription/subscribe/",
    f"{V1}/unsubscribe/{{token}}/",
}

# paths the site writes with a concrete value where the contract has a parameter
SITE_ALIASES = {
    f"{V0}/profiles/me/": f"{V0}/profiles/{{user__username}}/",
    # The site's client names the channel type parameter ``type``; the contract ``channel_type``.
    f"{V0}/channels/counts/{{type}}/": f"{V0}/channels/counts/{{channel_type}}/",
    f"{V0}/channels/type/{{type}}/{{name}}/": f"{V0}/channels/type/{{channel_type}}/{{name}}/",
}

# implemented paths whose only methods write: an unsigned call must be refused, not missing
REFUSED_UNSIGNED = {
    f"{V1}/webhooks/content_files/",
    f"{V1}/webhooks/content_files/delete/",
    f"{V1}/webhooks/ovs_videos/",
}


def readme_table() -> dict[str, tuple[set[str], str]]:
    rows: dict[str, tuple[set[str], str]] = {}
    for line in (REPO / "README.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            path, methods, status = match.groups()
            rows[path] = ({m.strip() for m in methods.split(",")}, status)
    return rows


def site_paths() -> set[str]:
    """Paths the site's typed client calls (``client.GET("/api/...")``) or builds by hand."""
    found: set[str] = set()
    for source in (REPO / "frontend" / "src").rglob("*.ts*"):
        if source.name.endswith(".d.ts"):
            continue
        found.update(re.findall(r"(/api/v[01]/[A-Za-z0-9_{}/\-]*/)", source.read_text()))
    return found


def contract_paths(shared_dir: Path) -> dict[str, set[str]]:
    paths: dict[str, set[str]] = {}
    for name in CONTRACTS:
        spec = yaml.safe_load((shared_dir / name).read_text())
        for path, operations in spec["paths"].items():
            verbs = {"get", "post", "put", "patch", "delete"}
            paths[path] = {verb.upper() for verb in operations if verb in verbs}
    return paths


def test_the_readme_lists_every_contract_path(shared_dir: Path) -> None:
    table = readme_table()
    contract = contract_paths(shared_dir)
    assert set(table) == set(contract), {
        "missing from README": sorted(set(contract) - set(table)),
        "not in the contracts": sorted(set(table) - set(contract)),
    }
    for path, (methods, _) in table.items():
        assert methods == contract[path], path


def test_every_implemented_and_site_path_is_called_here() -> None:
    implemented = {p for p, (_, status) in readme_table().items() if status != "not planned"}
    elsewhere = REFUSED_UNSIGNED | VALIDATED_WITH_VECTORS | SIGNED_IN | SUBSCRIPTIONS
    assert implemented - elsewhere <= set(URLS), sorted(implemented - elsewhere - set(URLS))
    site = {SITE_ALIASES.get(path, path) for path in site_paths()}
    assert site, "the site's API calls were not found"
    assert site <= set(URLS) | VALIDATED_WITH_VECTORS | SIGNED_IN | SUBSCRIPTIONS, sorted(
        site - set(URLS)
    )
    assert set(URLS) <= implemented, sorted(set(URLS) - implemented)


@pytest.fixture(scope="module")
def served_catalog(
    module_catalog: Catalog, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Catalog]:
    """The catalog indexed in a fresh Tantivy index (empty vector store), with featured lists,
    a news item and a testimonial, as a deployment after ``learn demo`` and a feeds run. Built
    once for the module, inside the module's rolled-back transaction."""
    from learn.retrieval.hybrid import forget_vector_presence
    from learn.search.backends import reset_backend
    from learn.search.backends.tantivy import TantivyBackend
    from learn.search.indexing import rebuild_index
    from learn.vectors.store import set_store
    from learn.vectors.store.edge import EdgeStore

    folder = tmp_path_factory.mktemp("compat")
    backend = TantivyBackend(folder / "search")
    reset_backend(backend)
    previous = set_store(EdgeStore(folder / "no-vectors"))
    forget_vector_presence()
    with django_db_blocker.unblock():
        build_featured_lists(size=3)
        source = FeedSource.objects.create(
            url="https://news.example.edu/feed", title="News", feed_type="news"
        )
        item = FeedItem.objects.create(
            source=source,
            guid="n1",
            title="A story",
            url="https://news.example.edu/1",
            item_type="news",
        )
        FeedNewsDetail.objects.create(item=item, authors=["A. Writer"], topics=["learning"])
        quote = catalog_models.Testimonial.objects.create(
            attestant_name="Ada", title="Learner", quote="Great."
        )
        quote.offerors.set([module_catalog.ref.offerors["ocw"]])
        rebuild_index(backend)
    try:
        yield module_catalog
    finally:
        reset_backend(None)
        set_store(previous)
        forget_vector_presence()


@pytest.fixture
def served(served_catalog: Catalog, db: None) -> Catalog:
    return served_catalog


@pytest.mark.parametrize("path", sorted(URLS))
def test_the_path_answers_in_mits_shape(
    path: str, served: Catalog, checked: Any, checked_v0: Any
) -> None:
    client = checked_v0 if path.startswith(V0) else checked
    body = client.get(URLS[path](served))
    # every list has something to show
    if isinstance(body, dict) and "results" in body:
        assert body["results"], path
    elif isinstance(body, list):
        assert body, path


@pytest.mark.parametrize("path", sorted(REFUSED_UNSIGNED))
def test_unsigned_webhooks_are_refused(
    path: str, db: None, api: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from learn.config.env import get_env

    monkeypatch.setenv("WEBHOOK_SECRET", "compat-secret")
    get_env.cache_clear()
    try:
        response = api.post(path, {"content_path": "x"}, format="json")
    finally:
        monkeypatch.undo()
        get_env.cache_clear()
    assert response.status_code in (401, 403), (path, response.status_code)
