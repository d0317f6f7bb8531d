"""Keys: RFC 8032's Ed25519 test vector, the 0600 key file, public key text, fingerprints."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.federation import keys

# RFC 8032 §7.1, TEST 1: the empty message.
SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
SIGNATURE = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701"
    "cf9b46bd25bf5f0595bbe24655141438e7a100b"
)


def vector_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(SECRET))


def test_rfc8032_test_1() -> None:
    key = vector_key()
    public = key.public_key()
    assert keys.parse_public(keys.public_text(public)).public_bytes_raw().hex() == PUBLIC
    assert keys.sign(key, b"").hex() == SIGNATURE
    assert keys.verifies(public, bytes.fromhex(SIGNATURE), b"")
    assert not keys.verifies(public, bytes.fromhex(SIGNATURE), b"\x00")


def test_public_text_is_base64url_of_the_raw_bytes_and_the_fingerprint_its_hash() -> None:
    public = vector_key().public_key()
    assert keys.public_text(public) == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    assert keys.fingerprint(public) == hashlib.sha256(bytes.fromhex(PUBLIC)).hexdigest()[:16]
    assert keys.fingerprint(public) == "21fe31dfa154a261"


@pytest.mark.parametrize(
    "text", ["", "not a key", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR", PUBLIC, "11qY+YKx"]
)
def test_a_public_key_text_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(keys.KeyProblem) as caught:
        keys.parse_public(text)
    assert str(caught.value) == (
        f"{text!r} is not an Ed25519 public key: expected 43 characters of base64url "
        "(the 32 raw bytes), as `hub node init` prints it"
    )


def test_the_private_key_file_is_0600_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "node.key"
    key = keys.generate()
    old = os.umask(0)  # the file's mode does not depend on the umask
    try:
        keys.write_private_key(path, key)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    again = keys.read_private_key(path)
    assert keys.public_text(again.public_key()) == keys.public_text(key.public_key())


def test_a_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "node.key"
    keys.write_private_key(path, keys.generate())
    before = path.read_bytes()
    with pytest.raises(keys.KeyProblem) as caught:
        keys.write_private_key(path, keys.generate())
    assert str(caught.value) == (
        f"{path} already exists: a key file is never overwritten (the hub knows its public "
        "key); move it away first to make a new one"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_key_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "node.key"
    keys.write_private_key(path, keys.generate())
    path.chmod(mode)
    with pytest.raises(keys.KeyProblem) as caught:
        keys.read_private_key(path)
    assert str(caught.value) == (
        f"{path} can be read by others (mode {mode:04o}): a private key must be readable by "
        f"its owner only; run `chmod 600 {path}`, and if others may have copied it, make a "
        "new key and have the hub's admin register it"
    )


def test_a_missing_or_wrong_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(keys.KeyProblem, match=r"node\.key: no such key file$"):
        keys.read_private_key(tmp_path / "node.key")
    path = tmp_path / "other.pem"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(descriptor, b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    os.close(descriptor)
    with pytest.raises(keys.KeyProblem) as caught:
        keys.read_private_key(path)
    assert str(caught.value) == f"{path} is not an Ed25519 private key (PKCS8 PEM, unencrypted)"
