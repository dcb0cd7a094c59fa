"""The two credentials the local API Gateway verifies itself: SigV4 (AWS_IAM) and Cognito tokens."""

import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from omni_local.cognito import LocalIssuer, TokenError, claims_as_strings, issuer_of
from omni_local.sigv4 import OPERATOR, Operator, SignatureError, sign_operator_request, verify

URL = "http://127.0.0.1:4000/v1/adjustments?b=2&a=1"
BODY = b'{"sku": "TEE-S", "quantity": 3}'


def signed(method="POST", url=URL, body=BODY, operator=OPERATOR, now=None, headers=None):
    return sign_operator_request(method, url, body, {"Content-Type": "application/json", **(headers or {})}, operator, now)


def as_received(headers: dict) -> dict:
    """What the server sees: the client's headers plus Host."""
    return {**headers, "Host": "127.0.0.1:4000"}


def test_a_signed_request_verifies_as_the_operator():
    assert verify("POST", URL, as_received(signed()), BODY) == OPERATOR


def test_a_tampered_body_path_query_or_header_is_rejected():
    headers = as_received(signed())
    for method, url, body, changed in [
        ("POST", URL, b'{"sku": "TEE-S", "quantity": 300}', headers),
        ("POST", URL.replace("adjustments", "transfers"), BODY, headers),
        ("POST", URL.replace("a=1", "a=2"), BODY, headers),
        ("PUT", URL, BODY, headers),
        ("POST", URL, BODY, {**headers, "Content-Type": "text/plain"}),
    ]:
        with pytest.raises(SignatureError) as error:
            verify(method, url, changed, body)
        assert error.value.message.startswith("The request signature we calculated does not match")


def test_a_wrong_secret_or_unknown_key_is_rejected():
    stranger = Operator(OPERATOR.access_key, "guessed", OPERATOR.user_arn, OPERATOR.user_id)
    with pytest.raises(SignatureError, match="signature we calculated"):
        verify("POST", URL, as_received(signed(operator=stranger)), BODY)
    unknown = Operator("AKIAUNKNOWN", OPERATOR.secret_key, OPERATOR.user_arn, OPERATOR.user_id)
    with pytest.raises(SignatureError, match="security token included in the request is invalid"):
        verify("POST", URL, as_received(signed(operator=unknown)), BODY)


def test_missing_or_garbled_authorization():
    with pytest.raises(SignatureError) as error:
        verify("POST", URL, {"Host": "127.0.0.1:4000"}, BODY)
    assert error.value.message == "Missing Authentication Token"
    with pytest.raises(SignatureError) as error:
        verify("POST", URL, {"Host": "127.0.0.1:4000", "Authorization": "Bearer x"}, BODY)
    assert error.value.error_type == "IncompleteSignatureException"


def test_clock_skew_beyond_five_minutes_is_rejected():
    old = datetime.now(UTC) - timedelta(minutes=6)
    with pytest.raises(SignatureError, match="Signature expired"):
        verify("POST", URL, as_received(signed(now=old)), BODY)
    recent = datetime.now(UTC) - timedelta(minutes=4)
    assert verify("POST", URL, as_received(signed(now=recent)), BODY) == OPERATOR


def test_a_declared_payload_hash_must_match_the_body():
    headers = as_received(signed(headers={"X-Amz-Content-SHA256": "0" * 64}))
    with pytest.raises(SignatureError):
        verify("POST", URL, headers, BODY)


# ---- Cognito -------------------------------------------------------------------------------------

POOL = "us-east-1_AbCdEfGhI"


@pytest.fixture(scope="module")
def issuer():
    return LocalIssuer([POOL], {POOL: "client123"})


def test_a_minted_id_token_verifies_for_its_pool(issuer):
    claims = issuer.verify(issuer.mint("shopper-1", "ada@example.com"), [POOL])
    assert claims["sub"] == "shopper-1" and claims["email"] == "ada@example.com"
    assert claims["iss"] == issuer_of(POOL) == f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
    assert claims["token_use"] == "id" and claims["aud"] == "client123"
    assert issuer.verify("Bearer " + issuer.mint("s"), [POOL])["sub"] == "s"


def test_expired_wrong_issuer_or_bad_signature_tokens_are_refused(issuer):
    with pytest.raises(TokenError):
        issuer.verify(issuer.mint("s", ttl=-5), [POOL])
    with pytest.raises(TokenError):
        issuer.verify(issuer.mint("s"), ["us-east-1_Other0000"])
    with pytest.raises(TokenError):
        issuer.verify(LocalIssuer([POOL]).mint("s"), [POOL])  # same claims, another key
    forged = jwt.encode({"sub": "s", "iss": issuer_of(POOL), "token_use": "id", "exp": time.time() + 60}, "s" * 32, algorithm="HS256")
    with pytest.raises(TokenError):
        issuer.verify(forged, [POOL])
    with pytest.raises(TokenError):
        issuer.verify(issuer.mint("s", token_use="refresh"), [POOL])


def test_methods_with_scopes_want_an_access_token_with_one_of_them(issuer):
    with pytest.raises(TokenError):
        issuer.verify(issuer.mint("s"), [POOL], scopes=["omni/orders"])
    access = issuer.mint("s", token_use="access", scopes=["omni/orders"])
    assert issuer.verify(access, [POOL], scopes=["omni/orders"])["client_id"] == "client123"


def test_claims_reach_the_handler_as_strings():
    claims = claims_as_strings({"sub": "s", "email_verified": True, "exp": 0, "cognito:groups": ["a", "b"], "n": 3})
    assert claims == {"sub": "s", "email_verified": "true", "exp": "Thu Jan 01 00:00:00 UTC 1970", "cognito:groups": "a,b", "n": "3"}
