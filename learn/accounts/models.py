"""Profiles and user lists. Users are Django's own ``auth.User``; a profile carries the
identity-provider id (``global_id``, the OIDC ``sub``) and the onboarding answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from learn.accounts.constants import (
    CertificateDesired,
    CurrentEducation,
    PrivacyLevel,
    TimeCommitment,
)
from learn.catalog.models import LearningResource, Topic


def _empty_list() -> list[str]:
    return []


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # The identity provider's subject (Keycloak ``sub``); null for local accounts.
    global_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    name = models.CharField(max_length=256, blank=True, default="")
    organization = models.CharField(max_length=256, blank=True, default="")
    image = models.CharField(max_length=1024, null=True, blank=True)
    image_small = models.CharField(max_length=1024, null=True, blank=True)
    image_medium = models.CharField(max_length=1024, null=True, blank=True)
    email_optin = models.BooleanField(null=True, blank=True)
    toc_optin = models.BooleanField(null=True, blank=True)
    bio = models.TextField(null=True, blank=True)
    headline = models.CharField(max_length=60, null=True, blank=True)
    location = models.JSONField(null=True, blank=True)
    topic_interests = models.ManyToManyField(Topic, blank=True, related_name="+")
    goals = models.JSONField(default=_empty_list, blank=True)
    current_education = models.CharField(
        max_length=64, choices=CurrentEducation.choices, blank=True, default=""
    )
    certificate_desired = models.CharField(
        max_length=16, choices=CertificateDesired.choices, blank=True, default=""
    )
    time_commitment = models.CharField(
        max_length=16, choices=TimeCommitment.choices, blank=True, default=""
    )
    delivery = models.JSONField(default=_empty_list, blank=True)
    completed_onboarding = models.BooleanField(default=False)
    # True for users who sign in through an identity provider (gateway, OIDC, bearer).
    is_sso_user = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"profile of {self.user_id}"


class UserList(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_lists"
    )
    title = models.CharField(max_length=256)
    description = models.TextField(blank=True, default="")
    privacy_level = models.CharField(
        max_length=16, choices=PrivacyLevel.choices, default=PrivacyLevel.private
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    resources = models.ManyToManyField(
        LearningResource, through="UserListRelationship", related_name="user_lists"
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"user list {self.pk}: {self.title}"


class UserListRelationship(models.Model):
    parent = models.ForeignKey(UserList, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(
        LearningResource, on_delete=models.CASCADE, related_name="user_list_parents"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "child"], name="unique_user_list_item")
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_id} #{self.position}"
