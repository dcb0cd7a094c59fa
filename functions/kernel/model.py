"""The base of every model a domain declares (requests, responses, stored rows, events).

Its validator is built on first use, not at import (`defer_build`): pydantic builds one per class, and a
function uses few of the models its imports declare (an outbox imports the stock module for one row model,
an API request needs its route's models only), so the others no longer cost every cold start (decision 17).
Schemas, validation and serialization are the same.
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


def build_deferred() -> None:
    """Build every model declared so far: SnapStart's before-snapshot hook, so that restored copies of an
    API function find every route's models built, as they would without defer_build (decision 18)."""
    pending = list(Model.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model.__pydantic_complete__:
            model.model_rebuild()
