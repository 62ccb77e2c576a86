"""The signed PDF court file, read back as a reader would: `pdftotext` for what it says,
`pdftoppm` and Pillow for what it shows, `pdfsig` and `rempart verify-report` for its
signature, pyHanko's PDF reader for what it could do when opened.

One simulated raid (about 2,000 messages, scored without the sentence encoder, analysed), with
one off-platform incident, is rendered once for the module (French, masked, English filtered)
beside its JSON and CSV dossiers; small cases cover hostile texts, an empty case and messages
whose authors have no profile.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from rempart import case as rc
from rempart.analysis.classify.lexicon import mask_slurs
from rempart.case.analysis import find_raids
from rempart.case.scoring import load_classifier, score_case
from rempart.cli import main
from rempart.clock import FixedClock
from rempart.evidence.merkle import verify_inclusion
from rempart.hashing import sha256_hex
from rempart.reports.html import label_name, when
from rempart.simulate import random_scenario, write_twarc2
from rempart.storage.base import ScoreRow

from conftest import T0, page, tweet, user

#: The French section titles in the order of the file, as whole lines (the pile-on annex's
#: title wraps: its first words).
SUMMARY_TITLES = (
    r"Chronologie \(messages par (heure|jour)\)",
    r"Décompte",
    r"Épisodes \(vagues\)",
    r"Auteurs les plus actifs",
    r"Incidents hors ligne",
    r"Délais de prescription \(du plus proche au plus lointain\)",
    r"Annexe : le raid \(épisodes.*",
    r"Auteurs",
    r"Pièces \(messages cités\)",
    r"Incidents hors ligne",
    r"Bordereau de pièces",
    r"Intégrité",
)
EPISODES, ANNEX, EXHIBITS = SUMMARY_TITLES[2], SUMMARY_TITLES[6], SUMMARY_TITLES[8]
DEADLINES, BORDEREAU, INTEGRITY = SUMMARY_TITLES[5], SUMMARY_TITLES[10], SUMMARY_TITLES[11]
ENGLISH_TITLES = (
    r"Timeline \(messages per (hour|day)\)",
    r"Counts",
    r"Episodes \(waves\)",
    r"Most active authors",
    r"Off-platform incidents",
    r"Prescription deadlines \(soonest first\)",
    r"Annex: the raid \(episodes.*",
    r"Authors",
    r"Exhibits \(messages cited\)",
    r"Off-platform incidents",
    r"List of exhibits",
    r"Integrity",
)


def titles(base: tuple[str, ...], episodes: bool = True, incidents: bool = True) -> tuple[str, ...]:
    """The section titles a file has: the episodes table only when episodes were found, the
    incidents' own section after the exhibits only when there are incidents."""
    return tuple(t for i, t in enumerate(base) if (episodes or i != 2) and (incidents or i != 9))


FRENCH_TITLES = titles(SUMMARY_TITLES)
QUIET_TITLES = titles(SUMMARY_TITLES, episodes=False, incidents=False)
#: A row of a table whose second cell is an ISO 8601 time (exhibits, bordereau).
DATED_ROW = r"\d{4}-\d{2}-\d{2} \d{2}:"
WHERE = "domicile, porte d'entrée"
WHAT = "un inconnu a sonné deux fois à 23 h et demandé « la journaliste »"


# ------------------------------------------------------------------------------ helpers


def pdftotext(path: Path) -> str:
    """The text of ``path`` in content order (``-raw``: one table cell after another), with
    page breaks as line breaks."""
    done = subprocess.run(
        ["pdftotext", "-raw", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.replace("\f", "\n")


def squash(text: str) -> str:
    """``text`` without any whitespace: a cell wrapped over lines (a hash, a URL) reads whole."""
    return re.sub(r"\s+", "", text)


def sections(text: str, titles: tuple[str, ...]) -> dict[str, str]:
    """The text under each title (a pattern matching a whole line), found in this order; a
    repeated title gets ``#2``. Fails naming the first title missing or out of order."""
    starts: list[tuple[str, int, int]] = []
    at = 0
    for title in titles:
        found = re.compile(rf"^(?:{title})$", re.M).search(text, at)
        assert found, f"section {title!r} missing (or out of order) after offset {at}"
        name = title if title not in [s[0] for s in starts] else f"{title}#2"
        starts.append((name, found.start(), found.end()))
        at = found.end()
    ends = [s[1] for s in starts[1:]] + [len(text)]
    return {name: text[end:stop] for (name, _, end), stop in zip(starts, ends)}


def rows(chunk: str, second: str = DATED_ROW) -> dict[int, str]:
    """The rows of a table whose first cell is a number and whose second starts with
    ``second``, by that number."""
    parts = re.split(rf"(?m)^(\d+) (?={second})", chunk)
    found: dict[int, str] = {}
    for number, body in zip(parts[1::2], parts[2::2]):
        assert int(number) not in found, f"row {number} twice"
        found[int(number)] = body
    return found


def pdfsig(path: Path) -> str:
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def pages_of(path: Path) -> int:
    done = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    return int(re.search(r"(?m)^Pages:\s+(\d+)", done.stdout).group(1))  # type: ignore[union-attr]


def page_image(path: Path, number: int, out: Path, dpi: int = 50) -> Image.Image:
    """Page ``number`` of ``path`` rendered by poppler at ``dpi``, decoded by Pillow."""
    prefix = out / f"{path.stem}-{number}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(number), "-l", str(number), "-png", "-singlefile"]
        + [str(path), str(prefix)],
        check=True,
        timeout=120,
    )
    with Image.open(prefix.with_suffix(".png")) as image:
        return image.convert("RGB")


def share(image: Image.Image, test: Callable[[tuple[int, int, int]], bool]) -> float:
    raw = image.tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    return sum(1 for p in pixels if test(p)) / len(pixels)


def dark(p: tuple[int, int, int]) -> bool:
    return sum(p) < 3 * 110


def verify_report(*args: str) -> Any:
    return CliRunner().invoke(main, ["verify-report", *args])


@dataclass
class PdfObjects:
    """Every name (as key or value) and every string in the objects of a PDF."""

    names: Counter[str]
    strings: list[str]
    link_annotations: int


def pdf_objects(path: Path) -> PdfObjects:
    """Walk every object reachable from the trailer (object streams included) and from the
    cross-reference sections of every revision."""
    reader = PdfFileReader(io.BytesIO(path.read_bytes()))
    names: Counter[str] = Counter()
    strings: list[str] = []
    links = 0
    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [reader.root]
    for revision in range(reader.xrefs.total_revisions):
        todo.extend(reader.xrefs.explicit_refs_in_revision(revision))
    while todo:
        obj = todo.pop()
        if isinstance(obj, (generic.IndirectObject, generic.Reference)):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            if isinstance(obj, generic.IndirectObject):
                obj = obj.get_object()
            else:
                obj = reader.get_object(obj)
        if isinstance(obj, generic.NameObject):
            names[str(obj)] += 1
        elif isinstance(obj, (generic.TextStringObject, generic.ByteStringObject)):
            strings.append(obj if isinstance(obj, str) else bytes(obj).decode("latin-1"))
        elif isinstance(obj, generic.DictionaryObject):
            if obj.get("/Subtype") == "/Link":
                links += 1
            for key, value in obj.items():
                names[str(key)] += 1
                todo.append(value)
        elif isinstance(obj, generic.ArrayObject):
            todo.extend(obj)
    return PdfObjects(names, strings, links)


class TagCounter(HTMLParser):
    """The elements of an HTML page, their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[str] = Counter()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def score(case: rc.Case, rows_: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """Store classifier results: (message id, severity, labels)."""
    with case.store.transaction():
        case.store.put_scores(
            ScoreRow("x", mid, "test", "fr", 0.9, severity, labels, {}, "t", None)
            for mid, severity, labels in rows_
        )


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# ------------------------------------------------------------------------------ the raid


@dataclass
class Raid:
    """The simulated raid's case and the files made from it."""

    case: rc.Case
    folder: Path
    pdf: Path
    text: str
    parts: dict[str, str]
    dossier: dict[str, Any]
    head_before: dict[str, Any]
    data: dict[str, Any]
    csv_rows: list[dict[str, str]]
    incident: dict[str, Any]
    masked: Path
    english: Path
    english_json: dict[str, Any]


@pytest.fixture(scope="module")
def raid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Raid]:
    folder = tmp_path_factory.mktemp("raid")
    truth = write_twarc2(folder / "raid.jsonl", random_scenario(7, 2000))
    case = rc.init_case(folder / "case", truth["targets"], name="Affaire simulée")
    rc.ingest(case, [folder / "raid.jsonl"])
    score_case(case, load_classifier(case, use_encoder=False))
    find_raids(case)
    plain = rc.gather_dossier(case, rc.MessageQuery()).data
    episode = next(e for e in plain["summary"]["episodes"] if e["kind"] == "harassment")
    start = datetime.fromisoformat(str(episode["start"]).replace("Z", "+00:00"))
    when = (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    added = rc.add_incident(case, when, WHERE, WHAT, attachments=[("sonnette.png", tiny_png())])
    head_before = rc.gather_dossier(case, rc.MessageQuery()).data["integrity"]["tree_head"]
    made = rc.report(case, "pdf", folder / "dossier.pdf")
    data = orjson.loads(rc.report(case, "json", folder / "dossier.json").path.read_bytes())
    table = rc.report(case, "csv", folder / "dossier.csv").path.read_text("utf-8")
    runner = CliRunner()
    masked = folder / "masque.pdf"
    out = runner.invoke(
        main,
        ["report", "--format", "pdf", "--out", str(masked), "--mask-slurs"]
        + ["--case", str(case.path)],
    )
    assert out.exit_code == 0, out.output
    english = folder / "critical-en.pdf"
    out = runner.invoke(
        main,
        ["report", "--format", "pdf", "--out", str(english), "--lang", "en"]
        + ["--min-severity", "critical", "--case", str(case.path)],
    )
    assert out.exit_code == 0, out.output
    english_json = rc.report(
        case, "json", folder / "critical-en.json", min_severity="critical", lang="en"
    ).dossier.data
    text = pdftotext(made.path)
    yield Raid(
        case,
        folder,
        made.path,
        text,
        sections(text, FRENCH_TITLES),
        made.dossier.data,
        head_before,
        data,
        list(csv.DictReader(io.StringIO(table))),
        added.incident.to_json(),
        masked,
        english,
        english_json,
    )
    case.close()


def featured_sample(raid: Raid) -> list[dict[str, Any]]:
    """A few featured messages of the JSON dossier: the first, the last, and for each offence
    the first message qualified so."""
    featured = set(raid.data["featured"]["messages"])
    shown = [m for m in raid.data["messages"] if m["exhibit"] in featured]
    chosen = {shown[0]["exhibit"]: shown[0], shown[-1]["exhibit"]: shown[-1]}
    offences: set[str] = set()
    for m in shown:
        ids = {q["offence"]["id"] for q in m["qualifications"]}
        if ids - offences:
            offences |= ids
            chosen[m["exhibit"]] = m
    assert len(offences) >= 3, "the simulated raid should bring several offences"
    return list(chosen.values())


def test_the_french_file_has_every_section_in_order(raid: Raid) -> None:
    text = raid.text
    assert text.lstrip().startswith("Avertissement")
    assert "Dossier de harcèlement en ligne" in text and "pas un conseil juridique" in text
    assert set(raid.parts) == set(FRENCH_TITLES) | {"Incidents hors ligne#2"}
    assert len(raid.parts) == len(SUMMARY_TITLES)
    annex = raid.parts[ANNEX]
    assert "épisode(s) détecté(s)" in annex
    for title in ("Messages désignant la cible", "Lieux d'organisation probables"):
        assert title in annex
    assert "Comptes ayant pris part à la campagne" in annex
    assert "Contournements de suspension" in annex and "Usurpations d'identité" in annex


def test_the_printed_counts_are_those_of_the_json_dossier(raid: Raid) -> None:
    summary = raid.data["summary"]
    head = raid.text[: raid.text.index("Chronologie")]
    assert f"Messages {summary['messages']} ({summary['hostile_messages']} hostiles)" in head, head
    assert (
        f"Auteurs {summary['authors']} ({summary['hostile_authors']} auteurs de messages "
        "hostiles)" in head
    )
    assert f"Épisodes (vagues) {len(summary['episodes'])}" in head
    assert f"Incidents hors ligne {summary['incidents']}" in head and summary["incidents"] == 1
    counts = raid.parts["Décompte"]
    for name, n in {**summary["by_category"], **summary["by_severity"]}.items():
        assert re.search(rf"(?m)^{re.escape(label_name(name))} {n}$", counts), (name, n)
    episodes = squash(raid.parts[EPISODES])
    for e in raid.data["pile_on"]["episodes"]:
        row = (
            f"{e['number']}{e['kind_label']}{when(e['start'])}→{when(e['end'])}"
            f"{e['messages']}{e['authors']}"
        )
        assert squash(row) in episodes, row
    featured = raid.data["featured"]
    note = (
        f"Le PDF reproduit {len(featured['messages'])} message(s) sur {summary['messages']} : "
        f"les plus graves d'abord ({featured['omitted_messages']} autre(s)"
    )
    assert squash(note) in squash(raid.parts[EXHIBITS])
    assert squash(f"{featured['omitted_authors']} autre(s) auteur(s)") in squash(
        raid.parts["Auteurs"]
    )
    headings = re.findall(r"(?m)^@\S+ — (\S+)$", raid.parts["Auteurs"])
    assert headings == featured["authors"]  # each featured author once, most hostile first
    top = raid.parts["Auteurs les plus actifs"]
    for a in summary["top_authors"]:
        assert f"@{a['handle']} ({a['account_id']}) {a['hostile_messages']}" in top


def test_the_deadlines_table_has_one_row_per_group_of_the_json(raid: Raid) -> None:
    table = raid.parts[DEADLINES]
    found = re.split(r"(?m)^(?=\d{4}-\d{2}-\d{2}\b)", table)[1:]
    groups = raid.data["deadline_groups"]
    assert len(found) == len(groups)
    articles = set()
    for row, group in zip(found, groups):
        flat = squash(row)
        assert flat.startswith(group["deadline"] + ("(échu)" if group["expired"] else ""))
        assert squash(group["label_fr"]) in flat and squash(group["article"]) in flat
        numbers = group["exhibits"]
        assert f"{len(numbers)}:" + ",".join(map(str, numbers[:20])) in flat, row
        articles.add(group["article"])
    assert {"CP 222-33-2-2", "Loi1881 29 al.2; 33 al.2"} <= articles


def test_featured_messages_carry_their_offences_deadlines_and_evidence(raid: Raid) -> None:
    table = rows(raid.parts[EXHIBITS])
    assert set(table) == set(raid.data["featured"]["messages"])  # exactly the featured ones
    assert list(table) == sorted(table)
    for m in featured_sample(raid):
        row = squash(table[m["exhibit"]])
        assert row.startswith(squash(when(m["created_at_utc"]))), row[:80]
        assert squash(m["url"]) in row and m["record_sha256"] in row
        assert f"entrée{m['record_seq']}" in row
        for q in m["qualifications"]:
            said = f"{q['offence']['label_fr']} ({q['offence']['article']})"
            assert squash(said) in row, (said, row)
            if q["deadline"]:
                assert f"échéance{q['deadline']}" in row


def test_exhibit_numbers_agree_in_json_csv_and_pdf(raid: Raid) -> None:
    by_json = {m["ref"]: m["exhibit"] for m in raid.data["messages"]}
    by_csv = {f"{r['platform']}:{r['id']}": int(r["exhibit"]) for r in raid.csv_rows}
    assert by_csv == by_json and len(by_json) == raid.data["summary"]["messages"]
    assert by_json == {m["ref"]: m["exhibit"] for m in raid.dossier["messages"]}
    csv_rows = {int(r["exhibit"]): r for r in raid.csv_rows}
    exhibits = rows(raid.parts[EXHIBITS])
    bordereau = rows(raid.parts[BORDEREAU])
    for m in featured_sample(raid):
        n = m["exhibit"]
        assert csv_rows[n]["record_sha256"] == m["record_sha256"]
        assert csv_rows[n]["url"] == m["url"]
        platform, _, mid = m["ref"].partition(":")
        line = squash(bordereau[n])
        assert line.startswith(squash(when(m["created_at_utc"])) + f"{platform}{mid}@")
        assert f"entrée{m['record_seq']}sha256{m['record_sha256']}" in line
        assert m["record_sha256"] in squash(exhibits[n])


def test_the_bordereau_lists_the_featured_messages_then_the_incident(raid: Raid) -> None:
    bordereau = rows(raid.parts[BORDEREAU])
    incident = raid.data["incidents"][0]
    assert set(bordereau) == set(raid.data["featured"]["messages"]) | {incident["exhibit"]}
    assert max(bordereau) == incident["exhibit"] == raid.data["summary"]["messages"] + 1


def test_the_integrity_annex_cites_the_signed_head_and_proofs_that_verify(raid: Raid) -> None:
    annex = raid.parts[INTEGRITY]
    head = raid.head_before
    assert head == raid.dossier["integrity"]["tree_head"]  # the last head before the file
    flat = squash(annex)
    assert f"Taillede l'arbresigné{head['tree_size']}".replace(" ", "") in flat
    assert f"Racine{head['root_hash']}" in flat
    assert f"Empreintedelaclé{head['key_fingerprint']}" in flat
    assert head["key_fingerprint"] == rc.public_key(raid.case)["fingerprint"]
    proofs = raid.dossier["integrity"]["proofs"]
    assert proofs and {p["exhibit"] for p in proofs} <= set(raid.data["featured"]["messages"])
    printed = rows(annex, r"\d+ [0-9a-f]")
    assert len(printed) == min(len(proofs), 40)
    for p in proofs[:3]:
        row = squash(printed[p["exhibit"]])
        assert row.startswith(f"{p['seq']}{p['leaf_hash']}⟶")
        path_hex = re.match(r"[0-9a-f]*", row.split("⟶", 1)[1]).group(0)  # type: ignore[union-attr]
        path = [bytes.fromhex(path_hex[i : i + 64]) for i in range(0, len(path_hex), 64)]
        assert [h.hex() for h in path] == p["path"]
        assert verify_inclusion(
            bytes.fromhex(p["leaf_hash"]),
            p["seq"] - 1,
            head["tree_size"],
            path,
            bytes.fromhex(head["root_hash"]),
        )


def test_pages_are_rendered_and_not_blank(raid: Raid, tmp_path: Path) -> None:
    total = pages_of(raid.pdf)
    assert total >= 20  # a raid with 200 exhibits in full is not a leaflet
    first = page_image(raid.pdf, 1, tmp_path)
    middle = page_image(raid.pdf, total // 2, tmp_path)
    for image in (first, middle):
        assert image.width > 300 and image.height > 1.3 * image.width  # A4, portrait
        assert 0.01 < share(image, dark) < 0.5
    # the timeline is drawn: an episode shaded pink (#fcc) and the incident marked in blue
    assert share(first, lambda p: p[0] > 240 and 185 < p[1] < 220 and 185 < p[2] < 220) > 0.001
    assert share(first, lambda p: p[2] > 150 and p[0] < 80 and p[1] < 130) > 0


def test_the_signature_holds_and_a_changed_byte_breaks_it(raid: Raid, tmp_path: Path) -> None:
    fresh = verify_report(str(raid.pdf))
    assert fresh.exit_code == 0, fresh.output
    assert fresh.output.startswith("OK: the PDF is intact since it was signed")
    assert "covers the whole file: yes" in fresh.output
    with_case = verify_report(str(raid.pdf), "--case", str(raid.case.path))
    assert with_case.exit_code == 0, with_case.output
    assert "checked against: the case's certificate" in with_case.output
    fingerprint = raid.head_before["key_fingerprint"]
    assert f"case key fingerprint: {fingerprint}" in with_case.output
    assert "Signature is Valid." in pdfsig(raid.pdf)
    data = bytearray(raid.pdf.read_bytes())
    ranges = re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert len(ranges) == 1
    start, length, _, _ = map(int, ranges[0])
    middle = start + length // 2  # inside the signed bytes, far from the signature itself
    data[middle] ^= 0x20
    changed = tmp_path / "altered.pdf"
    changed.write_bytes(bytes(data))
    broken = verify_report(str(changed))
    assert broken.exit_code == 1, broken.output
    assert "FAILED" in broken.output and "altered" in broken.output
    assert "Signature is Valid." not in pdfsig(changed)


def test_the_incident_is_an_exhibit_after_the_messages(raid: Raid) -> None:
    incident = raid.data["incidents"][0]
    attachment = incident["attachments"][0]
    assert attachment["sha256"] == sha256_hex(tiny_png())
    assert incident["seq"] == raid.incident["seq"] and incident["where"] == WHERE
    number = incident["exhibit"]
    assert number == raid.data["summary"]["messages"] + 1
    summary = squash(raid.parts["Incidents hors ligne"])
    assert (
        squash(f"{number}{when(incident['when'])}{incident['when_paris']}{WHERE}{WHAT}") in summary
    )
    shown = squash(raid.parts["Incidents hors ligne#2"])
    assert squash(f"Pièce {number} — {when(incident['when'])}") in shown
    assert squash(f"Lieu : {WHERE}") in shown and squash(f"Faits : {WHAT}") in shown
    assert squash(f"sonnette.png ({attachment['size']} o){attachment['sha256']}") in shown
    assert f"entrée{incident['seq']}" in shown
    line = squash(rows(raid.parts[BORDEREAU])[number])
    assert line.startswith(squash(f"{when(incident['when'])}{WHERE}: {WHAT}")), line
    assert f"entrée{incident['seq']};sonnette.pngsha256{attachment['sha256']}" in line


def test_masked_slurs_in_the_summary_and_annex_only(raid: Raid) -> None:
    annex = raid.data["pile_on"]
    shown = (
        annex["designating_posts"]
        + annex["origins"]
        + annex["evasion_links"]
        + annex["impersonators"]
        + annex["campaign_accounts"][:60]  # the PDF gives the first 60 their reasons
    )
    said = [s["text"] for x in shown for s in x["evidence"]]
    plain = next((s for s in said if mask_slurs(s) != s), None)
    assert plain is not None, "the raid's annex should quote an insult"
    hidden = mask_slurs(plain)
    word, masked_word = next(
        (a, b) for a, b in zip(plain.split(), hidden.split(), strict=True) if a != b
    )
    word = word.strip(".,;:!?«»\"'")
    masked_word = masked_word.strip(".,;:!?«»\"'")
    assert masked_word == word[0] + "*" * (len(word) - 1)
    masked = pdftotext(raid.masked)
    parts = sections(masked, FRENCH_TITLES)
    masked_annex = squash(parts[ANNEX])
    assert squash(hidden) in masked_annex and squash(plain) not in masked_annex
    assert "Injures masquées dans ce résumé (les pièces restent intégrales)." in masked
    # the exhibits still quote the messages verbatim
    featured = set(raid.data["featured"]["messages"])
    quoting = [
        m
        for m in raid.data["messages"]
        if m["exhibit"] in featured and re.search(rf"\b{re.escape(word)}\b", m["text"])
    ]
    assert quoting, f"no featured message says {word!r}"
    table = rows(parts[EXHIBITS])
    for m in quoting[:5]:
        assert word in table[m["exhibit"]]
    assert masked_word not in parts[EXHIBITS]
    # without the flag nothing is masked
    assert squash(plain) in squash(raid.parts[ANNEX])
    assert masked_word not in raid.text and "Injures masquées" not in raid.text
    assert squash(hidden) not in squash(raid.text)


def test_the_english_filtered_file(raid: Raid) -> None:
    text = pdftotext(raid.english)
    parts = sections(text, ENGLISH_TITLES)
    for french in ("Chronologie", "Décompte", "Bordereau de pièces", "Intégrité", "Annexe :"):
        assert french not in text
    assert "Online harassment file" in text and "not legal advice" in text
    summary = raid.english_json["summary"]
    assert summary["by_severity"] == {"critical": summary["messages"]}
    assert 0 < summary["messages"] < raid.data["summary"]["messages"]
    assert f"Messages {summary['messages']} ({summary['hostile_messages']} hostile)" in text
    assert f"Authors {summary['authors']} ({summary['hostile_authors']} authors of" in text
    table = rows(parts[ENGLISH_TITLES[8]])
    assert set(table) == set(raid.english_json["featured"]["messages"])
    refs = {m["exhibit"]: m for m in raid.english_json["messages"]}
    for n in sorted(table)[:3]:
        assert refs[n]["record_sha256"] in squash(table[n])
    assert verify_report(str(raid.english)).exit_code == 0


def test_each_file_is_a_report_entry_in_the_custody_log(raid: Raid) -> None:
    entries = [e for e in rc.custody(raid.case, record=False) if e.kind == "report"]
    by_file = {e.what["file"]: e.what for e in entries}
    assert set(by_file) >= {"dossier.pdf", "dossier.json", "dossier.csv", "masque.pdf"}
    pdf = by_file["dossier.pdf"]
    assert pdf["sha256"] == sha256_hex(raid.pdf.read_bytes())
    assert pdf["format"] == "pdf" and pdf["lang"] == "fr" and pdf["masked"] is False
    assert pdf["messages"] == raid.data["summary"]["messages"]
    assert by_file["masque.pdf"]["sha256"] == sha256_hex(raid.masked.read_bytes())
    assert by_file["masque.pdf"]["masked"] is True
    english = by_file["critical-en.pdf"]
    assert english["lang"] == "en" and english["sha256"] == sha256_hex(raid.english.read_bytes())
    assert english["filters"] == raid.english_json["filters"]
    checked = CliRunner().invoke(main, ["verify", "--case", str(raid.case.path)])
    assert checked.exit_code == 0, checked.output
    assert checked.output.startswith("OK:") and "1 incidents" in checked.output


def test_no_time_is_printed_over_the_next_cell(raid: Raid) -> None:
    done = subprocess.run(
        ["pdftotext", "-bbox", str(raid.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    word = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    over = []
    for html_page in done.stdout.split("<page ")[1:]:
        boxes = [
            (float(a), float(b), float(c), float(d), w) for a, b, c, d, w in word.findall(html_page)
        ]
        for x0, y0, x1, y1, w in boxes:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?|\d{2}:\d{2}:\d{2}", w):
                continue
            over += [
                (w, other)
                for a, b, _, d, other in boxes
                if x0 < a < x1 - 1 and b < y1 and d > y0 and other != w
            ]
    assert over == [], over[:5]


# ------------------------------------------------------------------------------ small cases


@pytest.fixture
def clocked_case(tmp_path: Path) -> Iterator[rc.Case]:
    """A case whose clock reads one day after the conftest messages."""
    case = rc.Case.create(
        tmp_path / "case",
        ["@cible"],
        clock=FixedClock(T0 + timedelta(days=1), timedelta(seconds=1)),
    )
    yield case
    case.close()


HOSTILE = {
    "1": "@cible <script>alert(1)</script> voir https://evil.example/phish",
    "2": "@cible <img src=x onerror=alert(1)>",
    "3": "@cible </td></tr></table><h1>FAKE</h1>",
    "4": "@cible <style>body{display:none}</style>",
    "5": "@cible \u202etxt.exe et zéro\u200blargeur",
}
HOSTILE_HANDLE = "<img src=x onerror=alert(2)>\u202e"
HOSTILE_NAME = "<script>alert(3)</script>\u200bFaux\u202eNom"


def hostile_case(case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    tweets = [
        tweet(mid, text, author="66", when=T0 - timedelta(hours=int(mid)))
        for mid, text in HOSTILE.items()
    ]
    author = user("66", HOSTILE_HANDLE)
    author |= {"name": HOSTILE_NAME, "url": "https://evil.example/profil"}
    author["description"] = "https://evil.example/bio <a href='https://evil.example/a'>x</a>"
    rc.ingest(case, [write_jsonl("h.jsonl", [page(tweets, users=[author])])])
    score(case, [(mid, "high", ("abusive", "insult")) for mid in HOSTILE])


def test_hostile_texts_are_printed_as_inert_text(
    clocked_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    hostile_case(clocked_case, write_jsonl)
    made = rc.report(clocked_case, "pdf", tmp_path / "h.pdf")
    text = pdftotext(made.path)
    flat = squash(text)
    for payload in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "</td></tr></table><h1>FAKE</h1>",
        "<style>body{display:none}</style>",
        "\\u202etxt.exe",
        "zéro\\u200blargeur",
        HOSTILE_HANDLE.replace("\u202e", "\\u202e"),
        HOSTILE_NAME.replace("\u202e", "\\u202e").replace("\u200b", "\\u200b"),
    ):
        assert squash(payload) in flat, payload
    assert "\u202e" not in text and "\u200b" not in text
    assert not re.search(r"(?m)^FAKE$", text)  # no heading made of a message
    table = rows(sections(text, QUIET_TITLES)[EXHIBITS])
    assert set(table) == {1, 2, 3, 4, 5}
    for m in made.dossier.data["messages"]:  # each row still ends with its evidence
        assert m["record_sha256"] in squash(table[m["exhibit"]])
    found = pdf_objects(made.path)
    for name in ("/JavaScript", "/JS", "/Launch", "/URI", "/SubmitForm", "/OpenAction", "/AA"):
        assert found.names[name] == 0, name
    assert found.link_annotations == 0
    assert found.names["/Sig"] >= 1  # the walk did reach the signature
    assert not [s for s in found.strings if "evil.example" in s]
    assert verify_report(str(made.path)).exit_code == 0


def test_hostile_texts_make_no_element_in_the_html_file(
    clocked_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    hostile_case(clocked_case, write_jsonl)
    for medium_file in ("h.html",):
        page_text = rc.report(clocked_case, "html", tmp_path / medium_file).path.read_text()
        parsed = TagCounter()
        parsed.feed(page_text)
        assert parsed.tags["script"] == 0 and parsed.tags["img"] == 0 and parsed.tags["a"] == 0
        assert parsed.tags["style"] == 1  # the page's own
        assert parsed.tags["h1"] == 1 and parsed.tags["table"] >= 5
        assert not [a for a in parsed.attributes if a.startswith("on") or a == "href"]
        said = "".join(parsed.text)
        for payload in HOSTILE.values():
            shown = payload.replace("\u202e", "\\u202e").replace("\u200b", "\\u200b")
            assert shown in said, payload


def test_an_empty_case_gives_a_signed_file_that_says_so(
    fresh_case: rc.Case, tmp_path: Path
) -> None:
    made = rc.report(fresh_case, "pdf", tmp_path / "vide.pdf")
    assert verify_report(str(made.path)).exit_code == 0
    assert "Signature is Valid." in pdfsig(made.path)
    text = pdftotext(made.path)
    parts = sections(text, QUIET_TITLES)
    assert "Messages 0 (0 hostiles)" in text and "Auteurs 0 (0 auteurs" in text
    assert "Aucun épisode (vague) n'a été détecté sur la période." in text
    assert parts["Incidents hors ligne"].strip() == "Aucun."
    assert rows(parts[EXHIBITS]) == {}
    assert rows(parts["Bordereau de pièces"]) == {}
    head = made.dossier.data["integrity"]["tree_head"]
    assert head["root_hash"] in squash(parts["Intégrité"])


def no_profile_case(case: rc.Case, write_jsonl: Callable[..., Path]) -> None:
    """Two messages captured without their authors' profiles (no account record)."""
    capture = page(
        [
            tweet("1", "@cible connard", author="77"),
            tweet("2", "@cible je vais te tuer", author="78"),
        ]
    )
    capture["includes"] = {}
    rc.ingest(case, [write_jsonl("p.jsonl", [capture])])
    assert list(case.store.accounts()) == []
    score(case, [("1", "high", ("abusive", "insult")), ("2", "critical", ("abusive", "threat"))])


def test_messages_without_author_profiles_still_render(
    clocked_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    no_profile_case(clocked_case, write_jsonl)
    made = rc.report(clocked_case, "pdf", tmp_path / "sans-profil.pdf")
    assert verify_report(str(made.path)).exit_code == 0
    text = pdftotext(made.path)
    parts = sections(text, QUIET_TITLES)
    table = rows(parts[EXHIBITS])
    assert set(table) == {1, 2}
    # named by account id, never as "@" alone nor as if the id were a handle
    assert "77 @cible connard" in table[1] and "@77" not in table[1]
    assert squash("Menace de mort (CP 222-17 al.2)") in squash(table[2])
    assert re.search(r"(?m)^77$", parts["Auteurs"]) and re.search(r"(?m)^78$", parts["Auteurs"])
    assert "@ " not in parts["Auteurs"]


def test_an_author_without_profile_is_named_by_id(
    clocked_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    no_profile_case(clocked_case, write_jsonl)
    html = rc.report(clocked_case, "html", tmp_path / "sans-profil.html").path.read_text()
    assert "@ (77)" not in html and "@ — 77" not in html


def test_line_breaks_of_messages_and_incidents_are_kept(
    clocked_case: rc.Case, write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    capture = page([tweet("1", "@cible connard\ndeuxième ligne du message")])
    rc.ingest(clocked_case, [write_jsonl("l.jsonl", [capture])])
    score(clocked_case, [("1", "high", ("abusive", "insult"))])
    rc.add_incident(clocked_case, "2026-03-01T23:00", "chez moi", "premier fait\nsecond fait")
    text = pdftotext(rc.report(clocked_case, "pdf", tmp_path / "lignes.pdf").path)
    flat = squash(text)
    assert squash("deuxième ligne du message") in flat and "secondfait" in flat
    assert "\\x0a" not in text
