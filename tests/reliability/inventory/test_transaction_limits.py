"""No valid request can exceed a DynamoDB transaction (100 items): the largest request each inventory
model accepts, through the API handler, on DynamoDB Local (moto copies its table per item: too slow here)."""

from inventory.handlers import api
from inventory.logic import planning
from support.inventory import location, stock
from support.triggers import call


def test_the_largest_requests_the_models_accept_are_answered_2xx_or_422_never_5xx(inventory_db):
    """DynamoDB takes 100 items per transaction: every request a model accepts fits, is split into
    safe steps, or is refused up front naming the field."""
    sites = [f"site-{n:02d}" for n in range(30)]
    for site in sites:
        location(site, channels=("web", "pos"))
    for n in range(30):
        stock(f"BIG-{n:02d}", sites[n], 50)
    for site in sites[:25]:
        stock("HOT-9", site, 40)
    planning.set_shards("HOT-9", 20)

    def answered(*args, **kwargs):
        status, body = call(api.handler, *args, **kwargs)
        assert status < 300 or status == 422, (status, body)
        if status == 422:
            assert body["errors"][0]["field"] == "lines"
        return status

    lines = [{"line": str(n), "sku": f"BIG-{n:02d}", "location_id": sites[n], "quantity": 1} for n in range(30)]
    assert answered("POST", "/v1/holds", {"reference": "big-1", "lines": lines}, channel_key="key-web") == 201
    for batch in range(1, 4):  # one reference gathers 120 holds over four calls, then ends them in one
        more = [{**line, "line": f"{batch}-{line['line']}"} for line in lines]
        assert answered("POST", "/v1/holds", {"reference": "big-1", "lines": more}, channel_key="key-web") == 201
    assert answered("POST", "/v1/holds/big-1/release", {}, channel_key="key-web") == 200
    hot = [{"line": str(n), "sku": "HOT-9", "location_id": sites[0], "quantity": 1} for n in range(30)]
    answered("POST", "/v1/holds", {"reference": "big-2", "lines": hot}, channel_key="key-web")
    sale = [{"sku": "HOT-9", "location_id": site, "quantity": 30} for site in sites[:25]]
    first = call(api.handler, "POST", "/v1/sales", {"source_event_id": "big-sale", "lines": sale}, channel_key="key-pos")
    assert first[0] == 201  # too large for one transaction: applied in steps, each exactly once
    assert call(api.handler, "POST", "/v1/sales", {"source_event_id": "big-sale", "lines": sale}, channel_key="key-pos") == first
    status, levels = call(api.handler, "GET", "/v1/stock/HOT-9", operator=True)
    assert [level["on_hand"] for level in levels] == [10] * 25
    plain = [{"sku": f"BIG-{n:02d}", "location_id": sites[n], "quantity": 1} for n in range(25)]
    assert answered("POST", "/v1/sales", {"source_event_id": "big-sale-2", "lines": plain}, channel_key="key-pos") == 201
    status, levels = call(api.handler, "GET", "/v1/stock/BIG-00", operator=True)
    assert levels[0]["on_hand"] == 50 - 1 and levels[0]["held"] == 0
