"""``triage complaints``: move a complaint through its life, or list its events, from a shell.

For operators' jobs (closing complaints whose reporter never answered) and for fixing a
complaint by hand; the actor defaults to the operating-system user and the role is admin,
since whoever runs this holds the database URL.
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from ops.arguments import database_url_argument, resolve_tenant, tenant_argument
from triage.casework.lifecycle import ArchiveReason, State
from triage.errors import InputError
from triage.routing.external_bodies import default_external_bodies
from triage.store import EventRecord, IncidentStore, display_url, make_engine


def _complaint_id(value: str) -> int:
    if not value.isdecimal() or not 1 <= int(value) <= 2**31 - 1:
        raise argparse.ArgumentTypeError(
            f"expected a complaint id (a positive number), not {value!r}"
        )
    return int(value)


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def register(subparsers: Any) -> None:
    """Add the ``complaints`` sub-command."""
    parser = subparsers.add_parser(
        "complaints",
        help="move a complaint to another state, or list its events",
        description="A complaint's life: states, as in SP4N-LAPOR!, and the events between them.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    move = actions.add_parser("transition", help="move a complaint to another state")
    move.add_argument("--id", required=True, type=_complaint_id, dest="complaint_id")
    move.add_argument("--to", required=True, choices=[s.value for s in State], dest="to_state")
    move.add_argument("--reason", help="why (masked before it is stored)")
    move.add_argument("--tanggapan", help="what the reporter is told (masked)")
    move.add_argument("--archive-reason", choices=[r.value for r in ArchiveReason])
    move.add_argument("--external-body", help="registry key of the body, for dialihkan")
    move.add_argument("--actor", default=None, help="who makes the move (default: cli:<user>)")
    move.add_argument(
        "--apply-to-cluster",
        action="store_true",
        help="also move the other open complaints of the incident this one starts (selesai or "
        "diarsipkan), an event each, all or none",
    )
    events = actions.add_parser("events", help="list a complaint's events, oldest first")
    events.add_argument("--id", required=True, type=_complaint_id, dest="complaint_id")
    for sub in (move, events):
        database_url_argument(sub)
        tenant_argument(sub)
    parser.set_defaults(func=run)


def _line(event: EventRecord) -> str:
    extra = [
        f"{name}={value}"
        for name, value in (
            ("archive_reason", event.archive_reason),
            ("body", event.external_body),
            ("reason", event.reason),
            ("tanggapan", event.tanggapan),
        )
        if value
    ]
    return "\t".join(
        [
            str(event.seq),
            f"{event.at:%Y-%m-%dT%H:%M:%SZ}",
            f"{event.from_state} -> {event.to_state}",
            f"{event.actor} ({event.role})",
            *extra,
        ]
    )


def run(args: argparse.Namespace) -> int:
    """Carry out the action."""
    engine = make_engine(args.database_url, must_exist=True)
    try:
        store = IncidentStore(engine)
        if store.schema_revision() is None:
            raise InputError(
                f"{display_url(args.database_url)} has no tables yet: run `triage db upgrade`"
            )
        # Another tenant's complaint id is "no complaint with id ...", as in the API.
        store = store.for_tenant(resolve_tenant(engine, args.tenant).id)
        if args.action == "transition" and args.apply_to_cluster:
            done = store.transition_cluster(
                args.complaint_id,
                to_state=args.to_state,
                actor=args.actor or _operator(),
                role="admin",
                reason=args.reason,
                archive_reason=args.archive_reason,
                tanggapan=args.tanggapan,
                known_bodies=frozenset(default_external_bodies()),
            )
            for event in done.events:
                print(f"{event.complaint_id}\t{_line(event)}")
            for complaint_id, state in done.skipped:
                print(f"{complaint_id}\tskipped: already {state}")
        elif args.action == "transition":
            event = store.transition(
                args.complaint_id,
                to_state=args.to_state,
                actor=args.actor or _operator(),
                role="admin",
                reason=args.reason,
                archive_reason=args.archive_reason,
                external_body=args.external_body,
                tanggapan=args.tanggapan,
                known_bodies=frozenset(default_external_bodies()),
            )
            print(_line(event))
        else:
            for event in store.events(args.complaint_id):
                print(_line(event))
        return 0
    finally:
        engine.dispose()
