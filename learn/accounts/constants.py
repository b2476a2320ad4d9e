"""Choices and names shared by the accounts package (values as MIT Learn's API sends them)."""

from __future__ import annotations

from django.db import models

LEARNING_PATH_EDITORS = "learning_path_editors"
ARTICLE_EDITORS = "article_editors"
FAVORITES_TITLE = "Favorites"


class PrivacyLevel(models.TextChoices):
    private = "private", "private"
    unlisted = "unlisted", "unlisted"


class Goal(models.TextChoices):
    academic_excellence = "academic-excellence", "Academic Boost"
    career_growth = "career-growth", "Career Growth"
    lifelong_learning = "lifelong-learning", "Lifelong Learning"


class CurrentEducation(models.TextChoices):
    doctorate = "Doctorate", "Doctorate"
    masters = "Master's or professional degree", "Master's or professional degree"
    bachelors = "Bachelor's degree", "Bachelor's degree"
    associate = "Associate degree", "Associate degree"
    secondary = "Secondary/high school", "Secondary/high school"
    junior_secondary = (
        "Junior secondary/junior high/middle school",
        "Junior secondary/junior high/middle school",
    )
    none = "No formal education", "No formal education"
    other = "Other education", "Other education"


class CertificateDesired(models.TextChoices):
    yes = "yes", "Yes, I am looking for a certificate"
    no = "no", "No, I am not looking for a certificate"
    not_sure = "not-sure-yet", "Not Sure"


class TimeCommitment(models.TextChoices):
    up_to_5 = "0-to-5-hours", "<5 hours/week"
    up_to_10 = "5-to-10-hours", "5-10 hours/week"
    up_to_20 = "10-to-20-hours", "10-20 hours/week"
    up_to_30 = "20-to-30-hours", "20-30 hours/week"
    over_30 = "30-plus-hours", "30+ hours/week"


class Delivery(models.TextChoices):
    online = "online", "Online"
    hybrid = "hybrid", "Hybrid"
    in_person = "in_person", "In-Person"
    offline = "offline", "Offline"
