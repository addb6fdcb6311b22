"""``triage import lapor FILE --tenant NAME``: load an SP4N-LAPOR! export into the store.

The file is read and checked whole first (:mod:`triage.sources.lapor`), then written in one
transaction (:mod:`triage.store.imports`): every row or none.  Only pengaduan are complaints
to route; aspirasi and permintaan informasi are counted and left in LAPOR!.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

from ops.arguments import database_url_argument
from ops.db_cmd import open_migrated
from triage.errors import InputError
from triage.sources.lapor import (
    SOURCE,
    Klasifikasi,
    LaporRow,
    RowError,
    describe_errors,
    read_lapor,
)
from triage.store import TenantStore
from triage.store.imports import ImportedComplaint, ImportRowsError, ImportStore
from triage.store.schema import DEFAULT_TENANT

ACTOR = "import:lapor"


def register(subparsers: Any) -> None:
    """Add the ``import`` sub-command."""
    parser = subparsers.add_parser(
        "import",
        help="load another system's complaint export into the store",
        description="Load a complaint export whole (one transaction) or not at all.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    lapor = kinds.add_parser(
        "lapor",
        help="an SP4N-LAPOR! export (.xlsx or .csv)",
        description="Import an SP4N-LAPOR! export: masked, idempotent on Tracking ID.",
    )
    lapor.add_argument("file", metavar="FILE", help="the export, .xlsx or .csv")
    lapor.add_argument(
        "--tenant", default=DEFAULT_TENANT, help=f"the government it belongs to ({DEFAULT_TENANT})"
    )
    database_url_argument(lapor)
    parser.set_defaults(func=run)


def imported(row: LaporRow) -> ImportedComplaint:
    """A LAPOR! pengaduan as the store imports it: its disposition as the OPD."""
    return ImportedComplaint(
        row=row.row,
        external_id=row.tracking_id,
        text=row.text,
        title=row.title,
        created_at=row.created_at,
        kecamatan=row.kecamatan,
        kelurahan=row.kelurahan,
        opd=row.agency,
        topic=row.topic,
        state=row.state.value,
        note=f"SP4N-LAPOR! status {row.lapor_status}",
    )


def run(args: argparse.Namespace) -> int:
    """Find the tenant, read and check the whole file, then write it; print what was done."""
    engine = open_migrated(args.database_url).engine
    try:
        tenant = TenantStore(engine).get_tenant(args.tenant)
        rows = read_lapor(args.file)
        kinds = Counter(row.klasifikasi for row in rows)
        complaints = [imported(row) for row in rows if row.klasifikasi is Klasifikasi.PENGADUAN]
        store = ImportStore(engine, tenant_id=tenant.id)
        try:
            summary = store.import_complaints(SOURCE, complaints, actor=ACTOR, channel=SOURCE)
        except ImportRowsError as exc:
            errors = [RowError(row, message) for row, message in exc.errors]
            raise InputError(describe_errors(args.file, errors)) from None
    finally:
        engine.dispose()
    others = len(rows) - len(complaints)
    print(
        f"{args.file} into {tenant.name}: {len(rows)} rows; {summary.added} complaints added, "
        f"{summary.moved} moved on ({summary.events} events), {summary.unchanged} already "
        "stored unchanged; "
        f"{others} not complaints left out ({kinds[Klasifikasi.ASPIRASI]} aspirasi, "
        f"{kinds[Klasifikasi.PERMINTAAN_INFORMASI]} permintaan informasi)"
    )
    return 0
