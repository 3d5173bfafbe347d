"""`mitra api-token USERNAME [--name N]` creates a token and prints it once; `--revoke HINT|all` revokes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mitra.api import services
from mitra.api.models import ApiToken
from mitra.core.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once), list the user's tokens, or revoke them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument("--list", action="store_true", help="List the user's active tokens.")
        parser.add_argument("--revoke", metavar="ID|all", help="Revoke the token with this id, or all of them.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if options["list"]:
            for token in active:
                self.stdout.write(f"{token.pk}\t{token.hint}…\t{token.name}\t{token.created_at:%Y-%m-%d}")
            return
        if options["revoke"]:
            chosen = active if options["revoke"] == "all" else active.filter(pk=int(options["revoke"]))
            if not chosen.exists():
                raise CommandError("No such active token.")
            for token in chosen:
                services.token_revoke(actor=None, token=token, system=True)
                self.stdout.write(f"revoked {token.pk} ({token.hint}…)")
            return
        _token, raw = services.token_create(actor=None, user=user, name=options["name"], system=True)
        self.stdout.write(raw)
