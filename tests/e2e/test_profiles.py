"""Profiles over the local runtime: contract events put on the bus reach profiles through the rules the
template declares, the identifier key comes from the local Secrets Manager, and a shopper sees one profile
with their orders from every channel and their points."""

from __future__ import annotations

import json

import boto3

from support.profiles import order_paid, order_placed


def put(runtime, event: dict) -> None:
    events = boto3.client("events", endpoint_url=runtime.events_endpoint, region_name="us-east-1")
    entry = {"Source": event["source"], "DetailType": event["detail-type"], "Detail": json.dumps(event["detail"]), "EventBusName": "omni-dev"}
    assert events.put_events(Entries=[entry])["FailedEntryCount"] == 0


def test_orders_from_two_channels_and_a_sign_in_become_one_profile_with_points(runtime, shopper_session, operator_session):
    shopper = shopper_session("web", sub="e2e-ann", email="ann.e2e@example.com")
    assert shopper.post("/v1/me/sign-in", json={"email": "Ann.E2E@example.com"}).status_code == 200
    put(runtime, order_placed("e2e-o-web", customer_id="e2e-ann", email="ann.e2e@example.com", total=4000))
    put(runtime, order_placed("e2e-o-pos", email="ann.e2e@example.com", phone="+33612349876", channel="pos", channel_kind="store", total=2000))
    runtime.wait_idle()
    put(runtime, order_paid("e2e-o-web", 4000))
    put(runtime, order_paid("e2e-o-pos", 2000))
    runtime.wait_idle()
    view = shopper.get("/v1/me").json()
    assert {order["order_id"] for order in view["orders"]} == {"e2e-o-web", "e2e-o-pos"}
    assert view["loyalty"]["balance"] == 60
    assert operator_session.get(f"/v1/profiles/{view['profile_id']}").json()["profile_id"] == view["profile_id"]
    bad = shopper.post("/v1/me/sign-in", json={"phone": "12"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
