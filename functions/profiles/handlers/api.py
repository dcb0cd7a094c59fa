"""Profile routes: channels identify customers, shoppers see, export and erase their own profile and spend
their points, operators look at any profile, undo merges and erase. Thin: the rules are in profiles.logic."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from kernel.api import create_app, lambda_handler
from kernel.auth import CHANNEL, OPERATOR, SHOPPER, current_caller
from kernel.errors import NotFound, Unprocessable, errors
from kernel.lazy import on_first_use
from kernel.types import Identifier
from profiles.logic.rules import Kind

# Imported on the first request of a route that uses them (kernel.lazy, decision 70), not by the init.
identify, loyalty, views = on_first_use(globals(), "profiles.logic", "identify", "loyalty", "views")
Graph = on_first_use(globals(), "profiles.logic.identity", "Graph")
Invalid = on_first_use(globals(), "profiles.logic.normalize", "Invalid")
Erased, Identified, IdentifyIn, PreferencesIn, ProfileExport, ProfileView, Redemption, RedemptionIn, SignInIn, UnmergeIn = on_first_use(
    globals(), "profiles.models.profile", "Erased", "Identified", "IdentifyIn", "PreferencesIn", "ProfileExport", "ProfileView", "Redemption", "RedemptionIn", "SignInIn", "UnmergeIn"
)

app = create_app()
TAGS = ["profiles"]
ProfileId = Annotated[Identifier, Path()]


BODY_FIELDS = {Kind.device.value: "device_id", Kind.channel_customer.value: "channel_customer_id"}


def _sighting(given: dict[Kind, str | None], prefix: str = "", **options):
    try:
        return identify.sighting(given, strict=True, **options)
    except Invalid as error:
        field = error.args[0] if error.args[0] == "name" else prefix + BODY_FIELDS.get(error.args[0], error.args[0])
        raise Unprocessable(f"invalid {field}: {error.args[1]}", field=field, errors=[{"in": "body", "field": field, "type": "invalid_identifier", "message": error.args[1]}]) from error


def _identified(seen) -> Identified:
    if seen is None:
        return Identified(profile_id=None, changed=False)
    outcome = identify.identify(seen)
    return Identified(profile_id=outcome.profile_id, changed=outcome.changed)


@app.post("/v1/identify", tags=TAGS, summary="A channel saw a customer: identify them (POS phone or card, device, marketplace buyer)", responses=errors(409), **CHANNEL)
def post_identify(body: IdentifyIn) -> Identified:
    channel = current_caller(app).channel
    given = body.identifiers
    kinds = {Kind.email: given.email, Kind.phone: given.phone, Kind.loyalty_card: given.loyalty_card, Kind.device: given.device_id, Kind.channel_customer: given.channel_customer_id}
    seen = _sighting(kinds, "identifiers.", source=f"identify:{channel.id}", channel=channel.id, channel_kind=channel.kind, location_id=body.location_id, name=body.name)
    return _identified(seen)


@app.post("/v1/me/sign-in", tags=TAGS, summary="A shopper signed in: identify their account with what the channel knows", responses=errors(409), **SHOPPER)
def post_sign_in(body: SignInIn) -> Identified:
    caller = current_caller(app)
    kinds = {Kind.account: caller.customer_id, Kind.email: body.email, Kind.phone: body.phone, Kind.device: body.device_id, Kind.loyalty_card: body.loyalty_card}
    return _identified(_sighting(kinds, source=f"signin:{caller.customer_id}", channel=caller.channel.id, channel_kind=caller.channel.kind, name=body.name))


def _own() -> tuple[Graph, str]:
    graph, profile_id = identify.graph_of_customer(current_caller(app).customer_id)
    if graph is None:
        raise NotFound("no profile yet: sign in first", field="customer_id")
    return graph, profile_id


@app.get("/v1/me", tags=TAGS, summary="The signed-in shopper's profile: identifiers, orders from every channel, points, consent", responses=errors(404), **SHOPPER)
def get_me() -> ProfileView:
    return views.view(*_own())


@app.put("/v1/me/preferences", tags=TAGS, summary="Record the shopper's preferences and consent (per channel and purpose, with time and source)", responses=errors(409), **SHOPPER)
def put_preferences(body: PreferencesIn) -> ProfileView:
    caller = current_caller(app)
    fields = {name: value for name, value in {"language": body.language, "preferred_location_id": body.preferred_location_id}.items() if value}
    consent = {f"{item.channel}{views.PURPOSES_SEP}{item.purpose}": item.granted for item in body.consent}
    seen = _sighting({Kind.account: caller.customer_id}, source=f"preferences:{caller.customer_id}", channel=caller.channel.id, channel_kind=caller.channel.kind, fields=fields, consent=consent)
    identify.identify(seen)
    return views.view(*_own())


@app.get("/v1/me/export", tags=TAGS, summary="Everything Omni's profiles know about the shopper, as one document", responses=errors(404), **SHOPPER)
def get_my_export() -> ProfileExport:
    return views.export(*_own())


@app.delete("/v1/me", tags=TAGS, summary="Erase the shopper's profile: personal data, identifiers and source records", responses=errors(404, 409), **SHOPPER)
def delete_me() -> Erased:
    _, profile_id = _own()
    identify.erase(profile_id)
    return Erased(profile_id=profile_id, erased=True)


@app.post(
    "/v1/me/points/redemptions",
    tags=TAGS,
    summary="Redeem points for one of the shopper's orders (a tender or a discount)",
    status_code=201,
    responses=errors(404, 409, described={409: "Not enough points, the order is cancelled, or the redemption id was used for another redemption"}),
    **SHOPPER,
)
def post_redemption(body: RedemptionIn) -> Redemption:
    entry, _ = loyalty.redeem(current_caller(app).customer_id, body.redemption_id, body.order_id, body.points)
    return Redemption(entry_id=entry["entry_id"], order_id=entry["order_id"], points=-entry["points"], balance=entry["balance"])


@app.get("/v1/profiles/<profile_id>", tags=TAGS, summary="A profile, as an operator sees it (with its merge log)", responses=errors(404), **OPERATOR)
def get_profile(profile_id: ProfileId) -> ProfileView:
    return views.view(identify.graph_of_profile(profile_id), profile_id)


@app.get("/v1/profiles/<profile_id>/export", tags=TAGS, summary="Export everything about a person across their merged profiles", responses=errors(404), **OPERATOR)
def get_export(profile_id: ProfileId) -> ProfileExport:
    return views.export(identify.graph_of_profile(profile_id), profile_id)


@app.post("/v1/profiles/<profile_id>/unmerge", tags=TAGS, summary="Undo one merge of this profile: the groups before it come back", responses=errors(404, 409), **OPERATOR)
def post_unmerge(profile_id: ProfileId, body: UnmergeIn) -> ProfileView:
    graph = identify.unmerge(profile_id, body.merge_id)
    survivor = profile_id if profile_id in graph["profiles"] else next(iter(graph["profiles"]))
    return views.view(graph, survivor)


@app.delete("/v1/profiles/<profile_id>", tags=TAGS, summary="Erase a person (a privacy request): personal data, identifiers and source records", responses=errors(404, 409), **OPERATOR)
def delete_profile(profile_id: ProfileId) -> Erased:
    identify.erase(profile_id)
    return Erased(profile_id=profile_id, erased=True)


handler = lambda_handler(app)
