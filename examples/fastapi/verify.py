"""Verify auth-skill access tokens with PyJWT, without any web framework.

    from verify import Verifier, InvalidToken
    verifier = Verifier.from_env()          # or Verifier("HS256", secret=b"...")
    claims = verifier.verify(token)         # raises InvalidToken

Run as a script to check one token from stdin: ``python3 verify.py < token.txt``
prints the claims as JSON (exit 0) or the reason it was refused (exit 1).
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any, Mapping

import jwt

# Claims every auth-skill access token carries (RFC 9068); PyJWT checks exp, iat and nbf itself.
REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss", "aud", "jti"]


class InvalidToken(Exception):
    """The token was refused. ``reason`` says why; it never contains the token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Verifier:
    algorithm: str  # exactly one: "HS256" (shared secret) or "EdDSA" (public keys from a JWKS)
    secret: bytes | None = None
    jwks: jwt.PyJWKSet | jwt.PyJWKClient | None = None
    issuer: str = "auth-skill"
    audience: str = "auth-skill"
    leeway: int = 5  # seconds of clock skew, as auth-skill's default clockTolerance

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Verifier":
        """AUTH_JWKS_URL or AUTH_JWKS_FILE selects EdDSA, else AUTH_SECRET selects HS256."""
        names = {"issuer": env.get("AUTH_ISSUER") or "auth-skill", "audience": env.get("AUTH_AUDIENCE") or "auth-skill"}
        url, path, secret = env.get("AUTH_JWKS_URL"), env.get("AUTH_JWKS_FILE"), env.get("AUTH_SECRET")
        if url and path:
            raise ValueError("set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both")
        if url:
            return cls("EdDSA", jwks=jwt.PyJWKClient(url, lifespan=300), **names)
        if path:
            with open(path, encoding="utf-8") as f:
                return cls("EdDSA", jwks=jwt.PyJWKSet.from_dict(json.load(f)), **names)
        if not secret or len(secret) < 32:
            raise ValueError("set AUTH_SECRET (at least 32 characters), AUTH_JWKS_URL or AUTH_JWKS_FILE")
        return cls("HS256", secret=secret.encode("utf-8"), **names)  # the key is the secret's UTF-8 bytes

    def _key(self, header: dict[str, Any]) -> Any:
        if self.algorithm == "HS256":
            return self.secret
        kid = header.get("kid")
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
