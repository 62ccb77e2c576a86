"""Trusted time: RFC 3161 timestamp tokens, requested over HTTP and verified offline.

A timestamp authority (TSA) signs "this SHA-256 existed at genTime". rempart asks one or more
TSAs to stamp a signed tree head's signing input, stores each token's DER, and later checks the
tokens with no network: the imprint, the CMS signature and the TSA certificate chain up to a root
the verifier chose to trust.

Example::

    tokens, errors = request_tokens(["https://tsa.example/tsr"], sth.signing_input())
    check = verify_token(tokens[0].der, sth.signing_input(), trusted_roots=[root_pem])
    check.ok, check.problems, check.gen_time

What :func:`verify_token` checks (RFC 3161, RFC 5652, RFC 5816, RFC 5280):

- the token is CMS SignedData v3 with one SignerInfo, whose eContentType is id-ct-TSTInfo;
- the TSTInfo messageImprint equals the hash of the data (SHA-256, -384 or -512);
- the signed attributes hold one content-type (id-ct-TSTInfo), one message-digest equal to the
  hash of the encapsulated TSTInfo, and a signing-certificate (v1 or v2) naming the signer's
  certificate by hash;
- the signature over the DER SET OF signed attributes verifies with the signer certificate's key
  (RSA PKCS#1 v1.5 or ECDSA, with SHA-256/384/512); the certificate is the one the SignerInfo's
  sid names (issuer and serial, or subject key identifier);
- that certificate has one critical extendedKeyUsage, exactly id-kp-timeStamping, and is valid
  at genTime; it chains, with every signature checked, through CA certificates carried in the
  token or given in ``extra_certs`` to one of ``trusted_roots``; every certificate on the chain
  is valid at genTime;
- every certificate carried in the token lies on that chain (or is a trusted root), so no byte
  of the token goes unauthenticated.

Not checked: revocation (no CRL or OCSP is fetched or read), certificate policies, name
constraints and path lengths; unsigned attributes and CRLs carried in the token are ignored.
"""

from __future__ import annotations

import hashlib
import http.client
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from ..errors import RempartError
from ..models import iso

__all__ = [
    "TimestampError",
    "TimestampToken",
    "TokenCheck",
    "make_request",
    "post_request",
    "request_token",
    "request_tokens",
    "verify_token",
]

MAX_REPLY_BYTES = 1 << 20  # a TimeStampResp is a few KiB; refuse to buffer anything huge
MAX_CHAIN = 8
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# Extensions whose meaning these checks honour; any other critical one makes a certificate fail
# (RFC 5280 4.2: a verifier must reject a certificate with a critical extension it does not know).
_UNDERSTOOD = {
    ExtensionOID.BASIC_CONSTRAINTS,
    ExtensionOID.KEY_USAGE,
    ExtensionOID.EXTENDED_KEY_USAGE,
    ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
}
# What asn1crypto (lazily, as fields are read) and cryptography raise on malformed input.
_MALFORMED = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OverflowError,
    x509.InvalidVersion,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
    UnsupportedAlgorithm,
)


class _TimeStampResp(core.Sequence):  # type: ignore[misc]
    """TimeStampResp with the token OPTIONAL, as RFC 3161 2.4.2 has it (asn1crypto requires it,
    so a refusal, which carries no token, would not parse)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


class TimestampError(RempartError):
    """A timestamp authority could not give a usable token; says which one and why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"timestamp authority {url}: {reason}")


@dataclass(frozen=True)
class TimestampToken:
    """One RFC 3161 token: its DER (ContentInfo SignedData) and what it says, parsed.

    ``gen_time`` ISO-8601 UTC; ``serial`` the TSA's serial number; ``tsa_name`` the signer
    certificate's subject (RFC 4514; else the TSTInfo's ``tsa`` field); ``hash_algorithm`` and
    ``imprint`` (hex) the stamped hash; ``certificates`` the DER certificates carried in the
    token. Parsing does not verify anything: see :func:`verify_token`.
    """

    der: bytes = field(repr=False)
    url: str
    gen_time: str
    serial: int
    tsa_name: str | None
    policy: str
    hash_algorithm: str
    imprint: str
    nonce: int | None
    certificates: tuple[bytes, ...] = field(repr=False)

    @classmethod
    def from_der(cls, der: bytes, url: str = "") -> TimestampToken:
        """Parse a stored token; malformed DER raises TimestampError."""
        try:
            signed_data, tst = _parse(der)
            certs = tuple(_carried(signed_data))
            imprint = tst["message_imprint"]
            return cls(
                der=der,
                url=url,
                gen_time=_gen_time(tst),
                serial=tst["serial_number"].native,
                tsa_name=_tsa_name(tst, signed_data, certs),
                policy=tst["policy"].dotted,
                hash_algorithm=imprint["hash_algorithm"]["algorithm"].native,
                imprint=imprint["hashed_message"].native.hex(),
                nonce=tst["nonce"].native,
                certificates=certs,
            )
        except _MALFORMED as exc:
            raise TimestampError(url, f"the token is malformed ({exc})") from None


@dataclass(frozen=True)
class TokenCheck:
    """The result of :func:`verify_token`: ``ok`` when ``problems`` (plain words) is empty."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    gen_time: str | None = None
    signer: str | None = None


def make_request(data: bytes, nonce: int | None = None) -> tuple[bytes, int]:
    """A DER TimeStampReq for SHA-256(``data``), with a nonce (random 63-bit unless given)."""
    if nonce is None:
        nonce = secrets.randbelow(2**63 - 1) + 1
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(data).digest(),
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return request.dump(), nonce


def request_token(url: str, data: bytes, timeout: float = 10.0) -> TimestampToken:
    """Ask the TSA at ``url`` to stamp SHA-256(``data``); checks the answer's imprint and nonce.

    Raises TimestampError naming the URL when the TSA is unreachable, answers an HTTP error or
    bytes that are not a TimeStampResp, refuses (with its status text), or stamps something else.
    """
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise TimestampError(url, f"only http and https URLs are supported, not {scheme!r}")
    body, nonce = make_request(data)
    token = _token_from_reply(url, post_request(url, body, timeout))
    if token.hash_algorithm != "sha256" or token.imprint != hashlib.sha256(data).hexdigest():
        raise TimestampError(url, "the token stamps another hash than the SHA-256 of the data")
    if token.nonce != nonce:
        raise TimestampError(url, f"the token's nonce {token.nonce} is not the one sent ({nonce})")
    return token


def request_tokens(
    urls: Sequence[str], data: bytes, timeout: float = 10.0
) -> tuple[list[TimestampToken], list[TimestampError]]:
    """Ask every TSA in ``urls`` at once; one failing does not stop the others.

    Returns the tokens and the errors, each in the order of ``urls``.
    """

    def attempt(url: str) -> TimestampToken | TimestampError:
        try:
            return request_token(url, data, timeout)
        except TimestampError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=max(1, len(urls))) as pool:
        results = list(pool.map(attempt, urls))
    tokens = [r for r in results if isinstance(r, TimestampToken)]
    errors = [r for r in results if isinstance(r, TimestampError)]
    return tokens, errors


def post_request(url: str, body: bytes, timeout: float) -> bytes:
    """POST a DER ``TimeStampReq`` to ``url``; the DER reply (bounded), or TimestampError."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            payload: bytes = reply.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampError(url, f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise TimestampError(url, f"unreachable ({exc.reason})") from None
    except (OSError, http.client.HTTPException) as exc:
        raise TimestampError(url, f"unreachable ({str(exc) or type(exc).__name__})") from None
    if len(payload) > MAX_REPLY_BYTES:
        raise TimestampError(url, f"the reply is larger than {MAX_REPLY_BYTES} bytes")
    return payload


def _token_from_reply(url: str, payload: bytes) -> TimestampToken:
    try:
        reply = _TimeStampResp.load(payload, strict=True)
        status = reply["status"]
        code = status["status"].native
        texts = status["status_string"].native or []
        fail_info = sorted(status["fail_info"].native or [])
        token = reply["time_stamp_token"]
    except _MALFORMED:
        raise TimestampError(url, "the reply is not a DER TimeStampResp") from None
    if code not in ("granted", "granted_with_mods"):
        detail = "; ".join([*texts, *(f"failInfo {f}" for f in fail_info)])
        raise TimestampError(
            url, f"request refused, status {code}" + (f": {detail}" if detail else "")
        )
    if isinstance(token, core.Void):
        raise TimestampError(url, f"status {code} but no token in the reply")
    return TimestampToken.from_der(token.dump(), url)


def _parse(der: bytes) -> tuple[cms.SignedData, tsp.TSTInfo]:
    """The SignedData and TSTInfo of a token; ValueError when it is not shaped like one."""
    info = cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data":
        raise ValueError("not CMS SignedData")
    signed_data = info["content"]
    encap = signed_data["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise ValueError(f"eContentType is {encap['content_type'].dotted}, not id-ct-TSTInfo")
    tst = tsp.TSTInfo.load(bytes(encap["content"]), strict=True)
    return signed_data, tst


def _gen_time(tst: tsp.TSTInfo) -> str:
    when = tst["gen_time"].native
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise ValueError("genTime is not a UTC time")
    return str(iso(when))


def _carried(signed_data: cms.SignedData) -> list[bytes]:
    """DER of the X.509 certificates in the token; other certificate kinds raise ValueError."""
    certs = signed_data["certificates"]
    if isinstance(certs, core.Void):
        return []
    out = []
    for choice in certs:
        if choice.name != "certificate":
            raise ValueError(f"the token carries a {choice.name}, not an X.509 certificate")
        out.append(choice.chosen.dump())
    return out


def _tsa_name(tst: tsp.TSTInfo, signed_data: cms.SignedData, certs: Sequence[bytes]) -> str | None:
    """Who stamped: the carried signer certificate's subject, else the TSTInfo's tsa field."""
    signer = _find_signer(signed_data["signer_infos"][0], [_Cert.load(c) for c in certs])
    if signer is not None:
        return signer.name
    if isinstance(tst["tsa"], core.Void):
        return None
    name = tst["tsa"].chosen
    return str(name.human_friendly if tst["tsa"].name == "directory_name" else name.native)


# ---------------------------------------------------------------- offline verification


@dataclass(frozen=True)
class _Cert:
    """One certificate three ways: its DER (identity), cryptography's view and asn1crypto's."""

    der: bytes
    x: x509.Certificate
    a: asn1_x509.Certificate

    @classmethod
    def load(cls, der: bytes) -> _Cert:
        return cls(der, x509.load_der_x509_certificate(der), asn1_x509.Certificate.load(der))

    @property
    def name(self) -> str:
        return self.x.subject.rfc4514_string()


def verify_token(
    token_der: bytes, data: bytes, trusted_roots: Sequence[bytes], extra_certs: Sequence[bytes] = ()
) -> TokenCheck:
    """Check an RFC 3161 token over ``data`` with no network (see the module docstring).

    ``trusted_roots`` and ``extra_certs`` are certificates, DER or PEM (a PEM may hold several).
    Never raises on a bad token: what is wrong comes back in ``problems``.
    """
    try:
        signed_data, tst = _parse(token_der)
        gen_time = _gen_time(tst)
    except _MALFORMED as exc:
        return TokenCheck(False, [f"the token is not a well-formed RFC 3161 token: {exc}"])
    try:
        roots = _load_certs(trusted_roots, "trusted root")
        extras = _load_certs(extra_certs, "extra certificate")
    except ValueError as exc:
        return TokenCheck(False, [str(exc)], gen_time)
    try:
        problems, signer = _problems(signed_data, tst, data, roots, extras)
    except _MALFORMED as exc:
        problems, signer = [f"the token is malformed: {exc}"], None
    return TokenCheck(not problems, problems, gen_time, signer.name if signer else None)


def _load_certs(blobs: Sequence[bytes], what: str) -> list[_Cert]:
    out: list[_Cert] = []
    for blob in blobs:
        try:
            if blob.lstrip().startswith(b"-----BEGIN"):
                ders = [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(blob)]
            else:
                ders = [blob]
            out += [_Cert.load(der) for der in ders]
        except _MALFORMED as exc:
            raise ValueError(f"a {what} cannot be read as a certificate ({exc})") from None
    return out


def _problems(
    signed_data: cms.SignedData,
    tst: tsp.TSTInfo,
    data: bytes,
    roots: list[_Cert],
    extras: list[_Cert],
) -> tuple[list[str], _Cert | None]:
    """Everything wrong with the token, and the signer's certificate when it was found."""
    problems = _imprint_problems(tst, data)
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1:
        return problems + [f"the token has {len(signer_infos)} signers; RFC 3161 allows one"], None
    info = signer_infos[0]
    digest = _hash_name(info["digest_algorithm"], "the signer's digest algorithm")
    problems += _envelope_problems(signed_data, info, digest)
    try:
        carried = [_Cert.load(der) for der in _carried(signed_data)]
    except _MALFORMED as exc:
        return problems + [f"a certificate carried in the token is malformed ({exc})"], None
    signer = _find_signer(info, carried + extras)
    if signer is None:
        return problems + [
            "the signer's certificate is neither in the token nor among the "
            "extra certificates given"
        ], None
    econtent = bytes(signed_data["encap_content_info"]["content"])
    when = datetime.fromisoformat(_gen_time(tst).replace("Z", "+00:00"))
    path, chain_problems = _chain(signer, carried + extras, roots, when)
    problems += [
        *_attribute_problems(info, econtent, digest, signer),
        *_signature_problems(info, digest, signer),
        *_timestamping_problems(signer),
        *chain_problems,
        *_unaccounted(carried, path + roots),
        *_tsa_field_problems(tst, signer),
    ]
    return problems, signer


def _imprint_problems(tst: tsp.TSTInfo, data: bytes) -> list[str]:
    imprint = tst["message_imprint"]
    name = _hash_name(imprint["hash_algorithm"], "the messageImprint hash algorithm")
    if hashlib.new(name, data).digest() != imprint["hashed_message"].native:
        return [
            f"the messageImprint is not the {name.upper()} of the data: "
            "the token stamps something else"
        ]
    return []


def _hash_name(algorithm: Any, what: str) -> str:
    """The name of a supported hash AlgorithmIdentifier, whose parameters must be absent or NULL."""
    name = algorithm["algorithm"].native
    if name not in _HASHES:
        raise ValueError(f"{what} is {name}, not SHA-256, SHA-384 or SHA-512")
    if algorithm["parameters"].native is not None:
        raise ValueError(f"{what} {name} has unexpected parameters")
    return str(name)


def _envelope_problems(signed_data: cms.SignedData, info: cms.SignerInfo, digest: str) -> list[str]:
    """The unsigned framing must still be exactly what RFC 5652 prescribes."""
    problems = []
    if signed_data["version"].native != "v3":
        problems.append(f"SignedData version is {signed_data['version'].native}, not v3")
    listed = [
        _hash_name(a, "a SignedData digest algorithm") for a in signed_data["digest_algorithms"]
    ]
    if digest not in listed:
        problems.append(f"the signer's digest {digest} is not among SignedData's {listed}")
    expected = "v1" if info["sid"].name == "issuer_and_serial_number" else "v3"
    if info["version"].native != expected:
        problems.append(f"SignerInfo version is {info['version'].native}, not {expected}")
    return problems


def _find_signer(info: cms.SignerInfo, candidates: list[_Cert]) -> _Cert | None:
    """The certificate the SignerInfo's sid names, names compared byte for byte."""
    sid = info["sid"]
    for cert in candidates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.a.issuer.dump() == wanted["issuer"].dump()
                and cert.a.serial_number == wanted["serial_number"].native
            ):
                return cert
        elif cert.a.key_identifier is not None and cert.a.key_identifier == sid.chosen.native:
            return cert
    return None


def _attribute_problems(
    info: cms.SignerInfo, econtent: bytes, digest: str, signer: _Cert
) -> list[str]:
    """content-type, message-digest and signing-certificate, each present once with one value."""
    attrs = info["signed_attrs"]
    if isinstance(attrs, core.Void):
        return ["the SignerInfo has no signed attributes"]
    problems: list[str] = []
    seen: dict[str, Any] = {}
    for attr in attrs:
        name, values = attr["type"].native, attr["values"]
        if name in seen or len(values) != 1:
            problems.append(f"the signed attribute {name} is repeated or has several values")
        seen[name] = values[0]
    if "content_type" not in seen or seen["content_type"].native != "tst_info":
        problems.append("the signed content-type attribute is missing or not id-ct-TSTInfo")
    wanted = hashlib.new(digest, econtent).digest()
    if "message_digest" not in seen or seen["message_digest"].native != wanted:
        problems.append(
            "the signed message-digest is not the hash of the TSTInfo: "
            "the stamped content was altered"
        )
    return problems + _signing_certificate_problems(seen, signer)


def _signing_certificate_problems(seen: dict[str, Any], signer: _Cert) -> list[str]:
    """The ESS signing-certificate attribute must name the signer's certificate (RFC 5816)."""
    if "signing_certificate_v2" in seen:
        ess = seen["signing_certificate_v2"]["certs"][0]
        name = _hash_name(ess["hash_algorithm"], "the signing-certificate-v2 hash algorithm")
    elif "signing_certificate" in seen:
        ess, name = seen["signing_certificate"]["certs"][0], "sha1"
    else:
        return ["no signing-certificate attribute binds the signature to the TSA's certificate"]
    problems = []
    if hashlib.new(name, signer.der).digest() != ess["cert_hash"].native:
        problems.append(
            "the signing-certificate attribute names another certificate than "
            f"the signer's ({signer.name})"
        )
    issuer_serial = ess["issuer_serial"]
    if not isinstance(issuer_serial, core.Void):
        issuers = [g.chosen for g in issuer_serial["issuer"] if g.name == "directory_name"]
        if (
            issuer_serial["serial_number"].native != signer.a.serial_number
            or signer.a.issuer not in issuers
        ):
            problems.append(
                "the signing-certificate attribute's issuer and serial are not "
                "the signer certificate's"
            )
    return problems


def _signature_problems(info: cms.SignerInfo, digest: str, signer: _Cert) -> list[str]:
    """The TSA's signature over the DER SET OF signed attributes (RFC 5652 5.4)."""
    algorithm = info["signature_algorithm"]
    if algorithm["parameters"].native is not None:
        return ["the signature algorithm has unexpected parameters"]
    kind = algorithm.signature_algo
    try:
        named_hash = algorithm.hash_algo
    except ValueError:  # rsaEncryption or bare ecdsa: the digest algorithm says which hash
        named_hash = digest
    if named_hash != digest:
        return [f"the signature algorithm's hash {named_hash} is not the digest {digest}"]
    # The signature covers the attributes re-tagged from [0] IMPLICIT to a universal SET OF.
    signed = b"\x31" + info["signed_attrs"].dump()[1:]
    signature = info["signature"].native
    key = signer.x.public_key()
    try:
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), _HASHES[digest]())
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(_HASHES[digest]()))
        else:
            return [f"unsupported signature: {kind} with a {type(key).__name__}"]
    except InvalidSignature:
        return [
            f"the TSA's signature does not verify with the key of {signer.name}: the signed "
            "attributes or the signature were altered"
        ]
    return []


def _timestamping_problems(signer: _Cert) -> list[str]:
    """RFC 3161 2.3: one critical extendedKeyUsage, exactly id-kp-timeStamping."""
    try:
        eku = signer.x.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return [
            f"the signer's certificate {signer.name} has no extendedKeyUsage: "
            "it is not a timestamping certificate"
        ]
    problems = []
    if list(eku.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        usages = ", ".join(u.dotted_string for u in eku.value)
        problems.append(
            f"the signer's certificate {signer.name} is not a timestamping "
            f"certificate: its extendedKeyUsage is {usages}, not id-kp-timeStamping"
        )
    if not eku.critical:
        problems.append(
            f"the signer's certificate {signer.name} has a timeStamping "
            "extendedKeyUsage that is not marked critical"
        )
    return problems


def _chain(
    signer: _Cert, pool: list[_Cert], roots: list[_Cert], when: datetime
) -> tuple[list[_Cert], list[str]]:
    """The path from the signer to a trusted root, and what is wrong along it."""
    path, problems = [signer], []
    current = signer
    for _ in range(MAX_CHAIN):
        problems += _certificate_problems(current, when)
        if any(current.der == root.der for root in roots):
            return path, problems
        root = next((r for r in roots if _issued_by(current, r)), None)
        if root is not None:
            return path + [root], problems + _validity_problems(root, when)
        issuer = next(
            (
                c
                for c in pool
                if all(c.der != p.der for p in path) and _is_ca(c) and _issued_by(current, c)
            ),
            None,
        )
        if issuer is None:
            return path, problems + [
                f"the certificate {current.name} does not chain to a trusted root: no trusted "
                "root or CA certificate at hand issued it with a valid signature"
            ]
        path.append(issuer)
        current = issuer
    return path, problems + [f"the certificate chain is longer than {MAX_CHAIN}"]


def _issued_by(child: _Cert, issuer: _Cert) -> bool:
    try:
        child.x.verify_directly_issued_by(issuer.x)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _is_ca(cert: _Cert) -> bool:
    try:
        basic = cert.x.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        return False
    try:
        usage = cert.x.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return basic.ca
    return basic.ca and usage.key_cert_sign


def _certificate_problems(cert: _Cert, when: datetime) -> list[str]:
    problems = _validity_problems(cert, when)
    if cert.a["signature_algorithm"].dump() != cert.a["tbs_certificate"]["signature"].dump():
        problems.append(f"the certificate {cert.name} names two different signature algorithms")
    if cert.a["signature_value"].contents[:1] != b"\x00":
        # cryptography reads the signature bytes whatever the BIT STRING's unused-bits count says
        problems.append(f"the certificate {cert.name} has a malformed signature BIT STRING")
    for ext in cert.x.extensions:
        if ext.critical and ext.oid not in _UNDERSTOOD:
            problems.append(
                f"the certificate {cert.name} has a critical extension "
                f"{ext.oid.dotted_string} that this verifier does not handle"
            )
    return problems


def _validity_problems(cert: _Cert, when: datetime) -> list[str]:
    start, end = cert.x.not_valid_before_utc, cert.x.not_valid_after_utc
    if start <= when <= end:
        return []
    state = "expired" if when > end else "not yet valid"
    return [
        f"the certificate {cert.name} was {state} at genTime {iso(when)} "
        f"(valid {iso(start)} to {iso(end)})"
    ]


def _unaccounted(carried: list[_Cert], known: list[_Cert]) -> list[str]:
    """Certificates in the token off the verified chain: bytes nothing authenticates."""
    ders = {k.der for k in known}
    return [
        f"the token carries a certificate that is not on the signer's chain: {c.name}"
        for c in carried
        if c.der not in ders
    ]


def _tsa_field_problems(tst: tsp.TSTInfo, signer: _Cert) -> list[str]:
    """RFC 3161 2.4.2: a directoryName in the TSTInfo's tsa field is the signer's subject."""
    tsa = tst["tsa"]
    if isinstance(tsa, core.Void) or tsa.name != "directory_name" or tsa.chosen == signer.a.subject:
        return []
    return [f"the TSTInfo names the TSA {tsa.chosen.human_friendly}, not the signer {signer.name}"]
