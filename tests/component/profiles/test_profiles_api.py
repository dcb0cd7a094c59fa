"""The profiles API through API Gateway events, under moto: identify from channels and sign-in, the
unified view, consent, export, erase, operator unmerge, redemption."""

from __future__ import annotations

import json

import pytest

from profiles.dal.hashing import keyed_word
from profiles.handlers import api
from support.profiles import TEST_KEY, deliver, order_paid, order_placed, published
from support.triggers import call

WEB, POS = {"channel_key": "key-web"}, {"channel_key": "key-pos"}


def shopper(sub: str) -> dict:
    return {"channel_key": "key-web", "customer": sub}


def me(sub: str) -> dict:
    status, body = call(api.handler, "GET", "/v1/me", **shopper(sub))
    assert status == 200, body
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"identifiers": {"email": "ann@", "phone": "+33612345678"}}, "identifiers.email"),
        ({"identifiers": {"email": "ann@example.com", "phone": "12"}}, "identifiers.phone"),
        ({"identifiers": {"loyalty_card": "12"}}, "identifiers.loyalty_card"),
        ({"identifiers": {"phone": "+33612345678"}, "name": "1234"}, "name"),
    ],
)
def test_a_malformed_email_or_phone_is_422_naming_the_field_and_nothing_is_written(profiles, body, field):
    status, problem = call(api.handler, "POST", "/v1/identify", body, **POS)
    assert status == 422 and problem["field"] == field and problem["errors"][0]["field"] == field
    assert profiles.items() == []


def test_a_sign_in_with_a_name_without_letters_or_too_long_is_422_naming_it(profiles):
    status, problem = call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com", "name": " -- "}, **shopper("sub-ann"))
    assert status == 422 and problem["field"] == "name"
    status, problem = call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com", "name": "x" * 201}, **shopper("sub-ann"))
    assert status == 422 and problem["errors"][0]["field"] == "name"
    assert profiles.items() == []


def test_a_name_at_the_till_tells_whose_a_shared_family_phone_is_and_is_kept_only_as_keyed_hashes(profiles):
    mum = call(api.handler, "POST", "/v1/me/sign-in", {"email": "marie@example.com", "phone": "+33612345678", "name": "Marie Dupont"}, **shopper("sub-marie"))[1]
    son = call(api.handler, "POST", "/v1/me/sign-in", {"email": "lucas@example.com", "phone": "+33612345678", "name": "Lucas Dupont"}, **shopper("sub-lucas"))[1]
    named = call(api.handler, "POST", "/v1/identify", {"identifiers": {"phone": "06 12 34 56 78"}, "name": "LUCAS DUPONT"}, **POS)[1]
    nameless = call(api.handler, "POST", "/v1/identify", {"identifiers": {"phone": "06 12 34 56 78"}}, **POS)[1]
    assert named["profile_id"] == son["profile_id"] != mum["profile_id"]
    assert nameless["profile_id"] not in (son["profile_id"], mum["profile_id"])
    assert me("sub-lucas")["fields"]["name"] == "LUCAS DUPONT"  # the most recent spelling survives (fields.name)
    stored = json.dumps(profiles.items())
    bodies = [json.loads(item["body"]["S"]) for item in profiles.items() if "body" in item]
    names = [record["nm"] for body in bodies for record in body["records"].values() if "nm" in record]
    assert len(names) == 3 and keyed_word("lucas", TEST_KEY.encode()) in names[0][0] + names[1][0] + names[2][0]
    keys = json.dumps([{name: item[name] for name in ("pk", "sk")} for item in profiles.items()])
    assert not any(word in keys.lower() for word in ("lucas", "dupont", "marie"))
    assert "dupont" not in json.dumps(names).lower() and stored.lower().count("dupont") == 3  # only the names as said (fields)


def test_sign_in_then_orders_from_every_channel_make_one_profile_with_one_balance(profiles):
    assert call(api.handler, "POST", "/v1/me/sign-in", {"email": "Ann.Lee+shop@gmail.com", "device_id": "app-1"}, **shopper("sub-ann"))[0] == 200
    deliver(order_placed("o-web", customer_id="sub-ann", email="ann.lee@gmail.com", total=4000))
    deliver(order_placed("o-pos", phone="06 12 34 56 78", email="annlee@gmail.com", channel="pos", channel_kind="store", total=2000))
    deliver(order_placed("o-pos2", phone="+33612345678", channel="pos", channel_kind="store", total=1000))
    for order_id, amount in (("o-web", 4000), ("o-pos", 2000), ("o-pos2", 1000)):
        deliver(order_paid(order_id, amount))
    view = me("sub-ann")
    assert {order["order_id"] for order in view["orders"]} == {"o-web", "o-pos", "o-pos2"}
    assert view["loyalty"]["balance"] == 70 and view["channels"] == ["pos", "web"]
    assert {"type": "phone", "value": "+33612345678"} in view["identifiers"]


def test_identify_at_the_pos_by_phone_or_card_finds_the_same_profile_and_a_replay_changes_nothing(profiles):
    first = call(api.handler, "POST", "/v1/identify", {"identifiers": {"phone": "+33612345678", "loyalty_card": "4000-1234-5678"}}, **POS)
    assert first[0] == 200 and first[1]["changed"] is True
    items = profiles.items()
    again = call(api.handler, "POST", "/v1/identify", {"identifiers": {"phone": "+33 6 12 34 56 78", "loyalty_card": "400012345678"}}, **POS)
    assert again == (200, {"profile_id": first[1]["profile_id"], "changed": False})
    assert profiles.items() == items
    by_card = call(api.handler, "POST", "/v1/identify", {"identifiers": {"loyalty_card": "4000 1234 5678"}}, **POS)
    assert by_card[1]["profile_id"] == first[1]["profile_id"]


def test_no_plaintext_identifier_in_any_key(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com", "phone": "+33612345678"}, **shopper("sub-ann"))
    keys = json.dumps([{name: item[name] for name in ("pk", "sk")} for item in profiles.items()])
    for secret in ("ann@example.com", "+33612345678", "33612345678", "sub-ann", TEST_KEY):
        assert secret not in keys


def test_preferences_and_consent_are_recorded_per_channel_and_purpose_with_time_and_source(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com"}, **shopper("sub-ann"))
    body = {"language": "fr", "consent": [{"channel": "web", "purpose": "marketing_email", "granted": True}, {"channel": "pos", "purpose": "marketing_sms", "granted": False}]}
    status, view = call(api.handler, "PUT", "/v1/me/preferences", body, **shopper("sub-ann"))
    assert status == 200 and view["fields"]["language"] == "fr"
    consent = {(item["channel"], item["purpose"]): item for item in view["consent"]}
    assert consent[("web", "marketing_email")]["granted"] is True and consent[("pos", "marketing_sms")]["granted"] is False
    assert consent[("web", "marketing_email")]["source"] == "web" and consent[("web", "marketing_email")]["at"]


def test_a_shopper_sees_only_their_own_profile(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com"}, **shopper("sub-ann"))
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "bob@example.com"}, **shopper("sub-bob"))
    assert {i["value"] for i in me("sub-bob")["identifiers"]} == {"sub-bob", "bob@example.com"}
    assert call(api.handler, "GET", "/v1/me", **shopper("sub-nobody"))[0] == 404
    profile_id = me("sub-ann")["profile_id"]
    assert call(api.handler, "GET", f"/v1/profiles/{profile_id}", **WEB)[0] == 403  # operators only
    assert call(api.handler, "GET", f"/v1/profiles/{profile_id}", operator=True)[0] == 200


def test_export_is_one_document_of_everything_about_the_person(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com", "name": "Ann Lee"}, **shopper("sub-ann"))
    deliver(order_placed("o-1", customer_id="sub-ann", total=3000))
    deliver(order_paid("o-1", 3000))
    status, document = call(api.handler, "GET", "/v1/me/export", **shopper("sub-ann"))
    assert status == 200
    assert document["profile"]["orders"][0]["order_id"] == "o-1"
    assert [entry["entry_id"] for entry in document["ledger"]] == ["earn:o-1"]
    assert {source for record in document["records"] for source in record["sources"]} == {"signin:sub-ann", "order:o-1"}
    assert document["profile"]["fields"]["name"] == "Ann Lee"


def test_erase_leaves_no_personal_data_anywhere_in_the_table_and_emits_profile_erased(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com", "phone": "+33612345678", "name": "Ann Lee"}, **shopper("sub-ann"))
    deliver(order_placed("o-1", customer_id="sub-ann", email="ann@example.com", phone="+33612345678"))
    deliver(order_paid("o-1"))
    profile_id = me("sub-ann")["profile_id"]
    published(profiles)
    assert keyed_word("lee", TEST_KEY.encode()) in json.dumps(profiles.items())  # the name's evidence, until erased
    assert call(api.handler, "DELETE", "/v1/me", **shopper("sub-ann")) == (200, {"profile_id": profile_id, "erased": True})
    everything = json.dumps(profiles.items())
    for personal in ("ann@example.com", "33612345678", "Ann Lee", "sub-ann", keyed_word("lee", TEST_KEY.encode())):
        assert personal not in everything, personal
    (erased,) = [event for event in published(profiles) if event.TYPE == "ProfileErased"]
    assert (erased.profile_id, erased.order_ids, erased.customer_ids) == (profile_id, ["o-1"], ["sub-ann"])  # for orders to erase
    assert call(api.handler, "GET", "/v1/me", **shopper("sub-ann"))[0] == 404
    deliver(order_placed("o-1", customer_id="sub-ann", email="ann@example.com"))  # the archive replayed
    assert "ann@example.com" not in json.dumps(profiles.items())


def test_merge_then_unmerge_restores_the_groups_and_re_points_orders_and_points(profiles):
    deliver(order_placed("o-a", email="ann@example.com", channel="web", total=4000, placed_at="2026-11-01T10:00:00Z"))
    deliver(order_placed("o-b", phone="+33612345678", channel="pos", channel_kind="store", total=2000, placed_at="2026-11-02T10:00:00Z"))
    deliver(order_paid("o-a", 4000))
    deliver(order_paid("o-b", 2000))
    before = {
        order_id: call(api.handler, "POST", "/v1/identify", {"identifiers": ident}, **POS)[1]["profile_id"]
        for order_id, ident in (("o-a", {"email": "ann@example.com"}), ("o-b", {"phone": "+33612345678"}))
    }
    assert before["o-a"] != before["o-b"]
    published(profiles)
    # a marketplace order with both: one person
    deliver(order_placed("o-c", email="ann@example.com", phone="+33612345678", channel="marketplace", channel_kind="marketplace", total=1000, placed_at="2026-11-03T10:00:00Z"))
    merged = [event for event in published(profiles) if event.TYPE == "ProfilesMerged"]
    assert len(merged) == 1 and merged[0].survivor_id == before["o-a"] and merged[0].merged_ids == [before["o-b"]]
    status, survivor = call(api.handler, "GET", f"/v1/profiles/{before['o-a']}", operator=True)
    assert {order["order_id"] for order in survivor["orders"]} == {"o-a", "o-b", "o-c"} and survivor["loyalty"]["balance"] == 60
    status, after = call(api.handler, "POST", f"/v1/profiles/{before['o-a']}/unmerge", {"merge_id": merged[0].merge_id}, operator=True)
    assert status == 200
    events = published(profiles)
    assert [event.profile_ids for event in events if event.TYPE == "ProfileUnmerged"] == [sorted(before.values())]
    attributed = {event.profile_id: event.order_ids for event in events if event.TYPE == "OrdersAttributed"}
    assert attributed[before["o-b"]] == ["o-b"]
    views = {pid: call(api.handler, "GET", f"/v1/profiles/{pid}", operator=True)[1] for pid in before.values()}
    assert {o["order_id"] for o in views[before["o-a"]]["orders"]} == {"o-a", "o-c"} and views[before["o-a"]]["loyalty"]["balance"] == 40
    assert [o["order_id"] for o in views[before["o-b"]]["orders"]] == ["o-b"] and views[before["o-b"]]["loyalty"]["balance"] == 20
    assert call(api.handler, "POST", f"/v1/profiles/{before['o-a']}/unmerge", {"merge_id": merged[0].merge_id}, operator=True)[0] == 404  # undone already


def test_redeeming_points_for_an_order_is_idempotent_and_never_spends_what_is_not_there(profiles):
    call(api.handler, "POST", "/v1/me/sign-in", {"email": "ann@example.com"}, **shopper("sub-ann"))
    deliver(order_placed("o-1", customer_id="sub-ann", total=5000))
    deliver(order_paid("o-1", 5000))
    deliver(order_placed("o-2", customer_id="sub-ann", total=3000))
    redeem = {"redemption_id": "r-1", "order_id": "o-2", "points": 30}
    status, entry = call(api.handler, "POST", "/v1/me/points/redemptions", redeem, **shopper("sub-ann"))
    assert status == 201 and entry["balance"] == 20 and entry["points"] == 30
    assert call(api.handler, "POST", "/v1/me/points/redemptions", redeem, **shopper("sub-ann")) == (201, entry)
    assert call(api.handler, "POST", "/v1/me/points/redemptions", {**redeem, "points": 31}, **shopper("sub-ann"))[1]["code"] == "idempotency_key_reused"
    too_much = call(api.handler, "POST", "/v1/me/points/redemptions", {**redeem, "redemption_id": "r-2", "points": 21}, **shopper("sub-ann"))
    assert too_much[0] == 409 and too_much[1]["code"] == "insufficient_points"
    assert call(api.handler, "POST", "/v1/me/points/redemptions", {**redeem, "redemption_id": "r-3", "order_id": "someone-else"}, **shopper("sub-ann"))[0] == 404
    assert me("sub-ann")["loyalty"]["balance"] == 20
    assert [event.TYPE for event in published(profiles) if event.TYPE.startswith("Points")] == ["PointsEarned", "PointsRedeemed"]
