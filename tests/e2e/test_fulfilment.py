"""Fulfilment over HTTP on the local runtime (DynamoDB Local, the synthesized template): an order with its
hard holds (written the way checkout writes them) is paid by payments' event on the bus, picked, made ready
and collected at a store with its code; cancelled; returned at another store; raced by two devices."""

from __future__ import annotations

import json
import threading
import uuid

import boto3
import pytest

from orders.models.order import FulfilmentStatus, OrderStatus, PaymentMode
from support.orders import an_order, place_with_holds
from support.waiting import eventually

SKU = "FUL-TEE-M"
PRODUCT = {"product_id": "ful-tee", "name": "Fulfilment tee", "skus": [{"sku": SKU, "prices": [{"channel": "web", "currency": "EUR", "amount": 2500}]}]}
STORE = {"kind": "store", "address": {"lines": ["1 Rue de Rivoli"], "city": "Paris", "country": "FR"}, "capabilities": ["pickup", "ship_from_store"]}
PARIS, LYON = "paris-rivoli", "lyon-bellecour"  # the POS key's stores (cdk.json)


@pytest.fixture(scope="module")
def store(runtime):
    from omni_client import OmniClient

    client = OmniClient(runtime.state())
    assert client.operator("POST", "/v1/products", PRODUCT).status_code in (201, 409)
    runtime.wait_idle(30)  # inventory learns the SKU from ProductChanged
    for location_id in (PARIS, LYON):
        assert client.operator("PUT", f"/v1/locations/{location_id}", {**STORE, "name": location_id}).status_code == 200
        for channel in ("web", "pos"):
            assert client.operator("PUT", f"/v1/channels/{channel}/locations/{location_id}").status_code == 200
    for location_id, units in ((PARIS, 40), (LYON, 5)):
        receipt = {"source_event_id": f"ful-{uuid.uuid4().hex[:8]}", "sku": SKU, "location_id": location_id, "kind": "receipt", "quantity": units}
        assert client.operator("POST", "/v1/adjustments", receipt).status_code == 201
    runtime.wait_idle(30)
    yield client
    for location_id in (PARIS, LYON):  # the slice module lists web's locations: leave web's as it found them
        client.operator("DELETE", f"/v1/channels/web/locations/{location_id}")
    runtime.wait_idle(30)


def tables(runtime) -> dict[str, str]:
    names = runtime.state()["tables"]
    return {domain: next(name for logical, name in names.items() if logical.startswith(domain.title())) for domain in ("orders", "inventory")}


def placed(runtime, **fields):
    """An order of shopper alice for 2 units picked up in Paris, awaiting payment, its stock hard-held."""
    order_id = uuid.uuid4().hex
    line = {"line": "1", "sku": SKU, "quantity": 2, "unit_price": 2500, "line_total": 5000, "tax": 833, "location_id": PARIS, "fulfilment_id": "F1"}
    order = an_order(order_id=order_id, **{"lines": [line], **fields})
    names = tables(runtime)
    return place_with_holds(order, inventory_table=names["inventory"], orders_table=names["orders"], endpoint=runtime.dynamodb_endpoint)


def stock(client, location_id=PARIS) -> dict:
    level = next(level for level in client.operator("GET", f"/v1/stock/{SKU}").json() if level["location_id"] == location_id)
    return {"on_hand": level["on_hand"], "held": level["held"]}


def publish(runtime, detail_type: str, data: dict, source: str = "omni.payments", event_id: str | None = None) -> None:
    envelope = {"id": event_id or uuid.uuid4().hex, "type": detail_type, "version": 1, "source": source, "time": "2026-11-23T12:30:00Z", "correlation_id": None, "data": data}
    events = boto3.client("events", endpoint_url=runtime.events_endpoint, region_name="us-east-1")
    answer = events.put_events(Entries=[{"Source": source, "DetailType": detail_type, "Detail": json.dumps(envelope), "EventBusName": "omni-dev"}])
    assert answer["FailedEntryCount"] == 0, answer


def published(runtime, detail_type: str, order_id: str) -> list[dict]:
    return [event["detail"]["data"] for event in list(runtime.router.history) if event.get("detail-type") == detail_type and event["detail"]["data"].get("order_id") == order_id]


def step(pos, order, name: str, location_id=PARIS):
    return pos.post(f"/v1/stores/{location_id}/orders/{order.order_id}/fulfilments/F1/steps/{name}")


def test_journey_paid_on_the_bus_picked_ready_and_collected_with_the_code_commits_the_stock(runtime, store, channel_session, shopper_session):
    before = stock(store)
    order = placed(runtime)
    assert stock(store) == {"on_hand": before["on_hand"], "held": before["held"] + 2}
    alice, pos = shopper_session("web", sub="alice"), channel_session("pos")

    publish(runtime, "OrderPaid", {"order_id": order.order_id, "amount": 3998, "currency": "EUR", "tenders": ["card"]})
    runtime.wait_idle(30)
    assert alice.get(f"/v1/orders/{order.order_id}").json()["status"] == "allocated"
    assert order.order_id in [o["order_id"] for o in pos.get(f"/v1/stores/{PARIS}/pick-list").json()]

    assert step(pos, order, "picked").json()["status"] == "picking"
    assert stock(store) == {"on_hand": before["on_hand"] - 2, "held": before["held"]}  # committed: the units left the shelf
    assert order.order_id not in [o["order_id"] for o in pos.get(f"/v1/stores/{PARIS}/pick-list").json()]

    ready = step(pos, order, "ready").json()
    assert ready["status"] == "ready_for_pickup" and ready["fulfilments"][0]["pickup_code"] is None  # staff never see it
    code = alice.get(f"/v1/orders/{order.order_id}").json()["fulfilments"][0]["pickup_code"]
    assert code and alice.get(f"/v1/orders/{order.order_id}").json()["fulfilments"][0]["pickup_code"] is None  # shown once

    collection = f"/v1/stores/{PARIS}/orders/{order.order_id}/fulfilments/F1/collection"
    wrong = pos.post(collection, json={"code": "WRONG1"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_pickup_code")
    assert pos.post(collection, json={"code": code}).json()["status"] == "collected"
    runtime.wait_idle(30)
    assert stock(store) == {"on_hand": before["on_hand"] - 2, "held": before["held"]}
    changes = published(runtime, "OrderStatusChanged", order.order_id)
    moves = [(e["from_status"], e["to_status"]) for e in changes]
    assert moves == [("awaiting_payment", "paid"), ("paid", "allocated"), ("allocated", "picking"), ("picking", "ready_for_pickup"), ("ready_for_pickup", "collected")]
    versions = [e["version"] for e in changes]  # other changes (the profile's attribution, the code shown) grow it too
    assert versions == sorted(set(versions))
    timeline = [entry["message"] for entry in alice.get(f"/v1/orders/{order.order_id}").json()["timeline"]]
    assert timeline[-1] == f"collected at {PARIS}"


def test_store_staff_see_and_work_only_their_own_stores(runtime, store, channel_session):
    order = placed(runtime)
    pos, web = channel_session("pos"), channel_session("web")
    assert pos.get("/v1/stores/wh-central/pick-list").status_code == 403  # not one of the POS key's stores
    assert web.get(f"/v1/stores/{PARIS}/pick-list").status_code == 403  # a storefront is no store
    assert step(pos, order, "picked", location_id=LYON).status_code == 404  # its fulfilment is in Paris
    assert step(pos, order, "picked").status_code == 409  # awaiting payment: nothing to pick yet
    assert step(pos, order, "picked").json()["from_status"] == "awaiting_payment"


def test_cancellation_releases_the_stock_and_another_shopper_cannot_cancel(runtime, store, shopper_session):
    before = stock(store)
    order = placed(runtime)
    assert shopper_session("web", sub="bob").post(f"/v1/orders/{order.order_id}/cancel").status_code == 404
    assert stock(store)["held"] == before["held"] + 2
    cancelled = shopper_session("app", sub="alice").post(f"/v1/orders/{order.order_id}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert stock(store) == before
    runtime.wait_idle(30)
    assert published(runtime, "RefundRequested", order.order_id) == []  # never paid: nothing to refund


@pytest.mark.parametrize("steps", [("picked",), ("picked", "ready")])
def test_cancelling_after_the_pick_before_the_handover_restocks_the_picked_units_once(runtime, store, channel_session, steps):
    before = stock(store)
    order = placed(runtime, payment=PaymentMode.in_store)  # picked before it is paid
    pos = channel_session("pos")
    for name in steps:
        assert step(pos, order, name).status_code == 200
    assert stock(store) == {"on_hand": before["on_hand"] - 2, "held": before["held"]}  # the units left the shelf
    cancelled = store.operator("POST", f"/v1/ops/orders/{order.order_id}/cancel")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled"), cancelled.text
    assert stock(store) == before  # back on hand where they were picked
    assert cancelled.json()["timeline"][-1] == {**cancelled.json()["timeline"][-1], "kind": "stock", "message": f"picked but not handed over: restocked 2 unit(s) at {PARIS}"}
    again = store.operator("POST", f"/v1/ops/orders/{order.order_id}/cancel")
    kinds = [(entry["kind"], entry.get("status")) for entry in again.json()["timeline"]]
    assert again.status_code == 200 and kinds.count(("stock", None)) == 1 and kinds.count(("status", "cancelled")) == 1  # a repeat changes nothing
    assert stock(store) == before


def test_a_web_order_returned_in_another_store_restocks_its_sellable_units_and_requests_the_refund(runtime, store, channel_session, shopper_session):
    order = placed(runtime, status=OrderStatus.collected, paid=True)
    before = stock(store, LYON)
    body = {"return_key": "counter-1", "lines": [{"line": "1", "received": 2, "damaged": 1}]}
    answer = channel_session("pos").post(f"/v1/stores/{LYON}/orders/{order.order_id}/returns", json=body)
    assert answer.status_code == 201, answer.text
    runtime.wait_idle(30)
    assert eventually(lambda: stock(store, LYON)["on_hand"] == before["on_hand"] + 1)  # the damaged unit stays out
    [refund] = published(runtime, "RefundRequested", order.order_id)
    assert (refund["amount"], refund["currency"], refund["reason"]) == (5000, "EUR", "return")
    again = channel_session("pos").post(f"/v1/stores/{LYON}/orders/{order.order_id}/returns", json=body)
    assert again.status_code == 201 and len(again.json()["returns"]) == 1  # a retry is the same return
    more = channel_session("pos").post(f"/v1/stores/{LYON}/orders/{order.order_id}/returns", json={"return_key": "counter-2", "lines": [{"line": "1", "received": 1}]})
    assert (more.status_code, more.json()["errors"][0]["field"]) == (422, "lines.received")  # both units came back already
    runtime.wait_idle(30)
    assert stock(store, LYON)["on_hand"] == before["on_hand"] + 1
    timeline = shopper_session("web", sub="alice").get(f"/v1/orders/{order.order_id}").json()["timeline"]
    assert timeline[-1]["kind"] == "return"


def test_two_devices_marking_the_same_fulfilment_picked_at_once_commit_it_once(runtime, store, channel_session):
    order = placed(runtime, payment=PaymentMode.in_store)  # picked before it is paid
    before = stock(store)
    answers = []
    devices = [channel_session("pos") for _ in range(4)]
    threads = [threading.Thread(target=lambda pos=pos: answers.append(step(pos, order, "picked").status_code)) for pos in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 4  # the others found it picked: a repeat
    assert stock(store) == {"on_hand": before["on_hand"] - 2, "held": before["held"] - 2}
    fulfilment = devices[0].get(f"/v1/channel/orders/{order.order_id}").json()["fulfilments"][0]
    assert fulfilment["status"] == FulfilmentStatus.picked.value


def test_order_paid_replayed_and_raced_with_a_cancellation_has_one_outcome_and_consistent_stock(runtime, store, shopper_session):
    before = stock(store)
    order = placed(runtime)
    alice = shopper_session("web", sub="alice")
    paid = {"order_id": order.order_id, "amount": 3998, "currency": "EUR", "tenders": ["card"]}
    cancel = threading.Thread(target=lambda: alice.post(f"/v1/orders/{order.order_id}/cancel"))
    cancel.start()
    publish(runtime, "OrderPaid", paid, event_id="paid-1")
    publish(runtime, "OrderPaid", paid, event_id="paid-1")  # redelivered
    publish(runtime, "OrderPaid", paid, event_id="paid-2")  # and sent again
    cancel.join()
    runtime.wait_idle(30)
    final = alice.get(f"/v1/orders/{order.order_id}").json()
    assert final["status"] == "cancelled"  # allowed before or after the payment: it always wins in the end
    assert stock(store) == before  # released once, whichever came first
    statuses = [e["to_status"] for e in published(runtime, "OrderStatusChanged", order.order_id)]
    assert statuses.count("paid") <= 1 and statuses.count("cancelled") == 1
    # paid first: the cancellation asks for the money back, once; cancelled first: the payment is ignored
    assert len(published(runtime, "RefundRequested", order.order_id)) == (1 if final["paid"] else 0)


def test_a_store_that_cannot_fulfil_a_line_gives_it_up_and_the_order_is_re_sourced(runtime, store, channel_session, shopper_session):
    order = placed(runtime, status=OrderStatus.allocated, paid=True)
    paris, lyon = stock(store, PARIS), stock(store, LYON)
    pos = channel_session("pos")
    rejection = f"/v1/stores/{PARIS}/orders/{order.order_id}/fulfilments/F1/rejection"
    assert pos.post(rejection, json={"lines": ["9"], "reason": "x"}).status_code == 422  # no such line: nothing changes
    answer = pos.post(rejection, json={"lines": ["1"], "reason": "damaged on the shelf"})
    assert answer.status_code == 200, answer.text
    moved = answer.json()
    assert [(f["location_id"], f["status"], f["lines"]) for f in moved["fulfilments"]] == [(PARIS, "cancelled", []), (LYON, "pending", ["1"])]
    assert moved["lines"][0]["location_id"] == LYON and moved["lines"][0]["refused_by"] == [PARIS]
    message = moved["timeline"][-1]["message"]  # the sourcing pipeline's own explanation, as checkout gives it
    assert message.startswith(f"{PARIS} cannot fulfil line 1 (damaged on the shelf); re-sourced line 1 to {LYON}: {LYON}: chosen pickup store, 2 of 2 units")
    assert f"{PARIS}: refused these lines before" in message
    assert stock(store, PARIS)["held"] == paris["held"] - 2 and stock(store, LYON)["held"] == lyon["held"] + 2
    assert order.order_id in [o["order_id"] for o in pos.get(f"/v1/stores/{LYON}/pick-list").json()]
    again = channel_session("pos").post(f"/v1/stores/{LYON}/orders/{order.order_id}/fulfilments/F2/rejection", json={"lines": ["1"]})
    assert (again.status_code, again.json()["code"]) == (409, "no_alternative")  # Paris refused it already
    assert stock(store, LYON)["held"] == lyon["held"] + 2
