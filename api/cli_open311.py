"""``hotline open311``: the client applications that may create service requests over Open311, and their keys."""

from __future__ import annotations

import click

from .cli_support import hotline_for
from .settings import Settings


@click.group()
def open311() -> None:
    """Open311 client applications and their api_keys."""


def _clients(config: Settings):
    from processes.open311.clients import Clients

    return Clients(hotline_for(config).engine)


@open311.command("add")
@click.argument("name")
@click.pass_obj
def open311_add(config: Settings, name: str) -> None:
    """Issue an api_key to the client application NAME; the key is the last line (shown once: only its hash is
    kept). A revoked application may be issued a new key."""
    try:
        key = _clients(config).add(name)
    except ValueError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"api_key for {name} (give it to the application; it is not shown again):")
    click.echo(key)


@open311.command("revoke")
@click.argument("name")
@click.pass_obj
def open311_revoke(config: Settings, name: str) -> None:
    """Stop the api_key of the client application NAME at once."""
    try:
        _clients(config).revoke(name)
    except LookupError as err:
        raise click.ClickException(str(err.args[0])) from None
    click.echo(f"the api_key of {name} is revoked")


@open311.command("list")
@click.pass_obj
def open311_list(config: Settings) -> None:
    """The client applications, with whether their key is active and when it was issued or revoked."""
    for client in _clients(config).list():
        state = "active" if client["active"] else f"revoked {client['revoked_at']:%Y-%m-%d %H:%M}"
        click.echo(f"{client['name']}\t{state}\tissued {client['created_at']:%Y-%m-%d %H:%M}")
