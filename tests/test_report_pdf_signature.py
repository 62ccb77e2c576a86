"""The PDF court file proves itself: a PAdES signature by the case's ECDSA P-256 PDF-signing
key, whose certificate the case's Ed25519 key issued, checked offline.

Real components throughout: a case made by ``init_case``, PDFs rendered by WeasyPrint, signed
and checked with pyHanko, a real RFC 3161 authority on 127.0.0.1, poppler's ``pdftotext`` to
read the signed file and ``pdfsig`` to check it as a PDF reader does, the CLI through click's
runner.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.x509.oid import NameOID

from rempart import case as api
from rempart.case.pdfsign import report_signing_identity
from rempart.cli import main
from rempart.errors import EvidenceError
from rempart.evidence import pades
from rempart.evidence.pades import (
    CERTIFICATE_FILE,
    NOT_AFTER,
    PDF_CERTIFICATE_FILE,
    PDF_KEY_FILE,
    PdfSigningKey,
    SigningIdentity,
    case_certificate,
    sign_pdf,
    verify_pdf,
)
from rempart.evidence.signing import PRIVATE_KEY_FILE, CaseKey
from rempart.evidence.timestamps import TimestampError

from tsa import LocalTSA

TEXT = "Dossier de plainte : messages reçus par @cible, scellés et intègres."


@pytest.fixture(scope="module")
def rendered() -> bytes:
    html = f"<html lang='fr'><body><h1>Dossier</h1><p>{TEXT}</p></body></html>"
    pdf: bytes = weasyprint.HTML(string=html).write_pdf()
    return pdf


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Any]:
    made = api.init_case(tmp_path / "case", ["@cible"], name="Affaire Cible")
    yield made
    made.close()


@pytest.fixture
def signed(case: Any, rendered: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "dossier.pdf"
    path.write_bytes(api.sign_report_pdf(case, rendered))
    return path


@pytest.fixture
def stamped(case: Any, rendered: bytes, tmp_path: Path) -> Path:
    """Signed with a timestamp authority configured (its root trusted by the case): the
    signature is timestamped (B-T), then the whole file (a document timestamp)."""
    with LocalTSA("rsa") as authority:
        case.config["settings"]["tsa_urls"] = authority.url
        api.add_tsa_root(case, authority.root_pem)
        path = tmp_path / "stamped.pdf"
        path.write_bytes(api.sign_report_pdf(case, rendered))
    return path  # the authority is gone: every check of the file is offline


def verify_cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["verify-report", *args])


def pdfsig(path: Path) -> str:
    """What poppler's pdfsig, a PDF reader's signature check, says about ``path``."""
    done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


def attribute(name: x509.Name, oid: x509.ObjectIdentifier) -> Any:
    return name.get_attributes_for_oid(oid)[0].value


def test_the_case_certificate_is_a_ca_made_once_for_the_case_key(case: Any) -> None:
    pem = api.report_certificate(case)
    assert api.report_certificate(case) == pem
    assert (case.path / "keys" / CERTIFICATE_FILE).read_bytes() == pem
    cert = x509.load_pem_x509_certificate(pem)
    fingerprint = api.public_key(case)["fingerprint"]
    subject = cert.subject
    assert attribute(subject, NameOID.COMMON_NAME) == "Affaire Cible"
    assert attribute(subject, NameOID.SERIAL_NUMBER) == fingerprint
    assert cert.issuer == subject
    cert.verify_directly_issued_by(cert)  # self-signed, by the case key itself
    basic = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.digital_signature and not usage.content_commitment
    key_id = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert key_id.digest.hex() == fingerprint
    assert cert.not_valid_after_utc == NOT_AFTER


def test_the_pdf_signing_key_and_its_certificate_are_made_once(case: Any) -> None:
    keys = case.path / "keys"
    old_umask = os.umask(0)  # the key is 0600 from its first byte, whatever the umask
    try:
        identity = report_signing_identity(case)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((keys / PDF_KEY_FILE).stat().st_mode) == 0o600
    again = report_signing_identity(case)
    assert again.certificate_pem == identity.certificate_pem
    assert again.key.fingerprint() == identity.key.fingerprint()
    assert (keys / PDF_CERTIFICATE_FILE).read_bytes() == identity.certificate_pem
    assert identity.case_certificate_pem == api.report_certificate(case)
    private = serialization.load_pem_private_key((keys / PDF_KEY_FILE).read_bytes(), None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert isinstance(private.curve, ec.SECP256R1)
    assert "PRIVATE" not in repr(identity) and "PRIVATE" not in repr(identity.key)

    cert = x509.load_pem_x509_certificate(identity.certificate_pem)
    case_cert = x509.load_pem_x509_certificate(identity.case_certificate_pem)
    cert.verify_directly_issued_by(case_cert)  # issued and signed by the case's Ed25519 key
    assert cert.issuer == case_cert.subject
    case_fp = api.public_key(case)["fingerprint"]
    assert attribute(cert.subject, NameOID.COMMON_NAME) == "Affaire Cible"
    assert attribute(cert.subject, NameOID.ORGANIZATIONAL_UNIT_NAME) == "PDF signing"
    assert attribute(cert.subject, NameOID.SERIAL_NUMBER) == case_fp
    assert attribute(cert.subject, NameOID.DN_QUALIFIER) == identity.key.fingerprint()
    authority = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    assert authority.key_identifier is not None and authority.key_identifier.hex() == case_fp
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey)
    assert cert.not_valid_after_utc == NOT_AFTER

    (keys / PDF_KEY_FILE).chmod(0o644)
    with pytest.raises(EvidenceError, match="readable by others"):
        PdfSigningKey.load(keys)


def test_an_earlier_non_ca_certificate_of_the_case_key_is_replaced(case: Any) -> None:
    """Before the PDF-signing key, the case certificate was a self-signed end certificate: it
    becomes a CA certificate, because it certifies this very key."""
    keys = case.path / "keys"
    private = serialization.load_pem_private_key((keys / PRIVATE_KEY_FILE).read_bytes(), None)
    assert isinstance(private, Ed25519PrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Affaire Cible")])
    now = datetime.now(UTC)
    earlier = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(private, None)
    )
    (keys / CERTIFICATE_FILE).write_bytes(earlier.public_bytes(serialization.Encoding.PEM))
    pem = api.report_certificate(case)
    cert = x509.load_pem_x509_certificate(pem)
    assert cert != earlier and (keys / CERTIFICATE_FILE).read_bytes() == pem
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.public_key() == earlier.public_key()


def test_a_certificate_for_another_key_is_refused(case: Any, tmp_path: Path) -> None:
    other = CaseKey.create(tmp_path / "other-keys")
    foreign = case_certificate(other, "x", case.clock.now())
    (case.path / "keys" / CERTIFICATE_FILE).write_bytes(foreign)
    with pytest.raises(EvidenceError, match="another key"):
        api.report_certificate(case)


def test_another_cases_pdf_signing_key_in_keys_is_refused(case: Any, tmp_path: Path) -> None:
    with api.init_case(tmp_path / "other", ["@cible"], name="Affaire Cible") as other:
        report_signing_identity(other)
        for name in (PDF_KEY_FILE, PDF_CERTIFICATE_FILE):
            shutil.copy2(other.path / "keys" / name, case.path / "keys" / name)
    with pytest.raises(EvidenceError, match="not issued by the case key"):
        api.sign_report_pdf(case, b"%PDF-1.7\n")
    # a certificate that is the case's but for another PDF-signing key is refused as well
    (case.path / "keys" / PDF_CERTIFICATE_FILE).unlink()
    report_signing_identity(case)
    (case.path / "keys" / PDF_KEY_FILE).unlink()
    with pytest.raises(EvidenceError, match=f"certifies another key than {PDF_KEY_FILE}"):
        report_signing_identity(case)


def test_signed_report_verifies_and_still_reads(case: Any, signed: Path) -> None:
    check = api.verify_report(signed, case)
    assert check.ok, check.reasons
    assert check.against == "case" and check.signatures == 1
    assert check.key_fingerprint == api.public_key(case)["fingerprint"]
    assert check.key_fingerprint == api.latest_tree_head(case).key_fingerprint
    identity = report_signing_identity(case)
    assert check.signing_key_fingerprint == identity.key.fingerprint()
    assert check.covers_whole_file and check.signed_at and check.signed_at.endswith("Z")
    assert check.signer_subject and "CN=Affaire Cible" in check.signer_subject
    assert f"serialNumber={check.key_fingerprint}" in check.signer_subject
    assert not check.timestamp_present and check.timestamp_valid is None
    text = subprocess.run(
        ["pdftotext", str(signed), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert " ".join(text.split()) == f"Dossier {TEXT}"

    out = verify_cli(str(signed), "--case", str(case.path))
    assert out.exit_code == 0, out.output
    assert out.output.startswith("OK: the PDF is intact since it was signed")
    assert f"case key fingerprint: {check.key_fingerprint}" in out.output
    assert f"PDF-signing key: {check.signing_key_fingerprint} (certified by" in out.output
    assert "checked against: the case's certificate" in out.output


def test_the_signature_carries_both_certificates(case: Any, signed: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    with signed.open("rb") as fh:
        (sig,) = PdfFileReader(fh).embedded_signatures
        identity = report_signing_identity(case)
        assert sig.signer_cert.dump() == x509.load_pem_x509_certificate(
            identity.certificate_pem
        ).public_bytes(serialization.Encoding.DER)
        carried = [c.dump() for c in sig.other_embedded_certs]
        case_der = x509.load_pem_x509_certificate(api.report_certificate(case)).public_bytes(
            serialization.Encoding.DER
        )
        assert carried == [case_der]
        assert sig.signer_info["digest_algorithm"]["algorithm"].native == "sha256"
        assert sig.signer_info["signature_algorithm"]["algorithm"].native == "sha256_ecdsa"


def test_without_a_case_the_embedded_certificate_is_used_and_said(case: Any, signed: Path) -> None:
    check = api.verify_report(signed)
    assert check.ok and check.against == "embedded"
    assert check.key_fingerprint == api.public_key(case)["fingerprint"]
    assert any("self-signed" in note for note in check.notes)
    out = verify_cli(str(signed))
    assert out.exit_code == 0, out.output
    assert "the case certificate embedded in the file (self-signed)" in out.output
    assert api.public_key(case)["fingerprint"] in out.output
    # whoever knows the case key fingerprint (published out of band) checks it too
    fingerprint = api.public_key(case)["fingerprint"]
    data = signed.read_bytes()
    assert verify_pdf(data, case_fingerprint=fingerprint).ok
    wrong = verify_pdf(data, case_fingerprint="0" * 64)
    assert wrong.reasons == (f"signed by another key ({fingerprint}), not the case's ({'0' * 64})",)


def test_one_byte_altered_in_the_signed_range_is_caught(
    case: Any, signed: Path, tmp_path: Path
) -> None:
    data = signed.read_bytes()
    at = data.index(b"WeasyPrint")  # the producer name, inside the first signed range
    byte_range_end = int(data[data.index(b"/ByteRange [") :].split(b"[")[1].split()[1])
    assert at < byte_range_end
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(data[:at] + b"w" + data[at + 1 :])
    out = verify_cli(str(altered), "--case", str(case.path))
    assert out.exit_code == 1
    assert "FAILED" in out.output and "altered: the signed bytes no longer match" in out.output
    assert "Traceback" not in out.output


def test_an_incremental_update_after_signing_is_caught(
    case: Any, signed: Path, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    updated = tmp_path / "updated.pdf"
    updated.write_bytes(buffer.getvalue())
    check = api.verify_report(updated, case)
    assert not check.ok and not check.covers_whole_file
    assert any(r.startswith("modified after signing") for r in check.reasons)
    out = verify_cli(str(updated), "--case", str(case.path))
    assert out.exit_code == 1 and "modified after signing" in out.output
    # bytes merely appended after %%EOF are not covered either
    tail = tmp_path / "tail.pdf"
    tail.write_bytes(signed.read_bytes() + b"\n% appended\n")
    assert "modified after signing: 12 bytes" in verify_cli(str(tail)).output


def test_a_signature_by_another_case_key_is_caught(
    case: Any, rendered: bytes, tmp_path: Path
) -> None:
    with api.init_case(tmp_path / "other", ["@cible"], name="Affaire Cible") as other:
        forged = tmp_path / "forged.pdf"
        forged.write_bytes(api.sign_report_pdf(other, rendered))
        other_fp = api.public_key(other)["fingerprint"]
    check = api.verify_report(forged, case)
    assert not check.ok
    assert check.reasons[0].startswith(f"signed by another key ({other_fp})")
    assert check.key_fingerprint == other_fp
    out = verify_cli(str(forged), "--case", str(case.path))
    assert out.exit_code == 1 and "signed by another key" in out.output
    # alone, the forged file is intact: only its fingerprint tells it apart
    assert api.verify_report(forged).ok


def test_a_signing_certificate_not_issued_by_this_case_key_is_caught(
    case: Any, rendered: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another case's PDF-signing key and certificate, beside this case's own certificate."""
    with api.init_case(tmp_path / "other", ["@cible"], name="Affaire Cible") as other:
        theirs = report_signing_identity(other)
    mine = report_signing_identity(case)
    swapped = SigningIdentity(theirs.key, theirs.certificate_pem, mine.case_certificate_pem)
    with pytest.raises(EvidenceError, match="not issued by the case key"):
        sign_pdf(rendered, swapped)  # rempart refuses to make such a file ...
    monkeypatch.setattr(pades, "_identity_problem", lambda *args: None)  # ... a forger would not
    forged = tmp_path / "swapped.pdf"
    forged.write_bytes(sign_pdf(rendered, swapped))
    fingerprint = api.public_key(case)["fingerprint"]
    check = api.verify_report(forged, case)
    assert not check.ok and check.key_fingerprint is None
    assert check.reasons == (
        f"the signing certificate was not issued by the case key ({fingerprint}): its "
        "signature does not verify with the case certificate",
    )
    out = verify_cli(str(forged), "--case", str(case.path))
    assert out.exit_code == 1 and "not issued by the case key" in out.output
    # with the file alone: the case certificate it carries did not issue the signer's either
    alone = api.verify_report(forged)
    assert not alone.ok and "not issued by a case certificate the file carries" in alone.reasons[0]
    assert verify_cli(str(forged)).exit_code == 1


def test_a_certificate_naming_the_case_as_issuer_but_signed_by_another_key_is_caught(
    case: Any, rendered: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = report_signing_identity(case)
    case_cert = x509.load_pem_x509_certificate(mine.case_certificate_pem)
    leaf = x509.load_pem_x509_certificate(mine.certificate_pem)
    forger = Ed25519PrivateKey.generate()
    builder = (
        x509.CertificateBuilder()
        .subject_name(leaf.subject)
        .issuer_name(case_cert.subject)  # claims this case's certificate as its issuer
        .public_key(mine.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(leaf.not_valid_before_utc)
        .not_valid_after(NOT_AFTER)
    )
    for extension in leaf.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    forged_cert = builder.sign(forger, None).public_bytes(serialization.Encoding.PEM)
    monkeypatch.setattr(pades, "_identity_problem", lambda *args: None)
    forged = tmp_path / "forged-issuer.pdf"
    forged.write_bytes(
        sign_pdf(rendered, SigningIdentity(mine.key, forged_cert, mine.case_certificate_pem))
    )
    for check in (api.verify_report(forged, case), api.verify_report(forged)):
        assert not check.ok and check.key_fingerprint is None
        assert "signature does not verify with the case certificate" in check.reasons[0]


def test_not_a_pdf_and_an_unsigned_pdf_are_clear_errors(
    case: Any, rendered: bytes, tmp_path: Path
) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("pas un PDF")
    out = verify_cli(str(text))
    assert out.exit_code == 1
    assert out.output.strip().splitlines() == [
        f"Error: {text}: not a PDF: no %PDF- header at the start of the file"
    ]
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(rendered)
    out = verify_cli(str(unsigned), "--case", str(case.path))
    assert out.exit_code == 1 and len(out.output.strip().splitlines()) == 1
    assert "holds no signature" in out.output and "Traceback" not in out.output
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    out = verify_cli(str(broken))
    assert out.exit_code == 1 and "not a readable PDF" in out.output
    with pytest.raises(EvidenceError, match="not a PDF"):
        api.sign_report_pdf(case, b"hello")


def test_a_signed_pdf_is_not_signed_twice(case: Any, signed: Path) -> None:
    with pytest.raises(EvidenceError, match="already signed"):
        api.sign_report_pdf(case, signed.read_bytes())


def test_the_timestamps_are_present_and_validate_offline(case: Any, stamped: Path) -> None:
    check = api.verify_report(stamped, case)
    assert check.ok, check.reasons
    assert check.signatures == 1 and check.covers_whole_file
    assert check.timestamp_present and check.timestamp_valid and check.timestamp_trusted
    assert check.timestamp_authority and "CN=Test TSA" in check.timestamp_authority
    assert check.timestamped_at and check.signed_at and check.timestamped_at >= check.signed_at
    # the document timestamp, from the same authority, stamps the whole signed file
    assert check.document_timestamp_present and check.document_timestamp_valid
    assert check.document_timestamp_trusted
    assert check.document_timestamp_authority == check.timestamp_authority
    assert check.document_timestamped_at and check.document_timestamped_at >= check.timestamped_at
    out = verify_cli(str(stamped), "--case", str(case.path))
    assert out.exit_code == 0, out.output
    assert f"timestamp: {check.timestamped_at} by CN=Test TSA" in out.output
    assert f"document timestamp: {check.document_timestamped_at} by CN=Test TSA" in out.output
    assert out.output.count("(trusted)") == 2 and "modified" not in out.output
    assert "covers the whole file: yes (the signed revision, then the document timestamp" in (
        out.output
    )
    # without the case, the tokens are intact but their authority is not vouched for
    alone = api.verify_report(stamped)
    assert alone.ok and alone.timestamp_valid and alone.timestamp_trusted is None
    assert alone.document_timestamp_valid and alone.document_timestamp_trusted is None
    assert any(n.startswith("the timestamp is intact, but its authority") for n in alone.notes)
    assert any(n.startswith("the document timestamp is intact, but") for n in alone.notes)


def test_the_document_timestamp_is_an_rfc3161_update_of_its_own(case: Any, stamped: Path) -> None:
    """As pyHanko's PdfTimeStamper makes it: the signed revision, then one incremental update
    holding a /DocTimeStamp (ETSI.RFC3161) over all of it, and no validation data."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    with stamped.open("rb") as fh:
        reader = PdfFileReader(fh)
        signature, stamp = reader.embedded_signatures
        assert signature.field_name == pades.FIELD_NAME
        assert signature.sig_object_type == "/Sig"
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
        assert signature.signer_info["unsigned_attrs"][0]["type"].native == (
            "signature_time_stamp_token"
        )
        assert stamp.field_name == pades.TIMESTAMP_FIELD_NAME
        assert stamp.sig_object_type == "/DocTimeStamp"
        assert stamp.sig_object["/SubFilter"] == "/ETSI.RFC3161"
        assert stamp.signed_revision == signature.signed_revision + 1
        assert reader.xrefs.total_revisions == stamp.signed_revision + 1
        assert stamp.evaluate_signature_coverage() == SignatureCoverageLevel.ENTIRE_FILE
        assert "/DSS" not in reader.root
        # its token's message imprint is the SHA-256 of every byte but the token
        tst = stamp.signed_data["encap_content_info"]["content"].parsed
        data = stamped.read_bytes()
        start, length, resume, rest = (int(n) for n in stamp.byte_range)
        assert start == 0 and resume + rest == len(data)
        covered = data[:length] + data[resume : resume + rest]
        assert tst["message_imprint"]["hashed_message"].native == hashlib.sha256(covered).digest()


def test_a_timestamp_from_an_untrusted_authority_fails_with_the_case(
    case: Any, rendered: bytes, tmp_path: Path
) -> None:
    trusted, stranger = LocalTSA("rsa"), LocalTSA("ecdsa")  # ecdsa: signer named by key id
    api.add_tsa_root(case, trusted.root_pem)
    with stranger:
        signed = sign_pdf(rendered, report_signing_identity(case), stranger.url)
    check = verify_pdf(signed, api.report_certificate(case), [trusted.root_pem])
    assert check.timestamp_valid and check.timestamp_trusted is False
    assert check.document_timestamp_valid and check.document_timestamp_trusted is False
    assert check.reasons == (
        "timestamp: its authority does not chain to a trusted TSA root (rempart tsa add-root)",
        "document timestamp: its authority does not chain to a trusted TSA root "
        "(rempart tsa add-root)",
    )
    # with the stranger's root trusted as well, both hold
    both = verify_pdf(signed, api.report_certificate(case), [trusted.root_pem, stranger.root_pem])
    assert both.ok and both.timestamp_trusted and both.document_timestamp_trusted


def test_a_document_timestamp_from_an_untrusted_authority_fails_with_the_case(
    case: Any, rendered: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The signature stamped by the case's authority, the document by another one."""
    stranger = LocalTSA("ecdsa")
    stamp_document = pades._stamp_document

    def by_the_stranger(pdf: bytes, stamper: Any, url: str) -> bytes:
        return stamp_document(pdf, pades._timestamper(stranger.url, 10.0), stranger.url)

    monkeypatch.setattr(pades, "_stamp_document", by_the_stranger)
    with LocalTSA("rsa") as authority, stranger:
        case.config["settings"]["tsa_urls"] = authority.url
        api.add_tsa_root(case, authority.root_pem)
        forged = tmp_path / "stranger.pdf"
        forged.write_bytes(api.sign_report_pdf(case, rendered))
    check = api.verify_report(forged, case)
    assert check.timestamp_trusted and check.document_timestamp_valid
    assert check.document_timestamp_trusted is False
    assert check.reasons == (
        "document timestamp: its authority does not chain to a trusted TSA root "
        "(rempart tsa add-root)",
    )
    out = verify_cli(str(forged), "--case", str(case.path))
    assert out.exit_code == 1 and "(NOT trusted)" in out.output
    assert api.verify_report(forged).ok  # alone, the authority is not judged, only noted


@pytest.mark.parametrize(
    ("misbehave", "reason"),
    [
        ("wrong-imprint", "document timestamp: altered: the bytes it covers do not match"),
        ("bad-signature", "document timestamp: its token's own signature fails"),
    ],
)
def test_a_document_timestamp_that_does_not_stamp_the_file_is_caught(
    case: Any,
    rendered: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    misbehave: str,
    reason: str,
) -> None:
    broken = LocalTSA("rsa", misbehave=misbehave)
    stamp_document = pades._stamp_document

    def by_the_broken(pdf: bytes, stamper: Any, url: str) -> bytes:
        return stamp_document(pdf, pades._timestamper(broken.url, 10.0), broken.url)

    monkeypatch.setattr(pades, "_stamp_document", by_the_broken)
    with LocalTSA("rsa") as authority, broken:
        signed = sign_pdf(rendered, report_signing_identity(case), authority.url)
    check = verify_pdf(signed, api.report_certificate(case), [authority.root_pem, broken.root_pem])
    assert not check.ok and check.timestamp_valid and check.timestamp_trusted
    assert check.document_timestamp_present and check.document_timestamp_valid is False
    assert len(check.reasons) == 1 and check.reasons[0].startswith(reason), check.reasons


def test_one_byte_altered_in_a_timestamped_file_is_caught(
    case: Any, stamped: Path, tmp_path: Path
) -> None:
    data = stamped.read_bytes()
    assert api.verify_report(stamped, case).ok
    # inside the signed range: both the signature and the document timestamp fail
    at = data.index(b"WeasyPrint")
    inside = tmp_path / "inside.pdf"
    inside.write_bytes(data[:at] + b"w" + data[at + 1 :])
    check = api.verify_report(inside, case)
    assert not check.ok and not check.document_timestamp_valid
    assert check.reasons[0].startswith("altered: the signed bytes no longer match")
    assert check.reasons[-1].startswith("document timestamp: altered:")
    # in the padding of the signature's value, which only the document timestamp covers
    numbers = data[data.index(b"/ByteRange [") :].split(b"[")[1].split(b"]")[0].split()
    length, resume = int(numbers[1]), int(numbers[2])  # the signature's, the first in the file
    assert data[length : length + 1] == b"<" and data[resume - 1 : resume] == b">"
    padding = resume - 2  # the zeros reserved after the CMS, outside the signed range
    assert data[padding - 8 : padding + 1] == b"0" * 9
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(data[:padding] + b"1" + data[padding + 1 :])
    check = api.verify_report(outside, case)
    assert not check.ok and check.reasons == (
        "document timestamp: altered: the bytes it covers do not match its token's message "
        "imprint (the file was changed after it was stamped, or the token stamps other bytes)",
    )
    # in the update that holds the document timestamp, outside its token
    field = data.rindex(pades.TIMESTAMP_FIELD_NAME.replace("-", "\\055").encode())
    renamed = tmp_path / "renamed.pdf"
    renamed.write_bytes(data[:field] + b"R" + data[field + 1 :])
    check = api.verify_report(renamed, case)
    assert not check.ok and any(r.startswith("document timestamp: altered:") for r in check.reasons)
    for path in (inside, outside, renamed):
        out = verify_cli(str(path), "--case", str(case.path))
        assert out.exit_code == 1 and "FAILED" in out.output and "Traceback" not in out.output
        assert "document timestamp: present but broken" in out.output


def test_an_update_after_the_document_timestamp_is_caught(
    case: Any, stamped: Path, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper

    writer = IncrementalPdfFileWriter(io.BytesIO(stamped.read_bytes()))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    updated = tmp_path / "updated.pdf"
    updated.write_bytes(buffer.getvalue())
    check = api.verify_report(updated, case)
    assert not check.ok and not check.covers_whole_file
    assert any(r.startswith("modified after the document timestamp: ") for r in check.reasons)
    out = verify_cli(str(updated), "--case", str(case.path))
    assert out.exit_code == 1 and "modified after the document timestamp" in out.output
    # bytes merely appended after %%EOF
    tail = tmp_path / "tail.pdf"
    tail.write_bytes(stamped.read_bytes() + b"\n% appended\n")
    check = api.verify_report(tail, case)
    assert check.reasons == (
        "modified after the document timestamp: 12 bytes were added after the timestamped "
        "revision (an update neither the signature nor the timestamp covers)",
    )
    # even a second document timestamp: one, directly after the signature, is accepted
    with LocalTSA("rsa") as authority:
        again = PdfTimeStamper(pades._timestamper(authority.url, 10.0), field_name="again")
        twice = again.timestamp_pdf(
            IncrementalPdfFileWriter(io.BytesIO(stamped.read_bytes())), "sha256"
        )
    check = verify_pdf(twice.getvalue())
    assert not check.ok and not check.covers_whole_file
    assert check.reasons[0].startswith("document timestamp 1 of 2: modified after the document")


def test_an_update_that_changes_the_document_beside_a_document_timestamp_is_caught(
    case: Any, signed: Path, tmp_path: Path
) -> None:
    """A document timestamp in the same update as a change: the update holds more than the
    timestamp, so the signature does not vouch for it."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper

    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read_bytes()))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    with LocalTSA("rsa") as authority:
        stamper = PdfTimeStamper(pades._timestamper(authority.url, 10.0))
        changed = tmp_path / "changed.pdf"
        changed.write_bytes(stamper.timestamp_pdf(writer, "sha256").getvalue())
    check = api.verify_report(changed, case)
    assert not check.ok and not check.covers_whole_file
    assert check.document_timestamp_present and check.document_timestamp_valid
    assert len(check.reasons) == 1 and check.reasons[0].startswith("modified after signing: ")
    assert "change more than a document timestamp does" in check.reasons[0]
    # the same timestamp alone, without the change, is accepted
    with LocalTSA("rsa") as authority:
        alone = pades._stamp_document(
            signed.read_bytes(), pades._timestamper(authority.url, 10.0), authority.url
        )
    assert verify_pdf(alone).ok


def test_an_authority_that_is_down_stops_the_signing(
    case: Any, rendered: bytes, tmp_path: Path
) -> None:
    with LocalTSA(misbehave="http-500") as broken:
        case.config["settings"]["tsa_urls"] = broken.url
        with pytest.raises(TimestampError, match="HTTP 500"):
            api.sign_report_pdf(case, rendered)
        with LocalTSA("rsa") as working:  # the next authority configured stamps instead
            case.config["settings"]["tsa_urls"] = f"{broken.url},{working.url}"
            signed = api.sign_report_pdf(case, rendered)
    assert verify_pdf(signed).timestamp_present


def test_a_pdf_reader_checks_the_signature(case: Any, signed: Path, tmp_path: Path) -> None:
    """poppler's pdfsig, as a PDF reader would: the signature is valid and covers the whole
    file; the case certificate is self-made, so its issuer is not one the reader trusts."""
    out = pdfsig(signed)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out
    assert "Signer Certificate Common Name: Affaire Cible" in out
    assert f"serialNumber={api.public_key(case)['fingerprint']}" in out
    assert "ETSI.CAdES.detached" in out
    assert "Certificate issuer isn't Trusted" in out or "Certificate issuer is unknown" in out
    data = signed.read_bytes()
    at = data.index(b"WeasyPrint")  # inside the signed range, as above
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(data[:at] + b"w" + data[at + 1 :])
    out = pdfsig(altered)
    assert "Signature Validation: Digest Mismatch." in out, out
    assert "Signature is Valid" not in out


def test_a_pdf_reader_checks_the_timestamped_signature(case: Any, stamped: Path) -> None:
    """pdfsig on the file with both timestamps: the signature is still valid (it covers its
    revision; the document timestamp, an update of its own, covers the rest)."""
    out = pdfsig(stamped)
    first, _, second = out.partition("Signature #2:")
    assert f"Signature Field Name: {pades.FIELD_NAME}" in first, out
    assert "Signature Validation: Signature is Valid." in first, out
    assert "ETSI.CAdES.detached" in first
    assert f"Signature Field Name: {pades.TIMESTAMP_FIELD_NAME}" in second, out
    assert "Signer Certificate Common Name: Test TSA" in second
    assert "Total document signed" in second
    assert "Signature #3" not in out
