"""A real RFC 3161 timestamp authority on 127.0.0.1, for tests (no network needed).

It makes its own small PKI with ``cryptography`` (a root CA, optionally an intermediate CA, and a
TSA certificate whose extendedKeyUsage is id-kp-timeStamping, critical), listens on an ephemeral
port with ``http.server`` in a thread, and answers each POSTed DER ``TimeStampReq`` with a DER
``TimeStampResp``. The token is CMS SignedData built with ``asn1crypto``: eContent is the TSTInfo;
signed attributes are content-type, message-digest and signing-certificate-v2.

Example::

    with LocalTSA(key_type="ecdsa") as tsa:
        token = request_token(tsa.url, b"data")
    verify_token(token.der, b"data", [tsa.root_der]).ok   # True, offline

``misbehave`` makes it answer wrongly on purpose, one way per name in :data:`MISBEHAVIOURS`.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

MISBEHAVIOURS = {
    "http-500": "answer HTTP 500 instead of a TimeStampResp",
    "garbage": "answer bytes that are not DER",
    "reject": "answer status rejection with a status string and failInfo badAlg",
    "wrong-imprint": "stamp a different messageImprint from the one asked",
    "wrong-nonce": "echo a different nonce",
    "bad-signature": "corrupt the SignerInfo signature",
    "wrong-digest": "sign a message-digest attribute that is not the TSTInfo's hash",
    "expired-cert": "sign with a TSA certificate that expired before genTime",
    "not-timestamping": "sign with a certificate whose extendedKeyUsage is serverAuth",
    "eku-not-critical": "sign with a certificate whose timeStamping extendedKeyUsage is not critical",
    "no-certs": "leave the TSA certificate out of the token even when certReq is set",
}
POLICY = "1.3.6.1.4.1.55555.3161.1"
_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "rempart tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _new_key(key_type: str) -> PrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ecdsa":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"key_type must be 'rsa' or 'ecdsa', not {key_type!r}")


def _certificate(
    subject: str,
    key: PrivateKey,
    issuer: str,
    issuer_key: PrivateKey,
    *,
    ca: bool,
    days: tuple[int, int] = (-30, 365),
    eku: tuple[x509.ObjectIdentifier, bool] | None = None,
) -> x509.Certificate:
    """A certificate valid from ``now + days[0]`` to ``now + days[1]`` (days)."""
    now = datetime.now(UTC).replace(microsecond=0)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if ca:
        usage = dict(key_cert_sign=True, crl_sign=True, digital_signature=False)
    else:
        usage = dict(key_cert_sign=False, crl_sign=False, digital_signature=True)
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            encipher_only=False,
            decipher_only=False,
            **usage,
        ),
        critical=True,
    )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku[0]]), critical=eku[1])
    return builder.sign(issuer_key, hashes.SHA256())


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


class LocalTSA:
    """An RFC 3161 TSA over HTTP on 127.0.0.1; use it as a context manager.

    ``key_type`` "rsa" (PKCS#1 v1.5, signer identified by issuer and serial) or "ecdsa" (P-256,
    signer identified by subject key identifier); ``digest`` the CMS digest; ``intermediate``
    puts an intermediate CA between root and TSA; ``send_chain`` adds the CA certificates (root
    included) to the token beside the TSA certificate. From ``__enter__`` on: ``url``; always:
    ``root_der``, ``root_pem``, ``tsa_cert_der``, ``intermediate_der``; ``requests`` counts POSTs.
    """

    def __init__(
        self,
        key_type: str = "rsa",
        misbehave: str | None = None,
        *,
        digest: str = "sha256",
        intermediate: bool = False,
        send_chain: bool = False,
    ) -> None:
        if misbehave is not None and misbehave not in MISBEHAVIOURS:
            raise ValueError(f"unknown misbehaviour {misbehave!r}")
        self.key_type = key_type
        self.misbehave = misbehave
        self.digest = digest
        self.send_chain = send_chain
        self.requests = 0
        self._serial = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._url: str | None = None
        self._make_pki(intermediate)

    def _make_pki(self, intermediate: bool) -> None:
        root_key = _new_key("rsa")
        self._root = _certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
        issuer, issuer_key = "Test Root CA", root_key
        self._intermediate: x509.Certificate | None = None
        if intermediate:
            mid_key = _new_key("ecdsa")
            self._intermediate = _certificate(
                "Test Intermediate CA", mid_key, issuer, issuer_key, ca=True
            )
            issuer, issuer_key = "Test Intermediate CA", mid_key
        eku = (ExtendedKeyUsageOID.TIME_STAMPING, True)
        days = (-30, 365)
        if self.misbehave == "not-timestamping":
            eku = (ExtendedKeyUsageOID.SERVER_AUTH, True)
        elif self.misbehave == "eku-not-critical":
            eku = (ExtendedKeyUsageOID.TIME_STAMPING, False)
        elif self.misbehave == "expired-cert":
            days = (-30, -1)
        self._key = _new_key(self.key_type)
        self._cert = _certificate(
            "Test TSA", self._key, issuer, issuer_key, ca=False, days=days, eku=eku
        )

    @property
    def root_der(self) -> bytes:
        return _der(self._root)

    @property
    def root_pem(self) -> bytes:
        return self._root.public_bytes(serialization.Encoding.PEM)

    @property
    def tsa_cert_der(self) -> bytes:
        return _der(self._cert)

    @property
    def intermediate_der(self) -> bytes | None:
        return _der(self._intermediate) if self._intermediate else None

    @property
    def url(self) -> str:
        """Where it listens (or listened: the URL stays readable after the with block)."""
        if self._url is None:
            raise RuntimeError("the TSA has not started; use it in a with block")
        return self._url

    def __enter__(self) -> LocalTSA:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        host, port = self._server.server_address[:2]
        self._url = f"http://{host!s}:{port}/tsa"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
        self._server = None

    def respond(self, request_der: bytes) -> bytes:
        """The DER TimeStampResp for a DER TimeStampReq (misbehaving as configured)."""
        if self.misbehave == "garbage":
            return b"<html>this is not DER</html>"
        if self.misbehave == "reject":
            return _status_only("rejection", "policy refuses this hash", "bad_alg")
        try:
            request = tsp.TimeStampReq.load(request_der, strict=True)
            imprint = request["message_imprint"]
            nonce = request["nonce"].native
            cert_req = bool(request["cert_req"].native)
        except ValueError:
            return _status_only("rejection", "not a DER TimeStampReq", "bad_data_format")
        with self._lock:
            self._serial += 1
            serial = self._serial
        token = self._token(imprint, nonce, cert_req, serial)
        return tsp.TimeStampResp(
            {"status": {"status": "granted"}, "time_stamp_token": token}
        ).dump()

    def _token(
        self, imprint: Any, nonce: int | None, cert_req: bool, serial: int
    ) -> cms.ContentInfo:
        if self.misbehave == "wrong-imprint":
            imprint = {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(b"something else").digest(),
            }
        if self.misbehave == "wrong-nonce" and nonce is not None:
            nonce += 1
        tst: dict[str, Any] = {
            "version": "v1",
            "policy": POLICY,
            "message_imprint": imprint,
            "serial_number": serial,
            "gen_time": datetime.now(UTC).replace(microsecond=0),
            "accuracy": {"seconds": 1},
            "ordering": False,
            "tsa": asn1_x509.GeneralName({"directory_name": self._asn1_cert().subject}),
        }
        if nonce is not None:
            tst["nonce"] = nonce
        tst_der = tsp.TSTInfo(tst).dump()
        signer = self._signer_info(tst_der)
        return cms.ContentInfo(
            {
                "content_type": "signed_data",
                "content": {
                    "version": "v3",
                    "digest_algorithms": [{"algorithm": self.digest}],
                    "encap_content_info": {
                        "content_type": "tst_info",
                        "content": core.ParsableOctetString(tst_der),
                    },
                    "certificates": self._certificates(cert_req),
                    "signer_infos": [signer],
                },
            }
        )

    def _asn1_cert(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.tsa_cert_der)

    def _certificates(self, cert_req: bool) -> list[asn1_x509.Certificate]:
        if not cert_req or self.misbehave == "no-certs":
            return []
        chain = [self._cert]
        if self.send_chain:
            chain += [c for c in (self._intermediate, self._root) if c is not None]
        return [asn1_x509.Certificate.load(_der(c)) for c in chain]

    def _signer_info(self, tst_der: bytes) -> cms.SignerInfo:
        digest = hashlib.new(self.digest, tst_der).digest()
        if self.misbehave == "wrong-digest":
            digest = hashlib.new(self.digest, b"another TSTInfo").digest()
        cert = self._asn1_cert()
        ess = {
            "cert_hash": hashlib.sha256(self.tsa_cert_der).digest(),  # default hash: SHA-256
            "issuer_serial": {
                "issuer": [asn1_x509.GeneralName({"directory_name": cert.issuer})],
                "serial_number": cert.serial_number,
            },
        }
        attrs = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [digest]},
                {"type": "signing_certificate_v2", "values": [{"certs": [ess]}]},
            ]
        )
        signature = self._sign(attrs.dump())
        if self.misbehave == "bad-signature":
            signature = signature[:-1] + bytes([signature[-1] ^ 0x01])
        if self.key_type == "rsa":
            sid = cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": cert.issuer,
                        "serial_number": cert.serial_number,
                    }
                }
            )
            version, algorithm = "v1", f"{self.digest}_rsa"
        else:
            sid = cms.SignerIdentifier({"subject_key_identifier": cert.key_identifier})
            version, algorithm = "v3", f"{self.digest}_ecdsa"
        return cms.SignerInfo(
            {
                "version": version,
                "sid": sid,
                "digest_algorithm": {"algorithm": self.digest},
                "signed_attrs": attrs,
                "signature_algorithm": {"algorithm": algorithm},
                "signature": signature,
            }
        )

    def _sign(self, data: bytes) -> bytes:
        chosen = _HASHES[self.digest]()
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), chosen)
        return self._key.sign(data, ec.ECDSA(chosen))


class _TimeStampResp(core.Sequence):  # type: ignore[misc]
    """TimeStampResp with the token OPTIONAL, as in RFC 3161 (asn1crypto's requires it)."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def _status_only(status: str, text: str, fail_info: str) -> bytes:
    return _TimeStampResp(
        {"status": {"status": status, "status_string": [text], "fail_info": {fail_info}}}
    ).dump()


def _handler(tsa: LocalTSA) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            with tsa._lock:
                tsa.requests += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if tsa.misbehave == "http-500":
                self.send_error(500, "TSA out of order")
                return
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415, "expected application/timestamp-query")
                return
            reply = tsa.respond(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read results, not access logs."""

    return Handler
