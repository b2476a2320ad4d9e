"""Reference rows the loader links to, fetched and created in bulk once per load.

Topics, topic mappings and departments are read once (the taxonomy owns them); platforms and
offerors are created with their enum labels when missing; instructors, prices, images and
content tags are fetched and created per batch with a handful of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from learn.catalog.constants import OfferedBy, PlatformCode, label_of
from learn.catalog.models import (
    ContentTag,
    Department,
    Image,
    Instructor,
    Offeror,
    Platform,
    Price,
    Topic,
    TopicMapping,
)
from learn.etl.records import ImageRecord, InstructorRecord, PriceRecord, ResourceRecord

CENT = Decimal("0.01")
ImageKey = tuple[str, str | None, str | None]
PriceKey = tuple[Decimal, str]


def _image_key(image: ImageRecord) -> ImageKey:
    return (image.url, image.description, image.alt)


def _price_key(price: PriceRecord) -> PriceKey:
    return (price.amount.quantize(CENT), price.currency.upper()[:3])


class ReferenceCache:
    def __init__(self) -> None:
        self.topic_parent: dict[int, int | None] = {}
        self.topic_by_name: dict[str, int] = {}
        for tid, name, parent in Topic.objects.values_list("id", "name", "parent_id"):
            self.topic_parent[tid] = parent
            self.topic_by_name[name.lower()] = tid
        self.mappings: dict[tuple[str, str], list[int]] = {}
        for offeror, name, tid in TopicMapping.objects.values_list(
            "offeror_id", "topic_name", "topic_id"
        ):
            self.mappings.setdefault((offeror, name.lower()), []).append(tid)
        self.departments: dict[str, str] = dict(
            Department.objects.values_list("department_id", "name")
        )
        self.forget_created()

    def forget_created(self) -> None:
        """Drop every id learned from rows this load may have created (after a rollback)."""
        self.platforms: set[str] = set()
        self.offerors: set[str] = set()
        self.instructors: dict[str, int] = {}
        self.images: dict[ImageKey, int] = {}
        self.tags: dict[str, int] = {}
        self.prices: dict[PriceKey, int] = {}

    # ------------------------------------------------------------ batch preparation

    def prepare(self, records: Iterable[ResourceRecord]) -> None:
        """Fetch (and create) every instructor, image, price and tag a batch refers to."""
        names: dict[str, InstructorRecord] = {}
        images: dict[ImageKey, ImageRecord] = {}
        prices: dict[PriceKey, PriceRecord] = {}
        tags: set[str] = set()
        for record in records:
            if record.image:
                images.setdefault(_image_key(record.image), record.image)
            tags.update(record.course_features)
            for file in record.content_files:
                tags.update(file.content_tags)
            for run in record.runs:
                if run.image:
                    images.setdefault(_image_key(run.image), run.image)
                for person in run.instructors:
                    names.setdefault(person.full_name, person)
                for price in run.prices:
                    prices.setdefault(_price_key(price), price)
        self._prepare_instructors(names)
        self._prepare_images(images)
        self._prepare_prices(prices)
        self._prepare_tags(tags)

    def _prepare_instructors(self, wanted: dict[str, InstructorRecord]) -> None:
        missing = [name for name in wanted if name not in self.instructors]
        if not missing:
            return
        found = dict(
            Instructor.objects.filter(full_name__in=missing).values_list("full_name", "id")
        )
        new = [
            Instructor(
                full_name=name[:256],
                first_name=wanted[name].first_name,
                last_name=wanted[name].last_name,
            )
            for name in missing
            if name not in found
        ]
        if new:
            Instructor.objects.bulk_create(new, ignore_conflicts=True)
            found.update(
                Instructor.objects.filter(full_name__in=[i.full_name for i in new]).values_list(
                    "full_name", "id"
                )
            )
        self.instructors.update(found)

    def _prepare_images(self, wanted: dict[ImageKey, ImageRecord]) -> None:
        missing = [key for key in wanted if key not in self.images]
        if not missing:
            return
        for iid, url, description, alt in Image.objects.filter(
            url__in={key[0] for key in missing}
        ).values_list("id", "url", "description", "alt"):
            self.images.setdefault((url, description, alt), iid)
        new = [
            Image(url=key[0], description=key[1], alt=key[2])
            for key in missing
            if key not in self.images
        ]
        for image in Image.objects.bulk_create(new):
            self.images[(image.url, image.description, image.alt)] = image.pk

    def _prepare_prices(self, wanted: dict[PriceKey, PriceRecord]) -> None:
        missing = [key for key in wanted if key not in self.prices]
        if not missing:
            return
        Price.objects.bulk_create(
            [Price(amount=amount, currency=currency) for amount, currency in missing],
            ignore_conflicts=True,
        )
        for pid, amount, currency in Price.objects.filter(
            amount__in={key[0] for key in missing}
        ).values_list("id", "amount", "currency"):
            self.prices[(Decimal(amount).quantize(CENT), currency)] = pid

    def _prepare_tags(self, wanted: set[str]) -> None:
        missing = [name for name in wanted if name not in self.tags]
        if not missing:
            return
        ContentTag.objects.bulk_create(
            [ContentTag(name=name[:256]) for name in missing], ignore_conflicts=True
        )
        self.tags.update(ContentTag.objects.filter(name__in=missing).values_list("name", "id"))

    # ------------------------------------------------------------ lookups

    def platform(self, code: str) -> str:
        if code not in self.platforms:
            Platform.objects.get_or_create(
                code=code, defaults={"name": label_of(PlatformCode, code)}
            )
            self.platforms.add(code)
        return code

    def offeror(self, code: str | None) -> str | None:
        if not code:
            return None
        if code not in self.offerors:
            Offeror.objects.get_or_create(code=code, defaults={"name": label_of(OfferedBy, code)})
            self.offerors.add(code)
        return code

    def image(self, image: ImageRecord | None) -> int | None:
        if image is None:
            return None
        key = _image_key(image)
        if key not in self.images:
            self._prepare_images({key: image})
        return self.images[key]

    def instructor(self, person: InstructorRecord) -> int:
        if person.full_name not in self.instructors:
            self._prepare_instructors({person.full_name: person})
        return self.instructors[person.full_name]

    def price(self, price: PriceRecord) -> int:
        key = _price_key(price)
        if key not in self.prices:
            self._prepare_prices({key: price})
        return self.prices[key]

    def tag_ids(self, names: Iterable[str]) -> list[int]:
        wanted = list(dict.fromkeys(names))
        self._prepare_tags(set(wanted))
        return [self.tags[name] for name in wanted if name in self.tags]

    def department_ids(self, ids: Iterable[str]) -> list[str]:
        return [d for d in dict.fromkeys(ids) if d in self.departments]

    def department_name(self, department_id: str | None) -> str | None:
        return self.departments.get(department_id) if department_id else None

    def topic_ids(self, offeror: str | None, names: Iterable[str]) -> list[int]:
        """Map raw names through the offeror's mappings (or an exact topic name), with ancestors."""
        out: dict[int, None] = {}
        for name in names:
            key = name.strip().lower()
            mapped = self.mappings.get((offeror or "", key))
            if mapped is None and key in self.topic_by_name:
                mapped = [self.topic_by_name[key]]
            for tid in mapped or []:
                current: int | None = tid
                while current is not None and current not in out:
                    out[current] = None
                    current = self.topic_parent.get(current)
        return list(out)
