"""The webhook signature scheme: what passes, and why everything else is refused."""

import pytest

from channels.logic.signatures import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, TOLERANCE_SECONDS, signature, signed_headers, verify
from kernel.errors import Unauthorized

SECRET = "s3cr3t-of-the-pos"
NOW = 1_795_420_800
BODY = b'{"type": "sale", "data": {"lines": [{"sku": "TEE-S", "location_id": "paris", "quantity": 1}]}}'


def headers(**changes):
    values = signed_headers(SECRET, "pos-1", NOW, BODY)
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def refused(headers, body=BODY, now=NOW, secret=SECRET) -> str:
    with pytest.raises(Unauthorized) as error:
        verify(secret, headers, body, now)
    assert error.value.status == 401
    return error.value.code


def test_a_correctly_signed_delivery_passes_and_names_its_id_and_time():
    delivery = verify(SECRET, headers(), BODY, NOW)
    assert (delivery.webhook_id, delivery.timestamp) == ("pos-1", NOW)


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body_in_hex():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"pos-1.1795420800." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, "pos-1", NOW, BODY) == f"v1={expected}"


def test_header_names_are_case_insensitive():
    assert verify(SECRET, {name.lower(): value for name, value in headers().items()}, BODY, NOW).webhook_id == "pos-1"


def test_a_tampered_body_is_refused():
    assert refused(headers(), body=BODY.replace(b'"quantity": 1', b'"quantity": 9')) == "invalid_signature"


def test_a_changed_id_or_timestamp_is_refused_because_both_are_signed():
    assert refused(headers(**{ID_HEADER: "pos-2"})) == "invalid_signature"
    assert refused(headers(**{TIMESTAMP_HEADER: str(NOW + 1)})) == "invalid_signature"


def test_another_secret_is_refused():
    assert refused(headers(), secret="the-marketplace-secret") == "invalid_signature"


@pytest.mark.parametrize("missing", [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER])
def test_a_missing_header_is_refused(missing):
    assert refused(headers(**{missing: None})) == "invalid_signature"


@pytest.mark.parametrize("timestamp", ["", "soon", "-5", "1795420800.5", "١٧٩٥٤٢٠٨٠٠"])
def test_a_malformed_timestamp_is_refused(timestamp):
    assert refused(headers(**{TIMESTAMP_HEADER: timestamp})) == "invalid_signature"


@pytest.mark.parametrize("offered", ["", "v1=", "v1=zz", "v2=" + "0" * 64, "v1=é", "nonsense"])
def test_a_malformed_or_empty_signature_is_refused(offered):
    assert refused(headers(**{SIGNATURE_HEADER: offered})) == "invalid_signature"


def test_within_the_tolerance_both_ways_passes():
    assert verify(SECRET, headers(), BODY, NOW + TOLERANCE_SECONDS).webhook_id == "pos-1"
    assert verify(SECRET, headers(), BODY, NOW - TOLERANCE_SECONDS).webhook_id == "pos-1"


def test_a_stale_delivery_is_refused_as_stale():
    assert refused(headers(), now=NOW + TOLERANCE_SECONDS + 1) == "stale_timestamp"


def test_a_delivery_from_the_future_is_refused_as_stale():
    assert refused(headers(), now=NOW - TOLERANCE_SECONDS - 1) == "stale_timestamp"


def test_an_old_delivery_with_a_wrong_signature_is_invalid_not_stale():
    # The timestamp of an unauthenticated request is not believed: it is not even worth calling stale.
    assert refused(headers(**{SIGNATURE_HEADER: "v1=" + "0" * 64}), now=NOW + 3600) == "invalid_signature"


def test_during_a_rotation_any_one_of_several_signatures_passes():
    old = signature("the-old-secret", "pos-1", NOW, BODY)
    new = signature(SECRET, "pos-1", NOW, BODY)
    assert verify(SECRET, headers(**{SIGNATURE_HEADER: f"{old} {new}"}), BODY, NOW).webhook_id == "pos-1"
    assert verify(SECRET, headers(**{SIGNATURE_HEADER: f"{new}  {old}"}), BODY, NOW).webhook_id == "pos-1"
    assert verify("the-old-secret", headers(**{SIGNATURE_HEADER: f"{old} {new}"}), BODY, NOW).webhook_id == "pos-1"
    assert refused(headers(**{SIGNATURE_HEADER: f"{old} v1={'0' * 64}"})) == "invalid_signature"
