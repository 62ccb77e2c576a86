"""The ``rempart`` command: one short function per command over the library.

Each command parses its options, makes one call to the case layer (:mod:`rempart.case`) and
prints what it returns; the case layer records custody, whichever interface calls it. This
module imports nothing but the public library (checked by ``tests/test_architecture.py``).

Every command finds its case from ``--case PATH``, else ``$REMPART_CASE``, else
``./rempart-case``. Library errors become a one-line message and a non-zero exit.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable, TypeVar
from zoneinfo import ZoneInfo

import click
import orjson

from . import case as rc
from .errors import RempartError
from .textsafe import safe_json, safe_lines, safe_markup, safe_text
from .timebounds import DATE_HINT, TimeBoundError, bound_iso
from .version import __version__

F = TypeVar("F", bound=Callable[..., Any])


class When(click.ParamType):  # type: ignore[type-arg]
    """A ``--since`` / ``--until`` instant (see :mod:`rempart.timebounds`), passed on as an
    exact ISO 8601 UTC time; a date alone is a whole day (``until`` then includes it)."""

    name = "date"

    def __init__(self, end: bool = False) -> None:
        self.end = end

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return bound_iso(value, end=self.end)
        except TimeBoundError:
            self.fail(f"{safe_text(str(value)[:60])!r} is not a date: {DATE_HINT}", param, ctx)


SINCE = click.option(
    "--since",
    type=When(),
    default=None,
    help="Only messages created at or after this time: ISO 8601, e.g. "
    "2026-03-01 or 2026-03-01T14:00:00+02:00 (no offset: UTC).",
)
UNTIL = click.option(
    "--until",
    type=When(end=True),
    default=None,
    help="Only messages created before this time; a date alone includes that whole day (UTC).",
)

case_option = click.option(
    "--case",
    "case_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Case directory (default: $REMPART_CASE, else ./rempart-case).",
)


def friendly(fn: F) -> F:
    """Turn library errors into a one-line message and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except RempartError as exc:
            raise click.ClickException(safe_lines(str(exc))) from None

    return wrapper  # type: ignore[return-value]


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rempart")
def main() -> None:
    """rempart: defend people targeted by online harassment raids."""


@main.command()
@click.argument("path", type=click.Path())
@click.option(
    "--target",
    "targets",
    multiple=True,
    required=True,
    help="A targeted account (repeatable), e.g. @alice or @alice@mastodon.social.",
)
@click.option("--name", default=None, help="A name for the case (default: the folder name).")
@friendly
def init(path: str, targets: tuple[str, ...], name: str | None) -> None:
    """Create a case directory for one or more targets."""
    case = rc.init_case(path, list(targets), name=name)
    click.echo(
        safe_text(
            f"Created case {case.config['case']['name']!r} in {path} for {', '.join(case.targets)}."
        )
    )
    click.echo(f"Next: rempart ingest --case {safe_text(path)} FILE_OR_DIR")
    case.close()


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    default=None,
    help="Force a format instead of auto-detection (see `rempart formats`).",
)
@click.option(
    "--encoding",
    default=None,
    help="Text encoding of CSV files (e.g. cp1252, latin-1) instead of detecting it.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@case_option
@friendly
def ingest(
    paths: tuple[str, ...],
    fmt: str | None,
    encoding: str | None,
    quiet: bool,
    case_path: Path | None,
) -> None:
    """Import files or folders: every record sealed in the evidence log."""
    with rc.open_case(case_path) as case:
        report = _ingest_with_progress(case, list(paths), fmt, quiet, encoding)
    _print_ingest(report)


def _ingest_with_progress(
    case: rc.Case, paths: list[str], fmt: str | None, quiet: bool, encoding: str | None = None
) -> Any:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    command = "rempart ingest " + " ".join(sys.argv[2:]) if len(sys.argv) > 1 else None
    if quiet or not sys.stderr.isatty():
        return rc.ingest(case, paths, format=fmt, command=command, encoding=encoding)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    # refreshed by hand, with no thread of its own: a large file is then read by two
    # processes (a process is forked only when no other thread runs)
    with Progress(*columns, console=_stderr_console(), transient=True, auto_refresh=False) as bar:
        task = bar.add_task("ingesting", total=None)

        def on_file(path: Path, size: int) -> None:
            bar.update(task, description=safe_markup(path.name[:30]), total=size, completed=0)
            bar.refresh()

        def advance(n: int) -> None:
            bar.advance(task, n)
            bar.refresh()

        return rc.ingest(
            case,
            paths,
            format=fmt,
            command=command,
            encoding=encoding,
            progress=advance,
            on_file=on_file,
        )


#: Skipped files listed one per line by ``rempart ingest``; the others are counted by reason.
SKIPPED_SHOWN = 20


def _print_skipped(files: list[Any]) -> None:
    """Each skipped path with its reason; past :data:`SKIPPED_SHOWN`, a count per reason."""
    for f in files[:SKIPPED_SHOWN]:
        click.echo(f"  skipped {safe_text(f.path)}: {safe_text(f.skipped)}")
    rest = Counter(f.skipped for f in files[SKIPPED_SHOWN:])
    if rest:
        counts = ", ".join(f"{n} {safe_text(reason)}" for reason, n in rest.most_common())
        click.echo(f"  … and {sum(rest.values())} more skipped: {counts}")


def _print_ingest(report: Any) -> None:
    _print_skipped([f for f in report.files if f.skipped])
    for f in report.files:
        if f.skipped:
            continue
        known = f.records - f.new_records - f.new_rejects
        fmt = f"{f.format}, {f.encoding}" if f.encoding else f.format
        click.echo(
            f"  {safe_text(f.path)} [{fmt}]: {f.new_records} new records, {known} "
            f"already captured, {f.new_rejects} rejected, {f.items} items"
        )
    skipped = sum(1 for f in report.files if f.skipped)
    if skipped:
        click.echo(
            f"{len(report.files) - skipped} file(s) read, {skipped} skipped (not read; "
            "listed above with the reason)"
        )
    if report.rejects:
        click.echo(
            f"{len(report.rejects)} record(s) could not be read and were kept as rejects "
            "(see `rempart rejects`):"
        )
        for note in report.rejects[:10]:
            where = f"{note.path}:{note.line}" if note.line else note.path
            click.echo(f"  {safe_text(where)}: {safe_text(note.reason)}")
        if len(report.rejects) > 10:
            click.echo(f"  … and {len(report.rejects) - 10} more")
    click.echo(f"Capture {report.capture_id} sealed: log head {report.head_seq} {report.head_hash}")
    if report.stamps is not None:
        _print_stamps(report.stamps)


def _print_stamps(stamps: Any) -> None:
    """Tokens obtained, and a warning naming each timestamp authority that failed."""
    for token in stamps.tokens:
        click.echo(
            f"Timestamped tree head #{stamps.head_id} (size {stamps.tree_size}) by "
            f"{safe_text(token.url)} at {safe_text(token.gen_time)}"
        )
    for error in stamps.errors:
        click.echo(
            f"warning: {safe_text(error)} (the case is kept; run `rempart timestamp` to retry)",
            err=True,
        )


@main.command()
@click.option("--quick", is_flag=True, help="Skip re-deriving messages from the raw records.")
@click.option(
    "--head",
    default=None,
    help="A head hash noted earlier that must still be there (any letter case, or "
    "its first 12 or more characters).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@case_option
@friendly
def verify(quick: bool, head: str | None, as_json: bool, case_path: Path | None) -> None:
    """Recompute every hash, link and message; exit 1 naming the first problem."""
    with rc.open_case(case_path) as case:
        if sys.stderr.isatty() and not as_json:
            with _stderr_console().status("verifying hashes, chain and messages…"):
                report = rc.verify(case, replay=not quick, head=head)
        else:
            report = rc.verify(case, replay=not quick, head=head)
    if as_json:
        click.echo(
            safe_json(
                orjson.dumps(
                    {
                        "ok": report.ok,
                        "entries": report.entries,
                        "records": report.records,
                        "rejects": report.rejects,
                        "messages": report.messages,
                        "incidents": report.incidents,
                        "head_seq": report.head_seq,
                        "head_hash": report.head_hash,
                        "noted_head_seq": report.noted_head_seq,
                        "problems": [vars(p) for p in report.problems],
                        "notices": [vars(p) for p in report.notices],
                    },
                    option=orjson.OPT_INDENT_2,
                ).decode()
            )
        )
        if not report.ok:
            sys.exit(1)
        return
    for notice in report.notices:
        click.echo(f"notice: {safe_text(notice)}", err=True)
    if report.ok:
        click.echo(
            f"OK: {report.entries} log entries, {report.records} records, "
            f"{report.rejects} rejects, {report.messages} messages"
            + (f", {report.incidents} incidents" if report.incidents else "")
            + f" verified; head {report.head_seq} {report.head_hash}"
        )
        if report.noted_head_seq is not None:
            click.echo(
                f"The head you noted is entry {report.noted_head_seq}: the log still contains it."
            )
    else:
        click.echo(f"FAILED: {safe_text(report.first)}", err=True)
        for p in report.problems[1:20]:
            click.echo(f"  also: {safe_text(p)}", err=True)
        if len(report.problems) > 20:
            click.echo(f"  … {len(report.problems) - 20} more problems", err=True)
    if not report.ok:
        sys.exit(1)


@main.command("tree-head")
@click.option("--latest", is_flag=True, help="Print the last signed head instead of signing one.")
@case_option
@friendly
def tree_head(latest: bool, case_path: Path | None) -> None:
    """Sign the head of the case's evidence Merkle tree now and print it as JSON."""
    with rc.open_case(case_path) as case:
        sth, stamps = (rc.latest_tree_head(case), None) if latest else rc.sign_and_stamp(case)
    if sth is None:
        raise click.ClickException("no signed tree head yet; run `rempart tree-head` to sign one")
    click.echo(sth.to_json())
    if stamps is not None:
        _print_stamps(stamps)


@main.command()
@click.option(
    "--entry",
    "seq",
    type=int,
    default=None,
    help="Inclusion proof of this log entry (its sequence number).",
)
@click.option(
    "--consistency",
    nargs=2,
    type=int,
    default=None,
    metavar="OLD NEW",
    help="Consistency proof between two tree sizes (two signed heads).",
)
@click.option(
    "--size",
    type=int,
    default=None,
    help="Tree size of the inclusion proof (default: the latest signed head's).",
)
@case_option
@friendly
def proof(
    seq: int | None, consistency: tuple[int, int] | None, size: int | None, case_path: Path | None
) -> None:
    """Print an RFC 9162 proof as JSON: that an entry is in the signed tree (--entry SEQ),
    or that a later tree extends an earlier one (--consistency OLD NEW)."""
    if (seq is None) == (consistency is None):
        raise click.UsageError("give either --entry SEQ or --consistency OLD NEW")
    with rc.open_case(case_path) as case:
        if seq is not None:
            data = rc.inclusion_proof(case, seq, size)
        else:
            assert consistency is not None
            data = rc.consistency_proof(case, consistency[0], consistency[1])
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())


@main.command()
@click.option(
    "--tsa",
    "urls",
    multiple=True,
    help="A timestamp authority URL (repeatable; default: the tsa_urls setting).",
)
@case_option
@friendly
def timestamp(urls: tuple[str, ...], case_path: Path | None) -> None:
    """Have the timestamp authorities (RFC 3161) stamp the latest signed tree head."""
    with rc.open_case(case_path) as case:
        stamps = rc.timestamp(case, list(urls) or None)
    _print_stamps(stamps)
    if not stamps.tokens:
        sys.exit(1)


@main.group()
def tsa() -> None:
    """Timestamp authorities the case trusts (their root certificates)."""


@tsa.command("add-root")
@click.argument("pem_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@case_option
@friendly
def tsa_add_root(pem_file: Path, case_path: Path | None) -> None:
    """Trust a timestamp authority's root certificate (PEM) when verifying its tokens."""
    with rc.open_case(case_path) as case:
        kept = rc.add_tsa_root(case, pem_file.read_bytes())
    click.echo(f"Trusted {safe_text(pem_file)} (kept as {safe_text(kept)})")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@case_option
@friendly
def custody(as_json: bool, case_path: Path | None) -> None:
    """The chain of custody: who captured, viewed, annotated, stamped or exported what, when."""
    with rc.open_case(case_path) as case:
        events = rc.custody(case, by="cli")
    for event in events:
        if as_json:
            click.echo(safe_json(orjson.dumps(event.to_json()).decode()))
            continue
        what = orjson.dumps(event.what).decode()
        by = "(unknown)" if event.by is None else event.by  # entries written without it
        click.echo(safe_text(f"{event.seq:>6}  {event.at}  {by}  {event.kind}  {what[:200]}"))


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the public key (PEM) to this file.",
)
@case_option
@friendly
def key(out: Path | None, case_path: Path | None) -> None:
    """Print the case's public key (PEM) and its fingerprint, to publish out of band."""
    with rc.open_case(case_path) as case:
        info = rc.public_key(case)
    if out is not None:
        out.write_text(info["public_key_pem"], encoding="ascii")
    click.echo(info["public_key_pem"], nl=False)
    click.echo(f"fingerprint: {info['fingerprint']}")
    click.echo(f"short: {info['short_fingerprint']}")


@main.command("export-bundle")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The zip file to write (never an existing folder).",
)
@click.option("--force", is_flag=True, help="Replace the file --out if it exists.")
@click.option(
    "--select",
    default=None,
    help="Only these messages' records: PLATFORM:ID,... (default: every record).",
)
@SINCE
@UNTIL
@click.option("--author", default=None, help="Only messages by this handle or author id.")
@case_option
@friendly
def export_bundle(
    out: Path,
    force: bool,
    select: str | None,
    since: str | None,
    until: str | None,
    author: str | None,
    case_path: Path | None,
) -> None:
    """Write an evidence bundle (zip) that anyone can check offline with verify-bundle."""
    with rc.open_case(case_path) as case:
        report = rc.export_bundle(
            case, out, rc.Selection.parse(select, since, until, author), force=force
        )
    carried = (
        f"{report.incidents} incidents ({report.attachments} attachments), "
        if report.incidents
        else ""
    )
    click.echo(
        f"Wrote {safe_text(report.path)}: {report.items} records, {carried}signed tree head "
        f"of size {report.tree_head.tree_size}, {report.timestamps} timestamp tokens."
    )
    click.echo(f"sha256: {report.sha256}")
    click.echo(f"public key fingerprint: {report.fingerprint}")


def _report_filters(fn: F) -> F:
    """The message filters of ``rempart report``, for the commands built on the court file."""
    for option in reversed(
        (
            click.option(
                "--from",
                "since",
                type=When(),
                default=None,
                help="Only messages created at or after this time (ISO 8601).",
            ),
            click.option(
                "--to",
                "until",
                type=When(end=True),
                default=None,
                help="Only messages created before this time; a date alone includes that day.",
            ),
            click.option(
                "--authors",
                default=None,
                help="Only these authors: handles or ids, comma-separated.",
            ),
            click.option(
                "--categories",
                default=None,
                help="Only messages with any of these labels, comma-separated "
                "(e.g. threat,insult).",
            ),
            click.option(
                "--min-severity",
                type=click.Choice(["low", "medium", "high", "critical"]),
                default=None,
                help="Only messages at least this severe.",
            ),
            click.option(
                "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True
            ),
        )
    ):
        fn = option(fn)
    return fn


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "html", "pdf"]),
    default="json",
    show_default=True,
    help="json: the whole dossier; csv: one row per message; html: one page with every "
    "message; pdf: the same laid out for print (the most serious messages and authors in "
    "full), signed with the case's key (check it with `rempart verify-report`).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The file to write (never an existing folder).",
)
@click.option("--force", is_flag=True, help="Replace the file --out if it exists.")
@_report_filters
@click.option(
    "--mask-slurs",
    is_flag=True,
    help="Mask insults and slurs in the summary and the pile-on annex (the exhibits stay "
    "verbatim), for a reader who should not be hit again.",
)
@case_option
@friendly
def report(
    fmt: str,
    out: Path,
    force: bool,
    since: str | None,
    until: str | None,
    authors: str | None,
    categories: str | None,
    min_severity: str | None,
    lang: str,
    mask_slurs: bool,
    case_path: Path | None,
) -> None:
    """Build the court file: candidate offences with their reasons, prescription deadlines,
    authors and exhibits, every item traceable to sealed evidence (an aid for a lawyer)."""
    with rc.open_case(case_path) as case:
        result = rc.report(
            case,
            fmt,
            out,
            since=since,
            until=until,
            authors=_split(authors),
            categories=_split(categories),
            min_severity=min_severity,
            lang=lang,
            force=force,
            mask=mask_slurs,
        )
    click.echo(
        f"Wrote {safe_text(result.path)} ({result.format}): {result.messages} messages, "
        f"{result.deadlines} dated deadlines; sha256 {result.sha256}"
    )
    click.echo("Aid for a lawyer, not legal advice; points marked unverified stay marked.")


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder to write: one notice per item (.txt and .json) and an index.",
)
@click.option(
    "--select",
    "refs",
    multiple=True,
    help="Only these messages, as platform:id (repeat the option or separate with commas); "
    "combined with the filters.",
)
@_report_filters
@click.option("--notifier-name", default=None, help="Who sends the notices (default: setting).")
@click.option("--notifier-email", default=None, help="Their e-mail address (default: setting).")
@click.option("--no-mask", is_flag=True, help="Keep the personal data quoted in the messages.")
@click.option(
    "--include-weak",
    is_flag=True,
    help="Also write the weak notices, into the sub-folder weak/ (review each before sending).",
)
@click.option("--force", is_flag=True, help="Replace a notices folder written before.")
@case_option
@friendly
def notices(
    out: Path,
    refs: tuple[str, ...],
    since: str | None,
    until: str | None,
    authors: str | None,
    categories: str | None,
    min_severity: str | None,
    lang: str,
    notifier_name: str | None,
    notifier_email: str | None,
    no_mask: bool,
    include_weak: bool,
    force: bool,
    case_path: Path | None,
) -> None:
    """Write DSA Article 16 notices, one per message, for the platforms' notice forms:
    why the item is illegal, where it is, who notifies, and the good-faith statement."""
    with rc.open_case(case_path) as case:
        result = rc.notices(
            case,
            out,
            since=since,
            until=until,
            authors=_split(authors),
            categories=_split(categories),
            min_severity=min_severity,
            refs=tuple(r for value in refs for r in _split(value)),
            notifier_name=notifier_name,
            notifier_email=notifier_email,
            mask=not no_mask,
            include_weak=include_weak,
            lang=lang,
            force=force,
        )
    click.echo(
        f"Wrote {result.written} of {result.notices} notices to {safe_text(result.folder)} "
        f"(index.json, index.txt); personal data {'kept' if no_mask else 'masked'}."
    )
    if result.skipped:
        click.echo(
            f"{len(result.skipped)} SMS or WhatsApp message(s) left out: not a hosting service "
            "(file a complaint instead)."
        )
    if result.weak:
        where = "written into weak/" if include_weak else "not written (--include-weak)"
        click.echo(
            f"Warning: {len(result.weak)} weak notice(s), {where}. A platform may stop "
            "processing the notices of someone who often sends manifestly unfounded ones "
            "(DSA art. 23): review them before sending any.",
            err=True,
        )
        for ref, reasons in result.weak[:20]:
            click.echo(f"  {safe_text(ref)}: {safe_text('; '.join(reasons))}", err=True)
        if len(result.weak) > 20:
            click.echo(f"  … and {len(result.weak) - 20} more (see index.txt)", err=True)
    click.echo("Aid for a lawyer, not legal advice; points marked unverified stay marked.")


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder to write the three drafts into (created if needed).",
)
@_report_filters
@click.option("--force", is_flag=True, help="Replace drafts written there before.")
@case_option
@friendly
def drafts(
    out: Path,
    since: str | None,
    until: str | None,
    authors: str | None,
    categories: str | None,
    min_severity: str | None,
    lang: str,
    force: bool,
    case_path: Path | None,
) -> None:
    """Write editable drafts: a complaint to the prosecutor, a complaint with civil-party
    petition, and a PHAROS report text, citing the exhibits of `rempart report` made with the
    same filters."""
    with rc.open_case(case_path) as case:
        result = rc.drafts(
            case,
            out,
            since=since,
            until=until,
            authors=_split(authors),
            categories=_split(categories),
            min_severity=min_severity,
            lang=lang,
            force=force,
        )
    for name, digest in result.files.items():
        click.echo(f"Wrote {safe_text(result.folder / name)}: sha256 {digest}")
    click.echo(
        f"{result.messages} messages cited; send them with `rempart report` made with the same "
        "filters (its exhibits are the bordereau)."
    )
    click.echo("Aid for a lawyer, not legal advice; points marked unverified stay marked.")


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


@main.command("verify-bundle")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--fingerprint",
    default=None,
    help="The key fingerprint published out of band (full or short); must match.",
)
@friendly
def verify_bundle(path: Path, fingerprint: str | None) -> None:
    """Check an evidence bundle offline (no case, no network); exit 1 listing each problem."""
    check = rc.verify_bundle(path, fingerprint)
    if not check.ok:
        for problem in check.problems:
            click.echo(f"FAILED: {safe_text(problem)}", err=True)
        sys.exit(1)
    click.echo(safe_lines(check.summary()))


@main.command("verify-report")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--case",
    "case_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Check against this case's certificate and TSA roots (default: the certificate "
    "embedded in the file, which proves integrity and which key signed).",
)
@friendly
def verify_report(path: Path, case_path: Path | None) -> None:
    """Check a signed PDF court file offline: intact since signed, by which key, and when;
    exit 1 naming each problem."""
    if case_path is None:
        check = rc.verify_report(path)
    else:
        with rc.open_case(case_path) as case:
            check = rc.verify_report(path, case)
    click.echo(safe_lines(check.summary()))
    if not check.ok:
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@case_option
@friendly
def stats(as_json: bool, case_path: Path | None) -> None:
    """Messages per day, platform and format, and totals."""
    with rc.open_case(case_path) as case:
        data = rc.stats(case, by="cli")
    if as_json:
        click.echo(safe_json(orjson.dumps(data.to_json(), option=orjson.OPT_INDENT_2).decode()))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Messages per day, platform and format")
    for col in ("day", "platform", "format", "messages"):
        table.add_column(col, justify="right" if col == "messages" else "left")
    for row in data.per_day:
        table.add_row(
            safe_markup(row.day),
            safe_markup(row.platform),
            safe_markup(row.format),
            str(row.messages),
        )
    console = Console()
    console.print(table)
    console.print(
        safe_text(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in data.totals.items())),
        markup=False,
        highlight=False,
    )
    for c in data.interrupted_captures:
        console.print(
            safe_text(
                f"capture {c['capture']} started {c['started_at']} has no end: "
                "it was interrupted (or is still running); see "
                "`rempart verify`"
            ),
            markup=False,
            highlight=False,
        )


@main.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="A JSON array of normalised messages, with their scores and labels.",
)
@click.option("--platform", default=None, help="Only this platform (x, mastodon, bluesky, sms…).")
@SINCE
@UNTIL
@click.option(
    "--all",
    "include_referenced",
    is_flag=True,
    help="Also list context posts (replied-to or quoted posts carried in captures).",
)
@click.option(
    "--label",
    "labels",
    multiple=True,
    help="Only messages with this label (repeatable: any of them), e.g. threat.",
)
@click.option(
    "--min-severity",
    type=click.Choice(["low", "medium", "high", "critical"]),
    default=None,
    help="Only messages at least this severe (scored by `analyze`).",
)
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="Only messages by this handle or author id (repeatable).",
)
@click.option(
    "--episode",
    type=int,
    default=None,
    help="Only messages within this episode of the last raid analysis (#N).",
)
@click.option(
    "--sort",
    type=click.Choice(["time", "severity", "author"]),
    default="time",
    show_default=True,
    help="Order: oldest first, most severe first, or by author.",
)
@click.option("--reverse", is_flag=True, help="Reverse the order.")
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Show at most N.")
@case_option
@friendly
def messages(
    as_json: bool,
    platform: str | None,
    since: str | None,
    until: str | None,
    include_referenced: bool,
    labels: tuple[str, ...],
    min_severity: str | None,
    authors: tuple[str, ...],
    episode: int | None,
    sort: str,
    reverse: bool,
    limit: int | None,
    case_path: Path | None,
) -> None:
    """List the case's normalised messages (oldest first unless --sort), with their scores."""
    query = rc.MessageQuery(
        platform,
        since,
        until,
        include_referenced,
        labels,
        min_severity,
        authors,
        episode,
        sort,
        reverse,
        limit,
    )
    with rc.open_case(case_path) as case:
        rows = rc.messages(case, query, by="cli")
    out = sys.stdout
    if as_json:
        out.write("[")
        for i, row in enumerate(rows):
            out.write(("," if i else "") + "\n" + safe_json(orjson.dumps(row.to_json()).decode()))
        out.write("\n]\n")
        return
    for row in rows:
        m = row.message
        when = m.created_at.isoformat() if m.created_at else "?"
        # controls and bidirectional overrides escaped, in every field: they are data
        text = safe_text(m.text.replace("\n", " ")[:200])
        author = safe_text(m.author_handle or m.author_id)
        marks = "".join(f"[{safe_text(mark)}] " for mark in m.marks())
        severity = f"[{row.severity}] " if row.severity and row.severity != "none" else ""
        out.write(f"{when}  {safe_text(m.platform)}  @{author}  {severity}{marks}{text}\n")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@case_option
@friendly
def rejects(as_json: bool, case_path: Path | None) -> None:
    """Records that could not be read: file, line and reason (their bytes are kept)."""
    with rc.open_case(case_path) as case:
        found = rc.rejects(case, by="cli")
    for rec in found:
        if as_json:
            click.echo(safe_json(orjson.dumps(rec.to_json()).decode()))
        else:
            again = "; read again since as a record" if rec.read_again else ""
            click.echo(
                safe_text(f"{rec.file}:{rec.line}: {rec.reason} ({len(rec.raw)} bytes kept{again})")
            )


@main.command()
def formats() -> None:
    """List the input formats rempart can read."""
    for fmt in rc.formats():
        click.echo(f"{fmt.name:18} {fmt.description}")


@main.command()
@click.argument("texts", nargs=-1)
@click.option(
    "--no-encoder", is_flag=True, help="Skip the sentence encoder (faster, less accurate)."
)
@case_option
@friendly
def score(texts: tuple[str, ...], no_encoder: bool, case_path: Path | None) -> None:
    """Score texts given as arguments, or JSON lines on stdin: {"id", "text", "parent_text"}.

    Writes one JSON line per input with its scores, labels, severity and explanation. With
    --case (or $REMPART_CASE pointing to a case), the case's adapted layer is used.
    """
    items: list[rc.JSONObject]
    if texts:
        items = [{"id": str(i), "text": t} for i, t in enumerate(texts, start=1)]
    else:
        items = list(_read_json_lines(sys.stdin))
    case = rc.open_case(case_path) if case_path is not None else None
    try:
        for result in rc.score_items(items, case, use_encoder=not no_encoder):
            sys.stdout.write(safe_json(orjson.dumps(result).decode()) + "\n")
    finally:
        if case is not None:
            case.close()


def _read_json_lines(stream: Any) -> Any:
    for n, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise RempartError(f"stdin line {n}: not JSON ({exc})") from None
        if isinstance(obj, str):
            obj = {"id": str(n), "text": obj}
        if not isinstance(obj, dict) or "text" not in obj:
            raise RempartError(f'stdin line {n}: expected {{"id": ..., "text": ...}}')
        yield obj


@main.command()
@click.option("--rescore", is_flag=True, help="Score every message again, not only new ones.")
@click.option("--no-encoder", is_flag=True, help="Skip the sentence encoder (faster).")
@click.option("--scores-only", is_flag=True, help="Score messages; skip the raid analysis.")
@case_option
@friendly
def analyze(rescore: bool, no_encoder: bool, scores_only: bool, case_path: Path | None) -> None:
    """Score the case's messages, then find raids, their accounts, origins and doxxing."""
    with rc.open_case(case_path) as case, _progress("scoring") as (progress, total):
        report = rc.analyze(
            case,
            rescore=rescore,
            use_encoder=not no_encoder,
            raids=not scores_only,
            progress=progress,
            total=total,
        )
    scoring = report.scoring
    assert scoring is not None
    click.echo(f"Scored {scoring.scored} messages with model {scoring.model}.")
    if scoring.scored:
        click.echo(
            "Severity: " + ", ".join(f"{k} {v}" for k, v in scoring.severities.most_common())
        )
        click.echo(
            "Labels: " + (", ".join(f"{k} {v}" for k, v in scoring.labels.most_common()) or "none")
        )
    if report.findings is not None:
        click.echo(safe_lines(rc.summarize(report.findings.to_json())))


@contextmanager
def _progress(what: str) -> Iterator[tuple[Any, Any]]:
    """``(progress, total)`` callbacks of a bar on standard error when it is a terminal
    (``(None, None)`` otherwise)."""
    if not sys.stderr.isatty():
        yield None, None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_stderr_console(), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield (lambda n: bar.advance(task, n)), (lambda n: bar.update(task, total=n))


def _with_status(work: Callable[[], Any], what: str) -> Any:
    """Run ``work`` with a spinner on standard error when it is a terminal."""
    if not sys.stderr.isatty():
        return work()
    with _stderr_console().status(what):
        return work()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the findings as one JSON object.")
@click.option("--rerun", is_flag=True, help="Analyse again instead of showing the last run.")
@case_option
@friendly
def findings(as_json: bool, rerun: bool, case_path: Path | None) -> None:
    """What the raid analysis found: episodes, campaign accounts, designating posts, origins,
    ban evasion, impersonators and doxxing."""
    with rc.open_case(case_path) as case:
        view = rc.findings(case, rerun=rerun, by="cli")
    if as_json:
        click.echo(safe_json(orjson.dumps(view.to_json(), option=orjson.OPT_INDENT_2).decode()))
    else:
        click.echo(safe_lines(view.summary()))


@main.command()
@click.argument("source", default="-")
@click.option(
    "--webhook",
    default=None,
    help="POST each alert there as JSON (default: the case's alert_webhook setting).",
)
@click.option(
    "--score/--no-score",
    default=True,
    help="Score messages as they come to tell raids from support waves.",
)
@case_option
@friendly
def live(source: str, webhook: str | None, score: bool, case_path: Path | None) -> None:
    """Watch a twarc2 JSONL stream (a file, or - for standard input) and raise raid alerts.

    Alerts are JSON lines on standard output, and POSTs to the webhook. The case's messages
    serve as the baseline; the stream is not stored (ingest it to keep it as evidence).
    """
    with rc.open_case(case_path) as case:
        summary = rc.watch(case, source, sys.stdout, webhook=webhook, score=score)
    click.echo(orjson.dumps({"summary": summary.to_json()}).decode(), err=True)
    problem = summary.delivery_problem()
    if problem:
        raise click.ClickException(problem)


@main.group()
def incident() -> None:
    """Off-platform incidents (a stranger at the door, meals ordered in the victim's name,
    calls to their employer), sealed in the evidence log with their attachments."""


@incident.command("add")
@click.option(
    "--when",
    required=True,
    help="When it happened: ISO 8601, e.g. 2026-03-01T23:00 (no offset: Paris time) or "
    "2026-03-01T22:00:00Z.",
)
@click.option("--where", required=True, help="Where it happened (home, workplace, by phone…).")
@click.option("--what", required=True, help="What happened, in your own words.")
@click.option(
    "--attach",
    "files",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="A file to keep with it: a photo, a screenshot, an .eml, a PDF… (repeatable; "
    "up to 100 MiB each).",
)
@click.option("--by", "author", default=None, help="Who records it (default: the operator).")
@case_option
@friendly
def incident_add(
    when: str,
    where: str,
    what: str,
    files: tuple[Path, ...],
    author: str | None,
    case_path: Path | None,
) -> None:
    """Record an off-platform incident and its attachments, sealed in the evidence log."""
    with rc.open_case(case_path) as case:
        report = rc.add_incident(case, when, where, what, files, by=author, via="cli")
    found = report.incident
    click.echo(
        f"Incident {found.number} recorded: log entry {found.seq}, signed tree head of size "
        f"{report.tree_head.tree_size}; log head {found.seq} {report.entry_hash}"
    )
    click.echo(safe_text(f"  when: {_paris(found.when)} Paris time ({_utc(found.when)})"))
    for n, attached in enumerate(found.attachments, start=1):
        click.echo(
            safe_text(
                f"  attachment {n}: {attached.name} ({attached.media_type}, {attached.size} "
                f"bytes, sha256 {attached.sha256})"
            )
        )
    if report.stamps is not None:
        _print_stamps(report.stamps)


@incident.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines, one incident each.")
@case_option
@friendly
def incident_list(as_json: bool, case_path: Path | None) -> None:
    """List the case's incidents in the order recorded, with their attachments."""
    with rc.open_case(case_path) as case:
        found = rc.incidents(case, by="cli")
    if not found and not as_json:
        click.echo("No incident recorded yet; add one with `rempart incident add`.")
    for item in found:
        if as_json:
            click.echo(safe_json(orjson.dumps(item.to_json()).decode()))
            continue
        click.echo(
            safe_text(
                f"#{item.number}  {_paris(item.when)} Paris ({_utc(item.when)})  "
                f"{item.where}  (log entry {item.seq})"
            )
        )
        click.echo("    " + safe_text(item.what.replace("\n", " ")[:300]))
        for attached in item.attachments:
            click.echo(
                safe_text(
                    f"    attachment: {attached.name} ({attached.media_type}, "
                    f"{attached.size} bytes, sha256 {attached.sha256[:16]}…)"
                )
            )


#: Incidents are told in Paris time (a time given without an offset is read in it).
PARIS = ZoneInfo("Europe/Paris")


def _paris(moment: datetime) -> str:
    return f"{moment.astimezone(PARIS):%Y-%m-%d %H:%M}"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@main.command()
@click.argument("message")
@click.argument("judgements", nargs=-1, required=True)
@click.option("--note", default=None, help="Why (kept with the label).")
@click.option("--by", "author", default=None, help="Who labels (default: the operator).")
@case_option
@friendly
def label(
    message: str,
    judgements: tuple[str, ...],
    note: str | None,
    author: str | None,
    case_path: Path | None,
) -> None:
    """Confirm or correct a message's labels: rempart label x:123 insult=1 threat=0.

    These labels adapt the classifier to the case (`rempart train --case`).
    """
    values: dict[str, int] = {}
    for j in judgements:
        name, _, value = j.partition("=")
        if value not in ("0", "1"):
            raise RempartError(f"{j!r}: write CATEGORY=1 (yes) or CATEGORY=0 (no)")
        values[name] = int(value)
    with rc.open_case(case_path) as case:
        saved = rc.label(case, message, values, author=author, note=note)
    click.echo(
        safe_text(
            f"Labelled {saved[0].platform}:{saved[0].id}: "
            + ", ".join(f"{x.category}={x.value}" for x in saved)
        )
    )


@main.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="The datasets folder (default: $REMPART_DATA, else ../shared/data).",
)
@click.option(
    "--extra",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Your own labelled JSON lines (repeatable).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write the model (default: the shipped model's folder).",
)
@click.option(
    "--check",
    is_flag=True,
    help="Rebuild into a temporary folder and compare bit for bit with the shipped model.",
)
@click.option(
    "--case",
    "case_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Train the case's adaptation layer from its labels instead.",
)
@friendly
def train(
    data_dir: Path | None,
    extra: tuple[Path, ...],
    out: Path | None,
    check: bool,
    case_path: Path | None,
) -> None:
    """Train the classifier reproducibly (or a case's adaptation layer with --case)."""
    if case_path is not None:
        with rc.open_case(case_path) as case:
            layer = rc.train_layer(case)
        click.echo(
            f"Adapted the classifier to this case from {layer.trained_on} labelled "
            f"messages: {', '.join(layer.heads)}."
        )
        return
    ok = rc.train_classifier(data_dir, list(extra), out, check, echo=click.echo)
    if not ok:
        sys.exit(1)


@main.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="The datasets folder (default: $REMPART_DATA, else ../shared/data).",
)
@click.option("--cross/--no-cross", default=True, help="Also the cross-dataset table.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly
def evaluate(data_dir: Path | None, cross: bool, as_json: bool) -> None:
    """Per-category ROC-AUC, PR-AUC and F1, cross-dataset table and the functional suite."""
    report = rc.evaluate_classifier(data_dir, cross=cross, echo=lambda m: click.echo(m, err=True))
    click.echo(
        orjson.dumps(report, option=orjson.OPT_INDENT_2).decode()
        if as_json
        else rc.render_evaluation(report)
    )


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default=Path("rempart-demo"))
@click.option("--seed", default=7, show_default=True, help="Seed of the synthetic raid.")
@friendly
def demo(path: Path, seed: int) -> None:
    """Build a demo case from a synthetic raid: ingest, verify and summarise."""
    rc.demo(path, seed=seed, echo=click.echo)


if __name__ == "__main__":  # pragma: no cover
    main()


@main.group()
def user() -> None:
    """People who may open cases in the web workspace (``rempart serve``), with their role:
    owner (everything), helper (reviews and labels; no export, no deletion), viewer (reads)."""


_CASES = click.option(
    "--case",
    "case_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="A case (repeatable; default: $REMPART_CASE, else ./rempart-case).",
)


def _cases(paths: tuple[Path, ...]) -> list[Path]:
    return [rc.find_case_path(p) for p in paths] or [rc.find_case_path(None)]


@user.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["owner", "helper", "viewer"]), required=True)
@click.option(
    "--password",
    default=None,
    help="The password (at least 10 characters); default: asked at the prompt, hidden.",
)
@_CASES
@friendly
def user_add(email: str, role: str, password: str | None, case_paths: tuple[Path, ...]) -> None:
    """Give EMAIL a role in the case(s); adding them again changes their role and password."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    for path in _cases(case_paths):
        with rc.open_case(path) as case:
            added = rc.add_user(case, email, role, password)
        click.echo(f"{safe_text(added.email)}: {added.role} of {safe_text(str(path))}")


@user.command("list")
@_CASES
@friendly
def user_list(case_paths: tuple[Path, ...]) -> None:
    """The users of the case(s) and their roles."""
    for path in _cases(case_paths):
        with rc.open_case(path) as case:
            for u in rc.case_users(case):
                locked = f" (locked until {u.locked_until})" if u.locked_until else ""
                click.echo(f"{safe_text(str(path))}\t{safe_text(u.email)}\t{u.role}{locked}")


@user.command("token")
@click.argument("email")
@_CASES
@friendly
def user_token(email: str, case_paths: tuple[Path, ...]) -> None:
    """A new API token for EMAIL (shown once; the one before stops working)."""
    for path in _cases(case_paths):
        with rc.open_case(path) as case:
            click.echo(rc.issue_token(case, email))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@_CASES
@friendly
def serve(host: str, port: int, case_paths: tuple[Path, ...]) -> None:
    """Serve the web workspace over the case(s), for their users (see `rempart user add`)."""
    from .web import is_loopback
    from .web import serve as run

    paths = _cases(case_paths)
    if not is_loopback(host):
        _stderr_console().print(
            f"[yellow]{safe_markup(host)} is reachable from other machines: put rempart "
            "behind an HTTPS proxy (its cookies are sent over HTTPS only).[/yellow]"
        )
    click.echo(f"rempart workspace on http://{host}:{port}/ (Ctrl-C to stop)")
    run(paths, host, port)
