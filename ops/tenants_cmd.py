"""``triage tenants``: add a government (kota, kabupaten, provinsi), list them, show one,
configure its settings."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ops.arguments import database_url_argument
from ops.db_cmd import open_migrated
from triage.store import TENANT_LEVELS, TenantStore
from triage.tenants.tenancy import (
    add_tenant,
    read_settings,
    tenant_gazetteer,
    tenant_registry,
    tenant_settings,
)


def register(subparsers: Any) -> None:
    """Add the ``tenants`` sub-command."""
    parser = subparsers.add_parser(
        "tenants",
        help="add, list, show or configure tenants (governments)",
        description="A tenant is one government with its agency registry, gazetteer, "
        "settings, keys and complaints. The sample city, bandung, is the default tenant.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a tenant from its agency registry")
    add.add_argument("name", metavar="NAME", help="slug: lower-case letters, digits and '-'")
    add.add_argument("--registry", required=True, metavar="FILE", help="agency registry CSV")
    add.add_argument("--gazetteer", metavar="FILE", help="kecamatan,kelurahan CSV")
    add.add_argument("--level", choices=TENANT_LEVELS, default="kota")
    add.add_argument("--display-name", metavar="TEXT", help="e.g. 'Kota Samarinda'")
    listing = actions.add_parser("list", help="list the tenants")
    show = actions.add_parser("show", help="a tenant's agencies, places, keys and complaints")
    show.add_argument("name", metavar="NAME")
    configure = actions.add_parser("configure", help="replace a tenant's settings")
    configure.add_argument("name", metavar="NAME")
    configure.add_argument(
        "--settings",
        required=True,
        metavar="FILE",
        help='JSON: {"sla": {"verification_days": 3, "follow_up_days": 5, '
        '"resolution_days": 14}, "sensitivity": {"Banjir": 0.05}, "models_dir": "models/x"}',
    )
    for sub in (add, listing, show, configure):
        database_url_argument(sub)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Carry out the action."""
    # Files are read and checked before the store is opened: a bad one writes nothing.
    settings = read_settings(args.settings) if args.action == "configure" else None
    database = open_migrated(args.database_url)
    try:
        tenants = TenantStore(database.engine)
        if args.action == "add":
            tenant = add_tenant(
                tenants,
                args.name,
                args.registry,
                gazetteer_path=args.gazetteer,
                level=args.level,
                display_name=args.display_name,
            )
            print(
                f"added tenant {tenant.name!r} ({tenant.display_name}, {tenant.level}) with "
                f"{len(tenant_registry(tenant).agencies)} agencies, "
                f"registry {tenant.registry_digest}"
            )
        elif args.action == "list":
            for tenant in tenants.list_tenants():
                counts = tenants.counts(tenant.id)
                print(
                    f"{tenant.name}\t{tenant.display_name}\t{tenant.level}\t"
                    f"{counts.keys} keys\t{counts.complaints} complaints"
                )
        elif args.action == "show":
            _show(tenants, args.name)
        else:
            tenant = tenants.configure(args.name, settings or {})
            print(f"settings of {tenant.name!r}: {json.dumps(tenant.settings, sort_keys=True)}")
        return 0
    finally:
        database.dispose()


def _show(tenants: TenantStore, name: str) -> None:
    tenant = tenants.get_tenant(name)
    counts = tenants.counts(tenant.id)
    registry = tenant_registry(tenant)
    gazetteer = tenant_gazetteer(tenant)
    places = (
        f"{len(gazetteer.kecamatan)} kecamatan, {len(gazetteer.kelurahan)} kelurahan"
        if gazetteer is not None
        else "none"
    )
    print(f"tenant: {tenant.name} ({tenant.display_name}, {tenant.level})")
    print(f"registry: {len(registry.agencies)} agencies, digest {tenant.registry_digest}")
    print(f"gazetteer: {places}")
    print(f"keys: {counts.keys} active")
    print(f"complaints: {counts.complaints}")
    print(f"settings: {json.dumps(tenant.settings, sort_keys=True)}")
    # Validated on the way in; shown as the service will use them.
    sla = tenant_settings(tenant).sla
    print(
        f"sla: verification {sla.verification_days} working days, follow-up "
        f"{sla.follow_up_days} working days, resolution {sla.resolution_days} days"
    )
    print("agencies:")
    for agency in registry.agencies:
        aliases = f" ({', '.join(agency.aliases)})" if agency.aliases else ""
        print(f"  {agency.opd}{aliases}\t{';'.join(agency.urusan)}")
