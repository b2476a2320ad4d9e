"""Testimonial JSON in MIT Learn's v0 ``Attestation`` shape."""

from __future__ import annotations

from rest_framework import serializers

from learn.catalog.models import Channel, Offeror, Testimonial


class AttestationSerializer(serializers.ModelSerializer[Testimonial]):
    avatar = serializers.SerializerMethodField()
    avatar_small = serializers.SerializerMethodField()
    avatar_medium = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField()
    channels: serializers.PrimaryKeyRelatedField[Channel] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    offerors: serializers.PrimaryKeyRelatedField[Offeror] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Testimonial
        fields = [
            "id",
            "avatar",
            "avatar_small",
            "avatar_medium",
            "cover",
            "created_on",
            "updated_on",
            "attestant_name",
            "title",
            "quote",
            "position",
            "publish_date",
            "channels",
            "offerors",
        ]

    # One stored avatar serves every size (MIT Learn derives the small and medium ones).
    def get_avatar(self, testimonial: Testimonial) -> str | None:
        return testimonial.avatar_url or None

    def get_avatar_small(self, testimonial: Testimonial) -> str | None:
        return testimonial.avatar_url or None

    def get_avatar_medium(self, testimonial: Testimonial) -> str | None:
        return testimonial.avatar_url or None

    def get_cover(self, testimonial: Testimonial) -> str | None:
        return testimonial.cover_url or None
