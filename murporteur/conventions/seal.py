"""The platform's electronic seal on a signed convention (PAdES, with pyHanko), and its check.

The certificate comes from the configuration: ``SEAL_PKCS12_PATH`` (a PKCS#12 file) and
``SEAL_PKCS12_PASSPHRASE``. Unset (the demo, the tests), a self-signed certificate is generated
on first use into the instance folder (``seal.p12``), whose certificate alone is also written
as ``seal.pem``: the check trusts the configured certificate.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

SEAL_FIELD = "CachetMurPorteur"
_GENERATED_PASSPHRASE = b"murporteur-demo-seal"


def _paths() -> tuple[Path, bytes]:
    configured = current_app.config.get("SEAL_PKCS12_PATH")
    if configured:
        passphrase = current_app.config.get("SEAL_PKCS12_PASSPHRASE") or ""
        return Path(configured), passphrase.encode()
    path = Path(current_app.instance_path) / "seal.p12"
    if not path.exists():
        _generate(path)
    return path, _GENERATED_PASSPHRASE


def _generate(path: Path) -> None:
    """A self-signed certificate for the demo and the tests (never for production)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Mur porteur (démonstration)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Cachet Mur porteur")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pkcs12.serialize_key_and_certificates(
        b"seal", key, certificate, None,
        serialization.BestAvailableEncryption(_GENERATED_PASSPHRASE))
    path.write_bytes(data)
    path.chmod(0o600)
    path.with_suffix(".pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _outside_event_loops(fn, *args, **kwargs):
    """pyHanko's synchronous calls run an event loop of their own (``asyncio.run``), which
    fails in a thread already running one (an asyncio server, a test driving a browser): the
    call then runs in a thread of its own. It needs no application context (the signer is
    loaded before)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _signer():
    from pyhanko.sign import signers

    path, passphrase = _paths()
    return signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), [], passphrase=passphrase)


def seal(pdf: bytes, reason: str = "Convention signée par toutes les parties") -> bytes:
    """``pdf`` with the platform's PAdES seal."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD, reason=reason, location="Mur porteur",
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    out = _outside_event_loops(signers.sign_pdf, writer, meta, signer=_signer())
    return out.getvalue()


@dataclass
class Verdict:
    """What the check of a PDF found."""

    valid: bool
    signer: str = ""
    signed_at: datetime | None = None
    problems: list[str] = field(default_factory=list)


def verify(pdf: bytes) -> Verdict:
    """Whether ``pdf`` bears a seal of this platform, intact (not one byte changed since) and
    made with the configured certificate."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception:
        return Verdict(False, problems=[str(_l("Ce fichier n'est pas un PDF lisible."))])
    if not signatures:
        return Verdict(False, problems=[str(_l("Ce PDF ne porte aucun cachet."))])
    signer = _signer()
    context = ValidationContext(trust_roots=[signer.signing_cert], allow_fetching=False)
    embedded = signatures[-1]
    try:
        status = _outside_event_loops(validate_pdf_signature, embedded, context)
    except Exception:
        return Verdict(False, problems=[str(_l("Le cachet est illisible ou altéré."))])
    problems = []
    if not status.intact:
        problems.append(str(_l("Le document a été modifié depuis l'apposition du cachet.")))
    if not status.valid:
        problems.append(str(_l("La signature cryptographique du cachet n'est pas valide.")))
    if not status.trusted:
        problems.append(str(_l("Le cachet n'a pas été apposé avec le certificat de cette "
                               "plateforme.")))
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        problems.append(str(_l("Des modifications ont été ajoutées après le cachet.")))
    name = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    return Verdict(not problems, signer=name, signed_at=status.signer_reported_dt,
                   problems=problems)
