"""The PDF court file signs itself under the case key, and anyone checks it offline.

The case's ECDSA P-256 PDF-signing key signs (every PDF reader checks it); its certificate is
issued by the case's Ed25519 key, whose fingerprint tree heads carry.

Example::

    signed = sign_report_pdf(case, rendered_pdf)     # PAdES B-B; with tsa_urls, B-T and a
                                                     # document timestamp
    Path("exports/dossier.pdf").write_bytes(signed)
    check = verify_report("exports/dossier.pdf", case)
    check.ok, check.reasons, check.key_fingerprint

See :mod:`rempart.evidence.pades` for what is signed and checked.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import EvidenceError
from ..evidence import pades
from ..evidence.pades import PdfCheck, SigningIdentity
from ..evidence.timestamps import TimestampError
from ..evidence.transparency import tsa_roots
from ..settings import url_list
from .evidence import case_key
from .folder import Case

__all__ = [
    "PdfCheck",
    "report_certificate",
    "report_signing_identity",
    "sign_report_pdf",
    "verify_report",
]


def report_certificate(case: Case) -> bytes:
    """The PEM self-signed CA certificate of the case key (``keys/case-ed25519.cert.pem``),
    made the first time it is needed; it issues the PDF-signing key's certificate."""
    return pades.case_certificate(case_key(case), _case_name(case), case.clock.now())


def report_signing_identity(case: Case) -> SigningIdentity:
    """The case's PDF-signing key (``keys/pdf-signing-p256.pem``) and its certificate issued by
    the case key (``keys/pdf-signing-p256.cert.pem``), made the first time they are needed."""
    return pades.signing_identity(case_key(case), _case_name(case), case.clock.now())


def _case_name(case: Case) -> str:
    return str(case.config.get("case", {}).get("name", ""))


def sign_report_pdf(case: Case, pdf_bytes: bytes) -> bytes:
    """The court file ``pdf_bytes`` signed by the case's PDF-signing key, certified by the case
    key (PAdES), with a signature timestamp and then a document timestamp when the case has
    timestamp authorities (``tsa_urls``).

    The authorities are asked in the order configured, and the first that answers makes both
    timestamps; when none does, TimestampError names the last failure (retry, or remove
    ``tsa_urls`` to sign without trusted time): a file weaker than the case asks for is never
    made silently.
    """
    identity = report_signing_identity(case)
    reason = f"rempart court file, case key {case_key(case).short_fingerprint()}"
    name = _case_name(case) or None
    urls = url_list(case.settings.get("tsa_urls"))
    if not urls:
        return pades.sign_pdf(pdf_bytes, identity, reason=reason, name=name)
    failure: TimestampError | None = None
    for url in urls:
        try:
            return pades.sign_pdf(pdf_bytes, identity, url, reason=reason, name=name)
        except TimestampError as exc:
            failure = exc
    assert failure is not None
    raise failure


def verify_report(path: str | Path, case: Case | None = None) -> PdfCheck:
    """Check a signed court file offline: with ``case``, against its certificate (which must
    certify the case key, and must have issued the signing certificate) and the TSA roots it
    trusts; without, against the case certificate the file carries (the result says so: a
    self-signed certificate proves integrity and which case key vouched for the signer, not who
    holds it)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    try:
        if case is None:
            return pades.verify_pdf(data)
        return pades.verify_pdf(
            data,
            report_certificate(case),
            tsa_roots(case.path),
            case_fingerprint=case_key(case).fingerprint(),
        )
    except EvidenceError as exc:
        raise EvidenceError(f"{file}: {exc}") from None
