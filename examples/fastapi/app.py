"""A FastAPI app whose routes accept auth-skill access tokens, verified with PyJWT (see verify.py).

    AUTH_SECRET=... python3 -m uvicorn app:app          # or AUTH_SECRETS=new,old while rotating
"""
from functools import lru_cache
from typing import Any, Optional

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from verify import InvalidToken, Verifier

app = FastAPI(title="auth-skill FastAPI example")
# auto_error=False: FastAPI's own error for a missing header is a 403; RFC 6750 wants a 401.
bearer = HTTPBearer(auto_error=False)


@lru_cache
def get_verifier() -> Verifier:
    """Read the configuration once (override with app.dependency_overrides in tests)."""
    return Verifier.from_env()


def current_user(
    credentials: Optional[HTTPAuthorizationCredentials] = Depends(bearer),
    verifier: Verifier = Depends(get_verifier),
) -> dict[str, Any]:
    """The verified claims of the request's bearer token, or a 401 (RFC 6750)."""
    if credentials is None:
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    try:
        return verifier.verify(credentials.credentials)
    except InvalidToken:
        raise HTTPException(401, "Invalid access token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None


@app.get("/me")
def me(claims: dict[str, Any] = Depends(current_user)) -> dict[str, Any]:
    return {"sub": claims["sub"], "sid": claims.get("sid")}
