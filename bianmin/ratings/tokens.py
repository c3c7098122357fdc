"""Opaque, signed rating tokens (SPEC §5: links carry a token, never an ID number or phone).

A token names one case and one stage and carries its own expiry, so checking it costs no database
read: the rating endpoint stays fast under bursts. It is authenticated (HMAC-SHA256, truncated to 96
bits) and encrypted with a keystream derived from the MAC (a synthetic-IV construction), so nobody can
read the case number out of it or forge one. 35 URL-safe characters: small enough for a clear QR code
on a receipt.

Pure Python, no Django: the key is passed in, which keeps this module testable on its own.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass

VERSION = 1
_LAYOUT = struct.Struct(">BQBI")  # version, case id, stage code, expiry (Unix seconds)
_MAC_BYTES = 12
TOKEN_LENGTH = 35
STAGE_CODES = {"receive": 1, "accept": 2, "complete": 3, "followup": 4}
STAGES_BY_CODE = {code: stage for stage, code in STAGE_CODES.items()}


class BadToken(ValueError):
    """The token is malformed or its signature does not match."""


@dataclass(frozen=True)
class TokenClaims:
    case_id: int
    stage: str
    expires_at: int  # Unix seconds


def _keys(secret: str) -> tuple[bytes, bytes]:
    base = hashlib.sha256(("bianmin.rating-token:" + secret).encode()).digest()
    return (hmac.new(base, b"mac", hashlib.sha256).digest(), hmac.new(base, b"enc", hashlib.sha256).digest())


_key_cache: dict[str, tuple[bytes, bytes]] = {}


def _keys_for(secret: str) -> tuple[bytes, bytes]:
    keys = _key_cache.get(secret)
    if keys is None:
        keys = _key_cache[secret] = _keys(secret)
    return keys


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream))


def encode(claims: TokenClaims, secret: str) -> str:
    mac_key, enc_key = _keys_for(secret)
    payload = _LAYOUT.pack(VERSION, claims.case_id, STAGE_CODES[claims.stage], claims.expires_at)
    mac = hmac.new(mac_key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    stream = hmac.new(enc_key, mac, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac + _xor(payload, stream)).decode().rstrip("=")


def decode(token: str, secret: str) -> TokenClaims:
    """The claims of a genuine token; BadToken for anything else. Expiry is the caller's decision."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        raise BadToken("length")
    try:
        raw = base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError) as exc:
        raise BadToken("encoding") from exc
    if len(raw) != _MAC_BYTES + _LAYOUT.size or base64.urlsafe_b64encode(raw).decode().rstrip("=") != token:
        raise BadToken("length")  # also refuses the non-canonical spellings of a genuine token
    mac_key, enc_key = _keys_for(secret)
    mac, body = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
    payload = _xor(body, hmac.new(enc_key, mac, hashlib.sha256).digest())
    if not hmac.compare_digest(mac, hmac.new(mac_key, payload, hashlib.sha256).digest()[:_MAC_BYTES]):
        raise BadToken("signature")
    version, case_id, stage_code, expires_at = _LAYOUT.unpack(payload)
    if version != VERSION or stage_code not in STAGES_BY_CODE:
        raise BadToken("version")
    return TokenClaims(case_id=case_id, stage=STAGES_BY_CODE[stage_code], expires_at=expires_at)
