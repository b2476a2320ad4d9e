"""Serializers of the current user, profiles and user lists (MIT Learn's v0/v1 shapes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learn.accounts.constants import (
    CertificateDesired,
    CurrentEducation,
    Delivery,
    Goal,
    PrivacyLevel,
    TimeCommitment,
)
from learn.accounts.fields import TopicListField
from learn.accounts.lists import MAX_POSITION, next_position
from learn.accounts.models import Profile, UserList, UserListRelationship
from learn.accounts.permissions import is_article_editor, is_learning_path_editor
from learn.catalog.models import LearningResource
from learn.catalog.queries import published_resources
from learn.catalog.serializers import LearningResourceSerializer


class PreferencesSearchSerializer(serializers.Serializer[Profile]):
    certification = serializers.BooleanField(required=False)
    topic = serializers.ListField(child=serializers.CharField(), required=False)
    delivery = serializers.ListField(child=serializers.CharField(), required=False)


def preference_search_filters(profile: Profile) -> dict[str, Any]:
    """The search filters a dashboard uses for this profile's carousels (as MIT Learn derives
    them): certification when a certificate is wanted, topics of interest, delivery modes."""
    filters: dict[str, Any] = {}
    if profile.certificate_desired == CertificateDesired.yes:
        filters["certification"] = True
    elif profile.certificate_desired == CertificateDesired.no:
        filters["certification"] = False
    topics = [t.name for t in profile.topic_interests.all()]
    if topics:
        filters["topic"] = topics
    if profile.delivery:
        filters["delivery"] = list(profile.delivery)
    return filters


class ProfileSerializer(serializers.ModelSerializer[Profile]):
    name = serializers.SerializerMethodField(help_text="Get the user's name")
    image_file = serializers.SerializerMethodField()
    image_small_file = serializers.SerializerMethodField()
    image_medium_file = serializers.SerializerMethodField()
    profile_image_small = serializers.SerializerMethodField()
    profile_image_medium = serializers.SerializerMethodField()
    username = serializers.SerializerMethodField()
    placename = serializers.SerializerMethodField()
    email_optin = serializers.BooleanField(required=False)
    toc_optin = serializers.BooleanField(required=False, write_only=True)
    location = serializers.JSONField(required=False, allow_null=True, write_only=True)
    topic_interests = TopicListField(required=False)
    goals = serializers.ListField(
        child=serializers.ChoiceField(choices=Goal.choices), required=False
    )
    delivery = serializers.ListField(
        child=serializers.ChoiceField(choices=Delivery.choices), required=False
    )
    current_education = serializers.ChoiceField(
        choices=CurrentEducation.choices, required=False, allow_blank=True
    )
    certificate_desired = serializers.ChoiceField(
        choices=CertificateDesired.choices, required=False, allow_blank=True
    )
    time_commitment = serializers.ChoiceField(
        choices=TimeCommitment.choices, required=False, allow_blank=True
    )
    completed_onboarding = serializers.BooleanField(required=False)
    preference_search_filters = serializers.SerializerMethodField()

    def get_name(self, profile: Profile) -> str:
        return profile.name or profile.user.get_full_name() or profile.user.username

    def get_image_file(self, profile: Profile) -> str | None:
        return None

    get_image_small_file = get_image_file
    get_image_medium_file = get_image_file

    def get_profile_image_small(self, profile: Profile) -> str:
        return profile.image_small or profile.image or ""

    def get_profile_image_medium(self, profile: Profile) -> str:
        return profile.image_medium or profile.image or ""

    def get_username(self, profile: Profile) -> str:
        return profile.user.username

    def get_placename(self, profile: Profile) -> str:
        location = profile.location
        if isinstance(location, dict):
            return str(location.get("value") or location.get("name") or "")
        return str(location or "")

    @extend_schema_field(PreferencesSearchSerializer)
    def get_preference_search_filters(self, profile: Profile) -> dict[str, Any]:
        return preference_search_filters(profile)

    def to_representation(self, instance: Profile) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        data["email_optin"] = bool(instance.email_optin)
        return data

    def update(self, instance: Profile, validated_data: dict[str, Any]) -> Profile:
        topics = validated_data.pop("topic_interests", None)
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            if topics is not None:
                instance.topic_interests.set(topics)
        return instance

    class Meta:
        model = Profile
        fields = [
            "name",
            "image",
            "image_small",
            "image_medium",
            "image_file",
            "image_small_file",
            "image_medium_file",
            "profile_image_small",
            "profile_image_medium",
            "email_optin",
            "toc_optin",
            "bio",
            "headline",
            "location",
            "username",
            "placename",
            "topic_interests",
            "goals",
            "current_education",
            "certificate_desired",
            "time_commitment",
            "delivery",
            "completed_onboarding",
            "preference_search_filters",
        ]


class CurrentUserSerializer(serializers.Serializer[User]):
    """The requesting user; anonymous visitors get ``is_authenticated: false`` and empty fields."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    username = serializers.CharField(read_only=True)
    global_id = serializers.SerializerMethodField()
    profile = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True, default="")
    first_name = serializers.CharField(read_only=True, default="")
    last_name = serializers.CharField(read_only=True, default="")
    is_article_editor = serializers.SerializerMethodField()
    is_learning_path_editor = serializers.SerializerMethodField()
    is_authenticated = serializers.SerializerMethodField()
    is_sso_user = serializers.SerializerMethodField()

    def _profile(self, user: User | AnonymousUser) -> Profile | None:
        return getattr(user, "profile", None) if user.is_authenticated else None

    def get_global_id(self, user: User | AnonymousUser) -> str | None:
        profile = self._profile(user)
        return profile.global_id if profile else None

    @extend_schema_field(ProfileSerializer(allow_null=True))
    def get_profile(self, user: User | AnonymousUser) -> dict[str, Any] | None:
        profile = self._profile(user)
        return dict(ProfileSerializer(profile).data) if profile else None

    def get_is_article_editor(self, user: User | AnonymousUser) -> bool:
        return is_article_editor(user)

    def get_is_learning_path_editor(self, user: User | AnonymousUser) -> bool:
        return is_learning_path_editor(user)

    def get_is_authenticated(self, user: User | AnonymousUser) -> bool:
        return bool(user.is_authenticated)

    def get_is_sso_user(self, user: User | AnonymousUser) -> bool:
        profile = self._profile(user)
        return bool(profile and profile.is_sso_user)


# ---------------------------------------------------------------- user lists


class UserListSerializer(serializers.ModelSerializer[UserList]):
    """A user list; ``author`` is the signed-in user, never taken from the body."""

    topics = TopicListField(required=False)
    item_count = serializers.SerializerMethodField(
        help_text="Number of published items in the list."
    )
    image = serializers.SerializerMethodField(help_text="Return the image of the first item")
    privacy_level = serializers.ChoiceField(choices=PrivacyLevel.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    author = serializers.IntegerField(source="author_id", read_only=True)

    def _published_children(self, user_list: UserList) -> list[UserListRelationship]:
        return [
            rel
            for rel in user_list.children.all()
            if rel.child.published and not rel.child.test_mode
        ]

    def get_item_count(self, user_list: UserList) -> int:
        return len(self._published_children(user_list))

    @extend_schema_field({"type": "object", "additionalProperties": {}})
    def get_image(self, user_list: UserList) -> dict[str, Any]:
        for rel in self._published_children(user_list):
            image = rel.child.image
            if image is not None:
                return {
                    "id": image.pk,
                    "url": image.url,
                    "alt": image.alt,
                    "description": image.description,
                }
        return {}

    def create(self, validated_data: dict[str, Any]) -> UserList:
        topics = validated_data.pop("topics", None)
        with transaction.atomic():
            user_list = UserList.objects.create(**validated_data)
            if topics:
                user_list.topics.set(topics)
        return user_list

    def update(self, instance: UserList, validated_data: dict[str, Any]) -> UserList:
        topics = validated_data.pop("topics", None)
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            if topics is not None:
                instance.topics.set(topics)
        return instance

    class Meta:
        model = UserList
        fields = [
            "id",
            "topics",
            "item_count",
            "image",
            "title",
            "description",
            "privacy_level",
            "author",
        ]


class UserListRelationshipSerializer(serializers.ModelSerializer[UserListRelationship]):
    """An item of a user list; the parent is the list of the URL."""

    resource = LearningResourceSerializer(source="child", read_only=True)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    parent = serializers.IntegerField(source="parent_id", required=False)  # type: ignore[assignment]
    child = serializers.PrimaryKeyRelatedField(queryset=published_resources())

    def validate_parent(self, value: int) -> int:
        user_list: UserList | None = self.context.get("user_list")
        if user_list is not None and value != user_list.pk:
            raise serializers.ValidationError("Must be the list of the URL.")
        return value

    def validate_child(self, value: LearningResource) -> LearningResource:
        user_list: UserList | None = self.context.get("user_list")
        if user_list is None:
            return value
        existing = user_list.children.filter(child=value)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise serializers.ValidationError("This resource is already in the list.")
        return value

    def create(self, validated_data: dict[str, Any]) -> UserListRelationship:
        user_list: UserList = self.context["user_list"]
        validated_data.pop("parent_id", None)
        position = validated_data.pop("position", None)
        return UserListRelationship.objects.create(
            parent=user_list,
            child=validated_data["child"],
            position=next_position(user_list) if position is None else position,
        )

    def update(
        self, instance: UserListRelationship, validated_data: dict[str, Any]
    ) -> UserListRelationship:
        validated_data.pop("parent_id", None)
        return super().update(instance, validated_data)

    class Meta:
        model = UserListRelationship
        fields = ["id", "resource", "position", "parent", "child"]


class MicroRelationshipSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", read_only=True, help_text="The id of the parent learning resource"
    )
    child = serializers.IntegerField(source="child_id", read_only=True)
