"""``triage digest``: the weekly summary of alerts and complaints for managers."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ops.arguments import (
    database_url_argument,
    date_argument,
    days_argument,
    resolve_tenant,
    tenant_argument,
)
from ops.db_cmd import open_migrated
from triage.errors import DataFileError, InputError
from triage.trends.digest import build_digest, render_html, render_markdown


def register(subparsers: Any) -> None:
    """Add the ``digest`` sub-command."""
    digest = subparsers.add_parser(
        "digest",
        help="write the weekly alert summary for managers",
        description="Summarise the stored alerts, the busiest topics and areas and the share "
        "of complaints routed automatically, as Markdown or HTML for an e-mail.",
    )
    digest.add_argument("--since", type=days_argument, default=7, help="span, e.g. 7d (default)")
    digest.add_argument("--as-of", type=date_argument, help="last day covered (default today)")
    digest.add_argument("--format", choices=("md", "html"), default="md")
    digest.add_argument("--lang", choices=("en", "id"), default="en", help="alert sentences")
    digest.add_argument("--max-alerts", type=int, default=20, help="alerts listed (default 20)")
    digest.add_argument("--output", type=Path, help="file to write (default: standard output)")
    database_url_argument(digest)
    tenant_argument(digest)
    digest.set_defaults(func=run_digest)


def run_digest(args: argparse.Namespace) -> int:
    """Write the digest."""
    if not 1 <= args.max_alerts <= 500:
        raise InputError(f"--max-alerts must be between 1 and 500, got {args.max_alerts}")
    database = open_migrated(args.database_url)
    try:
        tenant = resolve_tenant(database.engine, args.tenant)
        digest = build_digest(
            database.engine,
            days=args.since,
            as_of=args.as_of,
            max_alerts=args.max_alerts,
            tenant_id=tenant.id,
        )
    finally:
        database.dispose()
    text = (render_html if args.format == "html" else render_markdown)(digest, args.lang)
    if args.output is None:
        print(text, end="")
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot write {args.output}: {exc}") from exc
    print(f"digest of {digest.start:%Y-%m-%d} to {digest.end:%Y-%m-%d} written to {args.output}")
    return 0
