"""Verify auth-skill access tokens with PyJWT, without any web framework.

    from verify import Verifier, InvalidToken
    verifier = Verifier.from_env()          # or Verifier("HS256", secrets=(b"current...", b"previous..."))
    claims = verifier.verify(token)         # raises InvalidToken

Run as a script to check one token from stdin: ``python3 verify.py < token.txt``
prints the claims as JSON (exit 0) or the reason it was refused (exit 1).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Mapping

import jwt

# Claims every auth-skill access token carries (RFC 9068); PyJWT checks exp, iat and nbf itself.
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", "jti"]


def hkdf_sha256(secret: bytes, info: str, length: int = 32) -> bytes:
    """HKDF-SHA256 (RFC 5869) with an empty salt, as auth-skill derives its keys (length <= 32)."""
    prk = hmac.new(b"\0" * 32, secret, hashlib.sha256).digest()
    return hmac.new(prk, info.encode() + b"\x01", hashlib.sha256).digest()[:length]


def key_id(secret: bytes) -> str:
    """A secret's key id, the ``kid`` of the HS256 tokens made with it: 6 bytes of HKDF as base64url."""
    return base64.urlsafe_b64encode(hkdf_sha256(secret, "auth-skill/kid/v1", 6)).decode("ascii")


class InvalidToken(Exception):
    """The token was refused. ``reason`` says why; it never contains the token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verifier:
    algorithm: str  # exactly one: "HS256" (shared secrets) or "EdDSA" (public keys from a JWKS)
    secrets: tuple[bytes, ...] = ()  # HS256: the server's secrets, current first (UTF-8 bytes)
    jwks: jwt.PyJWKSet | jwt.PyJWKClient | None = None
    issuer: str = "auth-skill"
    audience: str = "auth-skill"
    leeway: int = 5  # seconds of clock skew, as auth-skill's default clockTolerance

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Verifier":
        """AUTH_JWKS_URL or AUTH_JWKS_FILE selects EdDSA, else AUTH_SECRETS (comma-separated) or AUTH_SECRET HS256."""
        names = {"issuer": env.get("AUTH_ISSUER") or "auth-skill", "audience": env.get("AUTH_AUDIENCE") or "auth-skill"}
        url, path = env.get("AUTH_JWKS_URL"), env.get("AUTH_JWKS_FILE")
        listed = env.get("AUTH_SECRETS") or env.get("AUTH_SECRET") or ""
        secrets = [s.strip() for s in listed.split(",")] if listed else []
        if url and path:
            raise ValueError("set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both")
        if url:
            return cls("EdDSA", jwks=jwt.PyJWKClient(url, lifespan=300), **names)
        if path:
            with open(path, encoding="utf-8") as f:
                return cls("EdDSA", jwks=jwt.PyJWKSet.from_dict(json.load(f)), **names)
        if not secrets or any(len(s) < 32 for s in secrets):
            raise ValueError("set AUTH_SECRETS or AUTH_SECRET (each at least 32 characters), AUTH_JWKS_URL or AUTH_JWKS_FILE")
        return cls("HS256", secrets=tuple(s.encode("utf-8") for s in secrets), **names)

    @cached_property
    def _hs256_keys(self) -> dict[str, bytes]:
        """Each secret's HS256 key by its key id: HKDF-SHA256(secret, "auth-skill/access-token/hs256/v1")."""
        return {key_id(s): hkdf_sha256(s, "auth-skill/access-token/hs256/v1") for s in self.secrets}

    def _key(self, header: dict[str, Any]) -> Any:
        kid = header.get("kid")
        if self.algorithm == "HS256":
            if "kid" not in header and self.secrets:
                # made before key ids: the raw bytes of the FIRST secret, as the server's transition rule
                return self.secrets[0]
            if not isinstance(kid, str) or kid not in self._hs256_keys:
                raise InvalidToken("unknown kid")  # a dropped secret, or not ours: one key by kid, never all
            return self._hs256_keys[kid]
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("missing kid")
        try:
            jwk = self.jwks.get_signing_key(kid) if isinstance(self.jwks, jwt.PyJWKClient) else self.jwks[kid]
        except (KeyError, jwt.PyJWKClientError) as e:
            raise InvalidToken("unknown kid") from e
        return jwk.key  # PyJWT 2.6 wants the key object, not the PyJWK

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims if it is a valid access token for us; raises InvalidToken otherwise."""
        try:
            header = jwt.get_unverified_header(token)
            if "crit" in header:  # we understand no extension; PyJWT 2.6 ignored crit until CVE-2026-32597 was patched
                raise InvalidToken("unsupported crit")
            claims = jwt.decode(
                token,
                self._key(header),
                algorithms=[self.algorithm],  # never "none", never another family
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as e:
            raise InvalidToken(type(e).__name__) from e
        # The header was covered by the signature just checked. RFC 9068 §4: typ must be at+jwt.
        typ = header.get("typ")
        if not isinstance(typ, str) or typ.lower().removeprefix("application/") != "at+jwt":
            raise InvalidToken("typ is not at+jwt")
        if not isinstance(claims["sub"], str) or not claims["sub"]:
            raise InvalidToken("sub is not a non-empty string")
        return claims


if __name__ == "__main__":
    try:
        verifier = Verifier.from_env()
    except (OSError, ValueError, jwt.PyJWTError) as e:
        print(f"configuration: {e}", file=sys.stderr)
        sys.exit(2)
    try:
        print(json.dumps(verifier.verify(sys.stdin.read().strip())))
    except InvalidToken as e:
        print(f"invalid_token: {e.reason}", file=sys.stderr)
        sys.exit(1)
