"""Key material: Ed25519 signing keys (tokens, credentials), the JWKS, field encryption."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kernel.settings import Settings, get_settings


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @cached_property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @cached_property
    def public_jwk(self) -> dict[str, str]:
        raw = self.public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}

    @cached_property
    def kid(self) -> str:
        """RFC 7638 thumbprint, so a key's id follows from the key itself."""
        canonical = json.dumps(self.public_jwk, sort_keys=True, separators=(",", ":"))
        return _b64url(hashlib.sha256(canonical.encode()).digest())

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("signing keys must be Ed25519")
        return cls(key)

    def to_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()


class KeyRing:
    """The keys this process signs and verifies with. Access tokens and credentials have key
    lists of their own: in each, the first key signs and every key verifies. A token is only
    ever checked against the token keys (`by_kid`), so a credential key cannot mint logins."""

    def __init__(
        self,
        signing: list[SigningKey],
        field_key: bytes,
        lookup_key: bytes,
        credential_signing: list[SigningKey] | None = None,
    ) -> None:
        if not signing:
            raise ValueError("at least one signing key is needed")
        self.signing = signing
        self.by_kid = {key.kid: key for key in signing}
        self.credential_signing = credential_signing or signing
        self._fernet = Fernet(field_key)
        self._lookup_key = lookup_key

    @property
    def current(self) -> SigningKey:
        """The key that signs access tokens."""
        return self.signing[0]

    @property
    def credential_key(self) -> SigningKey:
        """The key that signs public credentials and status lists."""
        return self.credential_signing[0]

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        """Every public key: the token keys, then the credential keys (a verifier of an old
        credential finds its key here for as long as the key is configured)."""
        published: dict[str, SigningKey] = {}
        for key in [*self.signing, *self.credential_signing]:
            published.setdefault(key.kid, key)
        return {
            "keys": [
                {**key.public_jwk, "kid": key.kid, "use": "sig", "alg": "EdDSA"}
                for key in published.values()
            ]
        }

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("cannot decrypt with the configured key") from exc

    def tag(self, purpose: str, value: str) -> bytes:
        """A keyed MAC of `value` for one purpose (short codes that must not be forged)."""
        return hmac.new(self._lookup_key, f"{purpose}\0{value}".encode(), hashlib.sha256).digest()

    def lookup_hash(self, value: str) -> str:
        return hmac.new(self._lookup_key, value.encode(), hashlib.sha256).hexdigest()


def _dev_file(path: Path, make: bytes) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make)
        path.chmod(0o600)
    return path.read_bytes()


def load_keyring(settings: Settings) -> KeyRing:
    """Keys come from settings; in development and tests missing keys are generated into var/."""
    keys_dir = settings.var_dir / "keys"
    if settings.signing_keys:
        signing = [SigningKey.from_pem(pem) for pem in settings.signing_keys]
    else:
        new_pem = SigningKey(Ed25519PrivateKey.generate()).to_pem().encode()
        signing = [SigningKey.from_pem(_dev_file(keys_dir / "signing.pem", new_pem).decode())]
    field_key = (
        settings.field_encryption_key.encode()
        if settings.field_encryption_key
        else _dev_file(keys_dir / "field.key", Fernet.generate_key())
    )
    lookup_key = (
        settings.lookup_hash_key.encode()
        if settings.lookup_hash_key
        else _dev_file(keys_dir / "lookup.key", Fernet.generate_key())
    )
    if settings.credential_signing_keys:
        credential = [SigningKey.from_pem(pem) for pem in settings.credential_signing_keys]
    else:
        new_pem = SigningKey(Ed25519PrivateKey.generate()).to_pem().encode()
        pem = _dev_file(keys_dir / "credential-signing.pem", new_pem).decode()
        credential = [SigningKey.from_pem(pem)]
    return KeyRing(signing, field_key, lookup_key, credential)


_keyrings: dict[int, KeyRing] = {}


def get_keyring() -> KeyRing:
    settings = get_settings()
    ring = _keyrings.get(id(settings))
    if ring is None:
        ring = _keyrings[id(settings)] = load_keyring(settings)
    return ring
