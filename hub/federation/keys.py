"""A node's Ed25519 key pair: the private key in a file only its owner can read, the public key
as text for the hub's admin, and a short fingerprint people compare by eye.

- private key: PKCS8 PEM, unencrypted, in a file created with mode 0600 (never overwritten; a
  key file that group or others can read is refused, as ssh does);
- public key: base64url (RFC 4648 §5, no padding) of its raw 32 bytes;
- fingerprint: the first 16 hex digits of the SHA-256 of those 32 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_MODE = 0o600
FINGERPRINT_DIGITS = 16


class KeyProblem(Exception):
    """A key file or key text cannot be used; the message says which and what to do."""


def generate() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """Write `key` to a new file `path` readable by its owner only; an existing file is kept."""
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
    except FileExistsError:
        raise KeyProblem(
            f"{path} already exists: a key file is never overwritten (the hub knows its public "
            "key); move it away first to make a new one"
        ) from None
    except OSError as error:
        raise KeyProblem(f"{path}: cannot create the key file: {error.strerror}") from None
    try:
        os.fchmod(descriptor, PRIVATE_MODE)  # whatever the umask did
        os.write(descriptor, pem)
    finally:
        os.close(descriptor)


def read_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        raise KeyProblem(f"{path}: no such key file") from None
    if mode & 0o077:
        raise KeyProblem(
            f"{path} can be read by others (mode {mode:04o}): a private key must be readable by "
            f"its owner only; run `chmod 600 {path}`, and if others may have copied it, make a "
            "new key and have the hub's admin register it"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"{path} is not an Ed25519 private key (PKCS8 PEM, unencrypted)")
    return key


def public_text(key: Ed25519PublicKey) -> str:
    return base64.urlsafe_b64encode(_raw(key)).rstrip(b"=").decode("ascii")


def parse_public(text: str) -> Ed25519PublicKey:
    """The public key of `public_text`; a clear error for anything else."""
    stripped = text.strip().rstrip("=")
    try:
        raw = base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32 or public_text(Ed25519PublicKey.from_public_bytes(raw)) != stripped:
        raise KeyProblem(
            f"{text!r} is not an Ed25519 public key: expected 43 characters of base64url "
            "(the 32 raw bytes), as `hub node init` prints it"
        )
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(key)).hexdigest()[:FINGERPRINT_DIGITS]


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    return key.sign(message)


def verifies(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
