"""``triage keys``: API keys for the routing service; a new key is printed once, never stored."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ops.arguments import resolve_tenant, tenant_argument
from ops.db_cmd import database_url_argument
from triage.errors import InputError
from triage.store import ROLES, KeyStore, display_url, make_engine


def register(subparsers: Any) -> None:
    """Add the ``keys`` sub-command."""
    parser = subparsers.add_parser(
        "keys",
        help="create, list or revoke API keys",
        description="Manage the API keys of the routing service. A key serves one tenant "
        "(--tenant, default bandung): it reads and writes that tenant's data only. Roles: "
        "ingest (classify and store complaints), review (also correct them and read the "
        "queue), read (every GET), admin (everything).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a client and print its key once")
    create.add_argument("--name", required=True, help="unique client name, e.g. lapor-connector")
    create.add_argument("--role", required=True, choices=ROLES)
    revoke = actions.add_parser("revoke", help="revoke a client's key")
    revoke.add_argument("--name", required=True)
    listing = actions.add_parser("list", help="list clients (never their keys)")
    for sub in (create, revoke, listing):
        database_url_argument(sub)
        tenant_argument(sub)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Carry out the action."""
    engine = make_engine(args.database_url, must_exist=True)
    try:
        keys = KeyStore(engine)
        if keys.schema_revision() is None:
            raise InputError(
                f"{display_url(args.database_url)} has no tables yet: run `triage db upgrade`"
            )
        tenant = resolve_tenant(engine, args.tenant)
        keys = keys.for_tenant(tenant.id)
        if args.action == "create":
            client, key = keys.create(args.name, args.role)
            print(
                f"created client {client.name!r} of tenant {tenant.name!r} with role "
                f"{client.role}; its key follows and is shown only now:",
                file=sys.stderr,
            )
            print(key)
        elif args.action == "revoke":
            keys.revoke(args.name)
            print(f"revoked {args.name!r} of tenant {tenant.name!r}", file=sys.stderr)
        else:
            for client in keys.clients():
                state = "active" if client.active else f"revoked {client.revoked_at:%Y-%m-%d}"
                print(f"{client.name}\t{client.role}\t{client.created_at:%Y-%m-%d}\t{state}")
        return 0
    finally:
        engine.dispose()
