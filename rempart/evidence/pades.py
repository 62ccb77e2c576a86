"""The court file proves itself: a PAdES signature vouched for by the case key, checked offline.

PDF readers do not check Ed25519 signatures (poppler's ``pdfsig`` calls an Ed25519-signed file
"not signed or corrupted"), so the PDF is signed by a dedicated **ECDSA P-256 key**, whose
certificate is issued and signed by the case's Ed25519 key (:mod:`rempart.evidence.signing`):
the key that signs the case's tree heads. Any reader checks the ECDSA signature (the file is
intact since it was signed); the certificate chain leads to the case key, whose fingerprint,
printed and checked by ``rempart verify-report``, is the ``key_fingerprint`` of every signed tree
head of the case.

Example::

    identity = signing_identity(key, "Affaire X", clock.now())   # made once, kept in keys/
    signed = sign_pdf(pdf, identity, timestamp_url="https://tsa.example/tsr")  # B-T + doc TS
    check = verify_pdf(signed, identity.case_certificate_pem, [tsa_root_pem],
                       case_fingerprint=key.fingerprint())
    check.ok, check.reasons, check.key_fingerprint

What is kept in the case's ``keys/`` folder, each made the first time a PDF is signed, then
reused:

- **The case certificate** (``case-ed25519.cert.pem``): a self-signed CA certificate for the
  case key. Subject ``O=rempart``, ``CN`` the case name (at most 64 characters),
  ``serialNumber`` the case key fingerprint (SHA-256 of the raw public key, 64 hex, as
  :func:`rempart.evidence.signing.fingerprint` computes it). basicConstraints CA with path
  length 0 (it issues end certificates only) and key usage keyCertSign and digitalSignature (the
  case key also signs tree heads), both critical; subject key identifier the 32 bytes of the
  fingerprint. The same file once held a non-CA self-signed certificate of the case key: such a
  certificate is replaced by a CA one, and only when its self-signature holds and it certifies
  this very key. Any other kept certificate raises EvidenceError: never replaced silently.
- **The PDF-signing key** (``pdf-signing-p256.pem``): ECDSA on P-256, PKCS#8 unencrypted, mode
  0600 from its first byte, written beside and linked in place (never half a file, never
  replaced). :class:`PdfSigningKey` uses it in place; only public material comes out.
- **Its certificate** (``pdf-signing-p256.cert.pem``), issued by the case certificate and signed
  by the case key. Subject ``O=rempart``, ``OU=PDF signing``, ``CN`` the case name,
  ``serialNumber`` the case key fingerprint (as in the case certificate: the one to compare) and
  ``dnQualifier`` the PDF-signing key's own fingerprint (SHA-256 of its uncompressed point, 64
  hex); authority key identifier the case key fingerprint, subject key identifier its own; key
  usage digitalSignature and nonRepudiation (critical), not a CA. A kept one that was not issued
  by this case key, or certifies another key than ``pdf-signing-p256.pem``, raises EvidenceError.

Both certificates are valid from a day before they are made (a reader whose clock is a little
behind still accepts them) to 9999-12-31T23:59:59Z, the RFC 5280 value for "no expiry": a court
may read the file years later. ``cryptography`` builds them and :meth:`CaseKey.sign` makes their
signatures: the case key never leaves its file.

- **The signature**: one approval signature (field ``rempart-case``), SubFilter
  ``ETSI.CAdES.detached`` (PAdES baseline B-B), ECDSA P-256 with SHA-256, in an incremental
  update that leaves the rendered bytes untouched. It covers the whole file but the signature
  value itself. Its CMS carries both certificates, the PDF-signing one and the case one.
- **Trusted time** (``timestamp_url``): an RFC 3161 token over the signature value, kept as the
  signature's unsigned attribute ``signature-time-stamp``: PAdES baseline **B-T**. It proves the
  signature existed at the authority's time. Then, from the same authority, a **document
  timestamp**: a second incremental update holding only a ``/DocTimeStamp`` signature (field
  ``rempart-timestamp``, SubFilter ``ETSI.RFC3161``, as pyHanko's ``PdfTimeStamper`` makes it)
  whose token's message imprint is the SHA-256 of every byte of the file but the token itself,
  the signature included: the building block of PAdES B-LTA. No validation data (DSS, VRI,
  revocation) is embedded, so the file is not B-LT or B-LTA (the case certificates have no
  revocation to check, and the case's own stamped tree heads carry the long-term proof).

What :func:`verify_pdf` checks, with no network: the PDF reads; it holds a signature; for each
signature, the bytes it covers hash to the signed digest (one byte changed is caught), the
ECDSA signature verifies with the signing certificate's key, that certificate was issued by the
case certificate (its Ed25519 signature verifies with the case key, checked with
``cryptography``, and pyHanko validates the chain), the case certificate is a self-signed CA
certificate of an Ed25519 key, and, when the case is known (``trusted_cert_pem`` and
``case_fingerprint``), it is the case's and certifies the case key (without it, the case
certificate the file carries is used, which then proves only integrity and which case key
vouched for the signer), the signature covers the whole file (bytes appended after signing, an
incremental update included, are reported "modified after signing"), and, when a timestamp
token is present, that it stamps this signature and its own signature holds; its authority is
trusted only when ``tsa_roots`` are given, judged at the token's time.

A document timestamp is checked the same way: its token's message imprint is the digest of the
bytes it covers (one byte changed anywhere but in the token is caught), its signature holds,
its authority chains to a given TSA root (judged at its genTime), and it covers the whole file
(an update after it is "modified after the document timestamp"). The update that adds it is the
only one accepted after the signed revision, and only when it directly follows that revision
and pyHanko's difference analysis finds nothing in it but a document timestamp (and the
validation data such an update may carry): anything else, in that update or another, is
"modified after signing".

pyHanko takes about a second to import, so only signing and checking a PDF import it.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import secrets
import stat
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Sequence

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

from ..errors import EvidenceError
from ..models import iso
from .signing import CaseKey, fingerprint, short_fingerprint
from .timestamps import TimestampError, post_request

# pyHanko imports cryptography's DSA support, which newer cryptography releases flag as
# deprecated at import; rempart never signs with DSA, so the user is not told about it.
warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko(\..*)?$")

if TYPE_CHECKING:
    from pyhanko.sign.signers.pdf_cms import Signer
    from pyhanko.sign.timestamps import TimeStamper

__all__ = [
    "CERTIFICATE_FILE",
    "FIELD_NAME",
    "PDF_CERTIFICATE_FILE",
    "PDF_KEY_FILE",
    "PdfCheck",
    "PdfSigningKey",
    "SigningIdentity",
    "TIMESTAMP_FIELD_NAME",
    "case_certificate",
    "certificate_fingerprint",
    "sign_pdf",
    "signing_identity",
    "verify_pdf",
]

#: Beside the case key in ``keys/``: its self-signed CA certificate (PEM).
CERTIFICATE_FILE = "case-ed25519.cert.pem"
#: The ECDSA P-256 key that signs PDFs (PKCS#8 PEM, mode 0600).
PDF_KEY_FILE = "pdf-signing-p256.pem"
#: Its certificate, issued by the case certificate (PEM).
PDF_CERTIFICATE_FILE = "pdf-signing-p256.cert.pem"
#: The name of the signature field rempart adds.
FIELD_NAME = "rempart-case"
#: The name of the field of the document timestamp added after it, when a TSA is given.
TIMESTAMP_FIELD_NAME = "rempart-timestamp"
NOT_AFTER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
_SKEW = timedelta(days=1)
_CN_MAX = 64  # ub-common-name (RFC 5280)
_PDF_UNIT = "PDF signing"
_MD_ALGORITHM = "sha256"  # matches P-256 (ETSI TS 119 312)
_ECDSA_P256_MAX = 72  # the longest DER ECDSA-Sig-Value on P-256
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
_NAMES = {NameOID.SERIAL_NUMBER: "serialNumber", NameOID.DN_QUALIFIER: "dnQualifier"}
# pyHanko logs each failed check with a traceback; a check's result says it in words instead.
# A NullHandler keeps those records off stderr unless the application configures logging.
_QUIET = ("pyhanko", "pyhanko_certvalidator")
# What a malformed PDF or CMS structure raises inside pyHanko and asn1crypto, besides PdfError.
_MALFORMED = (ValueError, TypeError, KeyError, IndexError, AttributeError)
_DOC_TIMESTAMP = "/DocTimeStamp"


@dataclass(frozen=True)
class PdfCheck:
    """What :func:`verify_pdf` found; ``ok`` when ``reasons`` is empty.

    ``reasons``: each problem, in plain words. ``notes``: what the check could not prove (a
    self-signed case certificate, a timestamp authority not checked). ``against``: "case" (the
    case certificate given) or "embedded" (the one the file carries). ``signer_subject`` the
    signing certificate's subject (RFC 4514); ``key_fingerprint`` SHA-256 of the raw Ed25519
    public key of the case certificate that issued it (64 hex; None when no case certificate
    vouches for the signer), to compare with a tree head's ``key_fingerprint``;
    ``signing_key_fingerprint`` the PDF-signing key's (SHA-256 of its uncompressed P-256 point);
    ``signed_at`` the signer's own clock (ISO 8601 UTC). ``covers_whole_file``: nothing was
    added after the signature but a document timestamp that covers the rest of the file.
    ``timestamp_present`` / ``timestamp_valid`` (the token stamps this signature and its
    signature holds; None without a token) / ``timestamp_trusted`` (it chains to a given TSA
    root; None when none was given or no token) / ``timestamped_at`` (genTime) /
    ``timestamp_authority`` (the TSA certificate's subject): the signature timestamp.
    ``document_timestamp_present`` / ``document_timestamp_valid`` (its token's imprint is the
    digest of the bytes it covers and its signature holds) / ``document_timestamp_trusted`` /
    ``document_timestamped_at`` / ``document_timestamp_authority``: the same for the document
    timestamp (the last, when there are several). ``signatures``: how many signatures the file
    holds, document timestamps aside; the fields describe the first, the reasons cover all.
    """

    ok: bool
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    against: str
    signatures: int
    signer_subject: str | None
    key_fingerprint: str | None
    signed_at: str | None
    covers_whole_file: bool
    timestamp_present: bool
    timestamp_valid: bool | None
    timestamp_trusted: bool | None
    timestamped_at: str | None
    timestamp_authority: str | None
    signing_key_fingerprint: str | None = None
    document_timestamp_present: bool = False
    document_timestamp_valid: bool | None = None
    document_timestamp_trusted: bool | None = None
    document_timestamped_at: str | None = None
    document_timestamp_authority: str | None = None

    def summary(self) -> str:
        """A few lines for people: who signed, when, what holds, and what to compare."""
        head = (
            "OK: the PDF is intact since it was signed"
            if self.ok
            else "FAILED: the PDF does not prove itself"
        )
        lines = [head]
        lines += [f"  - {reason}" for reason in self.reasons]
        lines.append(f"signed by: {self.signer_subject or '(unknown)'}")
        if self.key_fingerprint:
            lines.append(f"case key fingerprint: {self.key_fingerprint}")
            lines.append(
                f"  short: {short_fingerprint(self.key_fingerprint)} (compare with the case's "
                "key, `rempart key`, or a tree head's key_fingerprint)"
            )
        if self.signing_key_fingerprint:
            vouched = (
                "certified by the case key above"
                if self.key_fingerprint
                else "not certified by a case key"
            )
            lines.append(f"PDF-signing key: {self.signing_key_fingerprint} ({vouched})")
        lines.append(f"signed at: {self.signed_at or '(not stated)'} (the signer's clock)")
        covers = "no"
        if self.covers_whole_file:
            covers = "yes"
            if self.document_timestamp_present:
                covers += " (the signed revision, then the document timestamp over all of it)"
        lines.append(f"covers the whole file: {covers}")
        lines.append(
            "timestamp: "
            + _stamp_line(
                self.timestamp_present,
                self.timestamp_valid,
                self.timestamp_trusted,
                self.timestamped_at,
                self.timestamp_authority,
            )
        )
        lines.append(
            "document timestamp: "
            + _stamp_line(
                self.document_timestamp_present,
                self.document_timestamp_valid,
                self.document_timestamp_trusted,
                self.document_timestamped_at,
                self.document_timestamp_authority,
            )
        )
        against = (
            "the case's certificate"
            if self.against == "case"
            else "the case certificate embedded in the file (self-signed)"
        )
        lines.append(f"checked against: {against}")
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _stamp_line(
    present: bool, valid: bool | None, trusted: bool | None, at: str | None, by: str | None
) -> str:
    if not present:
        return "none"
    if not valid:
        return "present but broken"
    trust = {True: "trusted", False: "NOT trusted", None: "authority not checked"}
    authority = f" by {by}" if by else ""
    return f"{at}{authority} ({trust[trusted]})"


# ---------------------------------------------------------------- keys and certificates


class PdfSigningKey:
    """The case's ECDSA P-256 PDF-signing key, kept in ``keys/``; only public material comes out.

    Get it with :meth:`load_or_create` (made once, then reused) or :meth:`load`.
    """

    def __init__(self, folder: Path, private: ec.EllipticCurvePrivateKey) -> None:
        self.folder = folder
        self.__private = private
        self._public = private.public_key()

    @classmethod
    def load_or_create(cls, folder: Path) -> PdfSigningKey:
        """The key of ``folder``, made there the first time (mode 0600 from its first byte)."""
        path = folder / PDF_KEY_FILE
        if not path.exists():
            private = ec.generate_private_key(ec.SECP256R1())
            pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _keep_new(path, pem, secret=True)
        return cls.load(folder)

    @classmethod
    def load(cls, folder: Path) -> PdfSigningKey:
        """Load the key of ``folder``: a P-256 key that only its owner may read."""
        path = folder / PDF_KEY_FILE
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError:
            raise EvidenceError(f"{path}: no PDF-signing key; sign a PDF to make one") from None
        except ValueError as exc:
            raise EvidenceError(f"{path}: not a readable PEM private key ({exc})") from None
        if not isinstance(private, ec.EllipticCurvePrivateKey) or not isinstance(
            private.curve, ec.SECP256R1
        ):
            raise EvidenceError(f"{path}: the PDF-signing key is not an ECDSA P-256 key")
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise EvidenceError(f"{path}: readable by others; run chmod 600 on it")
        return cls(folder, private)

    def public_key(self) -> ec.EllipticCurvePublicKey:
        """The public key."""
        return self._public

    def fingerprint(self) -> str:
        """SHA-256 of the uncompressed public point (65 bytes), 64 hex digits."""
        return _point_fingerprint(self._public)

    def sign(self, data: bytes, digest_algorithm: str = _MD_ALGORITHM) -> bytes:
        """A DER ECDSA signature of ``data`` hashed with ``digest_algorithm`` (sha256, ...)."""
        try:
            algorithm = _HASHES[digest_algorithm]()
        except KeyError:
            raise ValueError(f"unsupported digest algorithm {digest_algorithm!r}") from None
        return self.__private.sign(data, ec.ECDSA(algorithm))

    def __repr__(self) -> str:
        return (
            f"PdfSigningKey({str(self.folder)!r}, "
            f"fingerprint={short_fingerprint(self.fingerprint())!r})"
        )

    def __reduce__(self) -> NoReturn:
        # Pickling would copy the private key out of its folder.
        raise TypeError("a PdfSigningKey cannot be pickled; load it from its folder instead")


@dataclass(frozen=True)
class SigningIdentity:
    """What signs a PDF: the PDF-signing ``key``, its ``certificate_pem`` and the
    ``case_certificate_pem`` that issued it (see :func:`signing_identity`)."""

    key: PdfSigningKey
    certificate_pem: bytes = field(repr=False)
    case_certificate_pem: bytes = field(repr=False)


def case_certificate(key: CaseKey, case_name: str, when: datetime) -> bytes:
    """The self-signed CA certificate (PEM) of the case key, made at ``when`` the first time and
    then read from ``keys/case-ed25519.cert.pem``.

    A kept non-CA certificate of this very key (validly self-signed) is replaced by a CA one. A
    kept certificate that certifies another key, or whose self-signature fails, raises
    EvidenceError: it is never replaced silently.
    """
    path = key.folder / CERTIFICATE_FILE
    if not path.exists():
        _keep_new(path, _case_ca(key, case_name, when))
    pem = path.read_bytes()
    if not _is_ca(_check_kept(pem, key, path)):
        _replace(path, _case_ca(key, case_name, when))
        pem = path.read_bytes()
        if not _is_ca(_check_kept(pem, key, path)):
            raise EvidenceError(f"{path}: not a CA certificate; move it away and one is made")
    return pem


def signing_identity(key: CaseKey, case_name: str, when: datetime) -> SigningIdentity:
    """The PDF-signing key of the case and its certificate issued by the case key, each made at
    ``when`` the first time, then read from ``keys/`` (see the module docstring).

    A kept certificate not issued by this case's certificate, or that certifies another key than
    ``pdf-signing-p256.pem``, raises EvidenceError: it is never replaced silently.
    """
    case_pem = case_certificate(key, case_name, when)
    case_cert = x509.load_pem_x509_certificate(case_pem)
    pdf_key = PdfSigningKey.load_or_create(key.folder)
    path = key.folder / PDF_CERTIFICATE_FILE
    if not path.exists():
        _keep_new(path, _issue(key, case_cert, pdf_key, case_name, when))
    pem = path.read_bytes()
    problem = _identity_problem(pem, case_cert, pdf_key)
    if problem:
        raise EvidenceError(f"{path}: {problem}; move it away and a new one is made")
    return SigningIdentity(pdf_key, pem, case_pem)


def _keep_new(path: Path, data: bytes, *, secret: bool = False) -> None:
    """Write ``data`` at ``path`` unless another process did first; never half a file.

    ``secret``: mode 0600 from the first byte written."""
    draft = _draft(path, data, secret)
    try:
        os.link(draft, path)  # atomic, and refuses to replace a file made meanwhile
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def _replace(path: Path, data: bytes) -> None:
    """Replace the file at ``path`` by ``data`` at once (a reader sees the old or the new)."""
    os.replace(_draft(path, data, False), path)


def _draft(path: Path, data: bytes, secret: bool) -> Path:
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if secret else 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if secret:
            os.chmod(draft, 0o600)  # the umask may have narrowed it further; make it exact
    except BaseException:
        draft.unlink(missing_ok=True)
        raise
    return draft


def _start(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError("when has no time zone; the case clock gives aware UTC times")
    return when.astimezone(UTC).replace(microsecond=0) - _SKEW


def _case_ca(key: CaseKey, case_name: str, when: datetime) -> bytes:
    """The case key's self-signed CA certificate (PEM)."""
    public = Ed25519PublicKey.from_public_bytes(key.public_raw())
    name = _case_subject(case_name, key.fingerprint())
    key_id = bytes.fromhex(key.fingerprint())
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(_start(when))
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(digital_signature=True, key_cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier(key_id), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier(key_id, None, None), critical=False)
    )
    cert = _signed_by_case_key(builder, key)
    cert.verify_directly_issued_by(cert)
    return cert.public_bytes(serialization.Encoding.PEM)


def _issue(
    key: CaseKey,
    case_cert: x509.Certificate,
    pdf_key: PdfSigningKey,
    case_name: str,
    when: datetime,
) -> bytes:
    """The PDF-signing key's certificate (PEM), issued by ``case_cert`` and signed by ``key``."""
    subject = _pdf_subject(case_name, key.fingerprint(), pdf_key.fingerprint())
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(case_cert.subject)
        .public_key(pdf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(_start(when))
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier(bytes.fromhex(pdf_key.fingerprint())), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier(bytes.fromhex(key.fingerprint()), None, None),
            critical=False,
        )
    )
    cert = _signed_by_case_key(builder, key)
    cert.verify_directly_issued_by(case_cert)
    return cert.public_bytes(serialization.Encoding.PEM)


def _usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_cert_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _signed_by_case_key(builder: x509.CertificateBuilder, key: CaseKey) -> x509.Certificate:
    """Build the certificate with ``cryptography``, then sign its TBS bytes with the case key.

    ``cryptography`` signs only with a private key object it holds, and the case key never
    leaves :class:`CaseKey`: so a throwaway Ed25519 key signs the draft (the algorithm
    identifier in the TBS is the same, Ed25519 has no parameters), and the case key's signature
    of the very same TBS bytes replaces the throwaway one.
    """
    draft = builder.sign(Ed25519PrivateKey.generate(), None)
    shell = asn1_x509.Certificate.load(draft.public_bytes(serialization.Encoding.DER))
    tbs = draft.tbs_certificate_bytes
    final = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs),
            "signature_algorithm": shell["signature_algorithm"],
            "signature_value": key.sign(tbs),
        }
    )
    return x509.load_der_x509_certificate(final.dump())


def _common_name(case_name: str) -> str:
    return (case_name.strip() or "rempart case")[:_CN_MAX]


def _case_subject(case_name: str, key_fingerprint: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rempart"),
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(case_name)),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, key_fingerprint),
        ]
    )


def _pdf_subject(case_name: str, case_fingerprint: str, pdf_fingerprint: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rempart"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _PDF_UNIT),
            x509.NameAttribute(NameOID.COMMON_NAME, _common_name(case_name)),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, case_fingerprint),
            x509.NameAttribute(NameOID.DN_QUALIFIER, pdf_fingerprint),
        ]
    )


def _is_ca(cert: x509.Certificate) -> bool:
    """Whether ``cert`` may issue certificates: basicConstraints CA and keyCertSign."""
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return basic.ca and usage.key_cert_sign


def _check_kept(pem: bytes, key: CaseKey, path: Path) -> x509.Certificate:
    try:
        cert = x509.load_pem_x509_certificate(pem)
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise EvidenceError(
            f"{path}: not a valid self-signed certificate ({exc or type(exc).__name__}); "
            "move it away and a new one is made"
        ) from None
    if certificate_fingerprint(pem) != key.fingerprint():
        raise EvidenceError(
            f"{path}: certifies another key than the case's; move it away and a new one is made"
        )
    return cert


def _identity_problem(
    pem: bytes, case_cert: x509.Certificate, pdf_key: PdfSigningKey
) -> str | None:
    """What is wrong with a PDF-signing certificate (None when it is issued by ``case_cert``
    and certifies ``pdf_key``)."""
    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError as exc:
        return f"not a PEM certificate ({exc})"
    if not _issued_by(cert, case_cert):
        return "not issued by the case key (its signature does not verify with the case's)"
    if certificate_fingerprint(pem) != pdf_key.fingerprint():
        return f"certifies another key than {PDF_KEY_FILE}"
    return None


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer``'s subject is ``cert``'s issuer and its key signed ``cert``."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _point_fingerprint(public: ec.EllipticCurvePublicKey) -> str:
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return hashlib.sha256(point).hexdigest()


def certificate_fingerprint(pem_or_der: bytes) -> str | None:
    """The fingerprint of a certificate's key: for Ed25519, SHA-256 of the raw key (as
    :func:`rempart.evidence.signing.fingerprint`); for an elliptic curve key (the PDF-signing
    key), of its uncompressed point; None for another kind of key."""
    public = _crypto(pem_or_der).public_key()
    if isinstance(public, Ed25519PublicKey):
        return fingerprint(
            public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
    if isinstance(public, ec.EllipticCurvePublicKey):
        return _point_fingerprint(public)
    return None


def _case_fingerprint(cert: x509.Certificate) -> str | None:
    """The case key fingerprint of a case certificate; None when its key is not Ed25519."""
    if not isinstance(cert.public_key(), Ed25519PublicKey):
        return None
    return certificate_fingerprint(cert.public_bytes(serialization.Encoding.DER))


def _crypto(pem_or_der: bytes) -> x509.Certificate:
    if pem_or_der.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(pem_or_der)
    return x509.load_der_x509_certificate(pem_or_der)


# ---------------------------------------------------------------- signing


def sign_pdf(
    pdf: bytes,
    identity: SigningIdentity,
    timestamp_url: str | None = None,
    *,
    reason: str | None = None,
    name: str | None = None,
    timeout: float = 10.0,
) -> bytes:
    """``pdf`` with a PAdES signature by ``identity``'s key; the signature's CMS carries its
    certificate and the case certificate. With ``timestamp_url``, the authority stamps the
    signature (B-T), then the whole file: a document timestamp in a further incremental update.

    The certificate must certify the key and be issued by the case certificate (see
    :func:`signing_identity`). ``reason`` and ``name`` go in the signature dictionary, where
    readers show them. Raises EvidenceError when ``pdf`` is not a PDF or is already signed,
    TimestampError when the authority fails (no weaker file is made silently).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import TimestampRequestError

    try:
        case_cert = x509.load_pem_x509_certificate(identity.case_certificate_pem)
    except ValueError as exc:
        raise EvidenceError(f"the case certificate is not a PEM certificate ({exc})") from None
    problem = _identity_problem(identity.certificate_pem, case_cert, identity.key)
    if problem:
        raise EvidenceError(f"the PDF-signing certificate: {problem}")
    if _case_fingerprint(case_cert) is None or not _is_ca(case_cert):
        raise EvidenceError("the case certificate is not a CA certificate of an Ed25519 key")
    _quiet_pyhanko()
    _require_pdf_header(pdf)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        if writer.prev.embedded_signatures:
            raise EvidenceError("the PDF is already signed; sign the file as rendered")
    except (PdfError, *_MALFORMED) as exc:
        raise EvidenceError(f"not a readable PDF ({exc or type(exc).__name__})") from None
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm=_MD_ALGORITHM,
        reason=reason,
        name=name,
    )
    stamper = _timestamper(timestamp_url, timeout) if timestamp_url else None
    signer = signers.PdfSigner(
        meta,
        _key_signer(identity.key, _asn1(identity.certificate_pem), _asn1(case_cert)),
        timestamper=stamper,
    )
    try:
        out = signer.sign_pdf(writer)
    except TimestampRequestError as exc:
        raise TimestampError(timestamp_url or "", str(exc) or "the request failed") from None
    signed: bytes = out.getvalue()
    if stamper is not None and timestamp_url:
        signed = _stamp_document(signed, stamper, timestamp_url)
    return signed


def _stamp_document(pdf: bytes, stamper: TimeStamper, url: str) -> bytes:
    """``pdf`` with a document timestamp by ``stamper`` (the authority at ``url``), in an
    incremental update: a ``/DocTimeStamp`` signature, SubFilter ETSI.RFC3161, over the whole
    file. No validation data (DSS) is added."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers import PdfTimeStamper
    from pyhanko.sign.timestamps import TimestampRequestError

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    document = PdfTimeStamper(stamper, field_name=TIMESTAMP_FIELD_NAME)
    try:
        out = document.timestamp_pdf(writer, _MD_ALGORITHM)
    except TimestampRequestError as exc:
        raise TimestampError(url, str(exc) or "the request failed") from None
    stamped: bytes = out.getvalue()
    return stamped


def _asn1(cert: bytes | x509.Certificate) -> Any:
    """The asn1crypto form pyHanko works with."""
    crypto = cert if isinstance(cert, x509.Certificate) else _crypto(cert)
    return asn1_x509.Certificate.load(crypto.public_bytes(serialization.Encoding.DER))


def _quiet_pyhanko() -> None:
    for name in _QUIET:
        log = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
            log.addHandler(logging.NullHandler())


def _require_pdf_header(pdf: bytes) -> None:
    # A PDF may have a few bytes before its header (ISO 32000-2 7.5.2); 1024 is what readers scan.
    if b"%PDF-" not in pdf[:1024]:
        raise EvidenceError("not a PDF: no %PDF- header at the start of the file")


def _key_signer(key: PdfSigningKey, cert: Any, case_cert: Any) -> Signer:
    """A pyHanko signer whose raw signatures are made by the PDF-signing key, in place, and
    whose CMS carries the case certificate beside the signer's."""
    from pyhanko.sign.signers.pdf_cms import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    class PdfKeySigner(Signer):
        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            if dry_run:
                return bytes(_ECDSA_P256_MAX)
            return key.sign(data, digest_algorithm)

    registry = SimpleCertificateStore.from_certs([case_cert])  # type: ignore[no-untyped-call]
    signer: Signer = PdfKeySigner(signing_cert=cert, cert_registry=registry, embed_roots=True)
    return signer


def _timestamper(url: str, timeout: float) -> TimeStamper:
    """A pyHanko timestamp client that posts with rempart's own RFC 3161 client (size limits,
    errors naming the URL), and accepts tokens whose signer is named by key identifier."""
    from asn1crypto import tsp
    from pyhanko.sign.timestamps import TimeStamper

    class CaseTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: Any) -> Any:
            payload = await asyncio.to_thread(post_request, url, req.dump(), timeout)
            try:
                return tsp.TimeStampResp.load(payload, strict=True)
            except _MALFORMED:
                raise TimestampError(url, "the reply is not a DER TimeStampResp") from None

        def _register_dummy(self, md_algorithm: str, dummy: Any) -> None:
            # pyHanko also indexes the TSA certificates here (for long-term validation data,
            # which rempart does not embed) and asserts issuer-and-serial signer ids; keep the
            # dummy for size estimation only.
            self._dummy_response_cache[md_algorithm] = dummy

    stamper: TimeStamper = CaseTimeStamper()  # type: ignore[no-untyped-call]
    return stamper


# ---------------------------------------------------------------- verification


def verify_pdf(
    pdf: bytes,
    trusted_cert_pem: bytes | None = None,
    tsa_roots: Sequence[bytes] = (),
    *,
    case_fingerprint: str | None = None,
) -> PdfCheck:
    """Check the PAdES signature(s) of ``pdf`` offline; see the module docstring.

    ``trusted_cert_pem``: the case certificate; without it, each signature is checked against
    the case certificate the file carries (and the result says so). ``case_fingerprint``: the
    case key's fingerprint; the case certificate (given or carried) must certify that key.
    ``tsa_roots``: PEM root certificates of the timestamp authorities to trust. A file that is
    not a PDF, or holds no signature, and a given case certificate that is not of the case key,
    raise EvidenceError; every other failure is a line of ``reasons``.
    """
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    _quiet_pyhanko()
    _require_pdf_header(pdf)
    trusted = _load_certs([trusted_cert_pem]) if trusted_cert_pem else []
    wanted = {case_fingerprint} if case_fingerprint else set()
    for cert in trusted:
        got = _case_fingerprint(_crypto(cert.dump()))
        if got is None:
            raise EvidenceError("the case certificate is not of an Ed25519 key")
        if case_fingerprint is not None and got != case_fingerprint:
            raise EvidenceError(
                f"the case certificate certifies another key ({got}) than the case's "
                f"({case_fingerprint})"
            )
        wanted.add(got)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
        signatures = [s for s in embedded if s.sig_object_type != _DOC_TIMESTAMP]
        stamps = [s for s in embedded if s.sig_object_type == _DOC_TIMESTAMP]
        stamped = {int(s.signed_revision) for s in stamps}
    except (PdfError, *_MALFORMED) as exc:
        raise EvidenceError(f"not a readable PDF ({exc or type(exc).__name__})") from None
    if not signatures:
        raise EvidenceError("the PDF holds no signature; it was not signed by rempart")
    roots = _load_certs(tsa_roots)
    results = [
        _check_one(
            sig,
            len(pdf),
            trusted,
            sorted(wanted),
            roots,
            stamped_next=int(sig.signed_revision) + 1 in stamped,
        )
        for sig in signatures
    ]
    stamp_results = [_check_stamp(stamp, len(pdf), roots) for stamp in stamps]
    reasons: list[str] = []
    for number, found in enumerate(results, start=1):
        prefix = f"signature {number}: " if len(results) > 1 else ""
        reasons += [prefix + r for r in found.reasons]
    for number, found in enumerate(stamp_results, start=1):
        prefix = f"document timestamp {number} of {len(stamps)}: " if len(stamps) > 1 else ""
        reasons += [prefix + r for r in found.reasons]
    first = results[0]
    fields = dict(first.fields)
    notes = list(first.notes)
    if stamp_results:
        fields.update(stamp_results[-1].fields)
        notes += stamp_results[-1].notes
        # the signature's revision is whole only when the document timestamp covers the rest
        fields["covers_whole_file"] = fields["covers_whole_file"] and all(
            found.whole for found in stamp_results
        )
    if not trusted:
        notes.append(
            "no case certificate was given to trust, so the one the file carries was used "
            "(rempart's is self-signed): this proves the file is intact and which case key "
            "vouched for the key that signed it, not who holds that key; compare the case key "
            "fingerprint with the case's"
        )
    return PdfCheck(
        ok=not reasons,
        reasons=tuple(reasons),
        notes=tuple(notes),
        against="case" if trusted else "embedded",
        signatures=len(results),
        **fields,
    )


@dataclass
class _One:
    reasons: list[str]
    notes: list[str]
    fields: dict[str, Any]
    whole: bool = False  # a document timestamp: it covers the whole file


def _load_certs(pems: Sequence[bytes | None]) -> list[Any]:
    out = []
    for pem in pems:
        if pem is None:
            continue
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise EvidenceError(f"not a PEM certificate ({exc})") from None
        out += [_asn1(c) for c in certs]
    return out


def _check_one(
    sig: Any,
    size: int,
    trusted: list[Any],
    wanted: list[str],
    roots: list[Any],
    *,
    stamped_next: bool = False,
) -> _One:
    """Validate one embedded signature with pyHanko and ``cryptography``, and say in words
    what fails. ``stamped_next``: the revision after the signed one holds a document
    timestamp, the one update the signature need not cover."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    try:
        signer_cert = sig.signer_cert
        carried = list(sig.other_embedded_certs)
    except (PdfError, SignatureValidationError, *_MALFORMED) as exc:
        return _One([f"the signature cannot be read ({exc or type(exc).__name__})"], [], _blank())
    fields = _blank()
    fields["signer_subject"] = _subject_text(signer_cert)
    fields["signing_key_fingerprint"] = certificate_fingerprint(signer_cert.dump())
    issuer, reasons = _case_issuer(signer_cert, trusted, carried, wanted)
    if issuer is not None:
        fields["key_fingerprint"] = _case_fingerprint(_crypto(issuer.dump()))
    anchors = [issuer] if issuer is not None else trusted or [signer_cert]
    signer_vc = ValidationContext(trust_roots=anchors, allow_fetching=False)
    ts_vc = ValidationContext(
        trust_roots=roots, allow_fetching=False, moment=_token_time(sig) or datetime.now(UTC)
    )
    try:
        status = validate_pdf_signature(sig, signer_vc, ts_validation_context=ts_vc)
    except (PdfError, SignatureValidationError, *_MALFORMED) as exc:
        return _One(
            [f"the signature cannot be checked ({exc or type(exc).__name__})", *reasons],
            [],
            fields,
        )
    notes: list[str] = []
    reasons = _integrity(status) + reasons
    if not reasons:
        reasons += _trust(status)
    covered = _coverage(sig, status, size, stamped_next)
    reasons += covered
    fields["covers_whole_file"] = not covered and (_whole(status) or stamped_next)
    fields["signed_at"] = iso(status.signer_reported_dt) if status.signer_reported_dt else None
    _timestamp(status, bool(roots), fields, reasons, notes)
    return _One(reasons, notes, fields)


def _case_issuer(
    signer_cert: Any, trusted: list[Any], carried: list[Any], wanted: list[str]
) -> tuple[Any | None, list[str]]:
    """The case certificate that issued ``signer_cert`` (among ``trusted``, else among the
    certificates the file carries), and what is wrong with it, in words.

    The issuer is the certificate whose subject is the signer's issuer and whose key verifies
    the signer certificate's signature (``cryptography``). With the case (``trusted``) but
    another case's issuer in the file, that issuer is returned with the reason, so its
    fingerprint is reported."""
    signer = _crypto(signer_cert.dump())
    wants = ", ".join(wanted)
    issuer = next((c for c in trusted if _issued_by(signer, _crypto(c.dump()))), None)
    if issuer is None:
        issuer = next((c for c in carried if _issued_by(signer, _crypto(c.dump()))), None)
        if issuer is None:
            where = f"the case key ({wants})" if wants else "a case certificate the file carries"
            return None, [
                f"the signing certificate was not issued by {where}: its signature does not "
                "verify with the case certificate"
            ]
    case = _crypto(issuer.dump())
    got = _case_fingerprint(case)
    if got is None:
        return issuer, ["the signing certificate's issuer is not a case certificate (not Ed25519)"]
    if wanted and got not in wanted:
        return issuer, [f"signed by another key ({got}), not the case's ({wants})"]
    if not _issued_by(case, case) or not _is_ca(case):
        return issuer, [
            "the case certificate is not a self-signed CA certificate (basicConstraints CA, "
            "keyCertSign)"
        ]
    return issuer, []


def _blank() -> dict[str, Any]:
    return {
        "signer_subject": None,
        "key_fingerprint": None,
        "signing_key_fingerprint": None,
        "signed_at": None,
        "covers_whole_file": False,
        "timestamp_present": False,
        "timestamp_valid": None,
        "timestamp_trusted": None,
        "timestamped_at": None,
        "timestamp_authority": None,
    }


def _subject_text(cert: Any) -> str:
    """A certificate's subject as RFC 4514 text (``CN=…,O=…``)."""
    try:
        return _crypto(cert.dump()).subject.rfc4514_string(_NAMES)
    except ValueError:
        return str(cert.subject.human_friendly)


def _token_time(sig: Any) -> datetime | None:
    """The genTime of the signature's timestamp token, to judge its authority at that time
    (as ``rempart verify`` does), not today: a TSA certificate may expire after stamping."""
    try:
        attrs = sig.signer_info["unsigned_attrs"]
        for attr in attrs if attrs.native else ():
            if attr["type"].native == "signature_time_stamp_token":
                return _gen_time(attr["values"][0]["content"])
    except _MALFORMED:
        return None
    return None


def _gen_time(signed_data: Any) -> datetime | None:
    """The genTime of a timestamp token's SignedData."""
    try:
        when = signed_data["encap_content_info"]["content"].parsed["gen_time"].native
    except _MALFORMED:
        return None
    return when if isinstance(when, datetime) else None


def _integrity(status: Any) -> list[str]:
    if not status.intact:
        return [
            "altered: the signed bytes no longer match the digest the signature covers "
            "(the file was changed inside the signed range)"
        ]
    if not status.valid:
        return ["the signature does not verify with the key of its certificate"]
    return []


def _trust(status: Any) -> list[str]:
    if status.intact and status.valid and not status.trusted:
        problem = status.trust_problem_indic
        detail = f" ({problem.name.lower()})" if problem is not None else ""
        return [f"the signing certificate does not chain to the case certificate{detail}"]
    return []


def _whole(status: Any) -> bool:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return bool(status.coverage == SignatureCoverageLevel.ENTIRE_FILE)


def _coverage(sig: Any, status: Any, size: int, stamped_next: bool) -> list[str]:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if _whole(status):
        return []
    byte_range = [int(n) for n in sig.byte_range]
    after = size - (byte_range[2] + byte_range[3])
    if stamped_next and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        # The next update holds a document timestamp: accepted when pyHanko's difference
        # analysis finds nothing after the signed revision but what such an update adds.
        level = status.modification_level
        if level is not None and level.value <= ModificationLevel.LTA_UPDATES.value:
            return []
        found = f" ({level.name.lower()})" if level is not None else ""
        return [
            f"modified after signing: the {after} bytes added after the signed revision change "
            f"more than a document timestamp does{found}"
        ]
    if status.coverage in (
        SignatureCoverageLevel.ENTIRE_REVISION,
        SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START,
    ):
        return [
            f"modified after signing: {after} bytes were added after the signed revision "
            "(an update the signature does not cover)"
        ]
    return ["the signed byte range leaves out more than the signature itself"]


def _check_stamp(stamp: Any, size: int, roots: list[Any]) -> _One:
    """Validate a document timestamp: its token's message imprint is the digest of the bytes
    it covers, its signature holds, its authority chains to one of ``roots`` (judged at its
    genTime; not checked without roots), and it covers the whole file."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    fields: dict[str, Any] = {
        "document_timestamp_present": True,
        "document_timestamp_valid": False,
        "document_timestamp_trusted": None,
        "document_timestamped_at": None,
        "document_timestamp_authority": None,
    }
    try:
        when = _gen_time(stamp.signed_data)
        context = ValidationContext(
            trust_roots=roots, allow_fetching=False, moment=when or datetime.now(UTC)
        )
        status = validate_pdf_timestamp(stamp, context)
        imprint = stamp.signed_data["encap_content_info"]["content"].parsed["message_imprint"]
        algorithm = imprint["hash_algorithm"]["algorithm"].native
        stamps_these_bytes = stamp.compute_digest(algorithm) == imprint["hashed_message"].native
        fields["document_timestamped_at"] = iso(status.timestamp)
        fields["document_timestamp_authority"] = _subject_text(status.signing_cert)
    except (PdfError, SignatureValidationError, *_MALFORMED) as exc:
        return _One(
            [f"document timestamp: it cannot be checked ({exc or type(exc).__name__})"],
            [],
            fields,
        )
    reasons: list[str] = []
    notes: list[str] = []
    if not stamps_these_bytes:
        reasons.append(
            "document timestamp: altered: the bytes it covers do not match its token's "
            "message imprint (the file was changed after it was stamped, or the token stamps "
            "other bytes)"
        )
    elif not (status.intact and status.valid):
        reasons.append(
            "document timestamp: its token's own signature fails (the token was altered, or "
            "not made by the authority it names)"
        )
    fields["document_timestamp_valid"] = not reasons
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not whole:
        byte_range = [int(n) for n in stamp.byte_range]
        after = size - (byte_range[2] + byte_range[3])
        contiguous = status.coverage in (
            SignatureCoverageLevel.ENTIRE_REVISION,
            SignatureCoverageLevel.CONTIGUOUS_BLOCK_FROM_START,
        )
        reasons.append(
            f"modified after the document timestamp: {after} bytes were added after the "
            "timestamped revision (an update neither the signature nor the timestamp covers)"
            if contiguous
            else "document timestamp: its byte range leaves out more than its token"
        )
    if fields["document_timestamp_valid"]:
        _authority("document timestamp", status.trusted, bool(roots), fields, reasons, notes)
    return _One(reasons, notes, fields, whole=whole)


def _timestamp(
    status: Any, have_roots: bool, fields: dict[str, Any], reasons: list[str], notes: list[str]
) -> None:
    ts = status.timestamp_validity
    if ts is None:
        return
    fields["timestamp_present"] = True
    fields["timestamp_valid"] = bool(ts.intact and ts.valid)
    fields["timestamped_at"] = iso(ts.timestamp)
    fields["timestamp_authority"] = _subject_text(ts.signing_cert)
    if not fields["timestamp_valid"]:
        reasons.append(
            "timestamp: the token does not stamp this signature, or its own signature fails"
        )
        return
    _authority("timestamp", ts.trusted, have_roots, fields, reasons, notes)


def _authority(
    what: str,
    trusted: Any,
    have_roots: bool,
    fields: dict[str, Any],
    reasons: list[str],
    notes: list[str],
) -> None:
    """Judge the authority of an intact ``what`` (``timestamp`` or ``document timestamp``):
    trusted when it chains to a TSA root given; unchecked (a note) when none was given."""
    if have_roots:
        fields[f"{what.replace(' ', '_')}_trusted"] = bool(trusted)
        if not trusted:
            reasons.append(
                f"{what}: its authority does not chain to a trusted TSA root (rempart tsa add-root)"
            )
    else:
        notes.append(f"the {what} is intact, but its authority was not checked: no TSA root given")
