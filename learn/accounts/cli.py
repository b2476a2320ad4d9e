"""``learn users``: local accounts for machines with no identity provider."""

from __future__ import annotations

import os
from typing import Annotated

import typer

app = typer.Typer(help="User accounts (local sign-in, editors, staff)", no_args_is_help=True)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")
    import django

    django.setup()


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="Login name")],
    email: Annotated[str, typer.Option(help="Email address")] = "",
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (default: $LEARN_USER_PASSWORD, else asked for)",
            envvar="LEARN_USER_PASSWORD",
        ),
    ] = None,
    staff: Annotated[bool, typer.Option(help="May use the admin and edit learning paths")] = False,
    superuser: Annotated[bool, typer.Option(help="Every permission")] = False,
    editor: Annotated[bool, typer.Option(help="Member of learning_path_editors")] = False,
    first_name: Annotated[str, typer.Option()] = "",
    last_name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a local account (with its profile and Favorites list)."""
    _setup()
    from django.contrib.auth.models import Group, User
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from learn.accounts.constants import LEARNING_PATH_EDITORS

    if User.objects.filter(username=username).exists():
        typer.echo(f"user {username!r} already exists", err=True)
        raise typer.Exit(code=1)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=staff or superuser,
        is_superuser=superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        typer.echo("password refused: " + " ".join(error.messages), err=True)
        raise typer.Exit(code=1) from error
    user.set_password(password)
    user.save()
    if editor:
        user.groups.add(Group.objects.get_or_create(name=LEARNING_PATH_EDITORS)[0])
    roles = [r for r, on in (("staff", staff), ("superuser", superuser), ("editor", editor)) if on]
    typer.echo(
        f"created user {username} (id {user.pk}){' as ' + ', '.join(roles) if roles else ''}"
    )


@app.command("list")
def list_users() -> None:
    """List accounts with their roles."""
    _setup()
    from django.contrib.auth.models import User

    from learn.accounts.permissions import is_learning_path_editor

    for user in User.objects.order_by("id").prefetch_related("groups"):
        roles = [
            r
            for r, on in (
                ("staff", user.is_staff),
                ("superuser", user.is_superuser),
                ("editor", is_learning_path_editor(user)),
            )
            if on
        ]
        typer.echo(f"{user.pk}\t{user.username}\t{user.email}\t{','.join(roles)}")
