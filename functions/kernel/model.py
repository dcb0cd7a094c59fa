"""The base of every model a domain declares (requests, responses, stored rows, events).

Its validator is built on first use, not at import (`defer_build`): pydantic builds one per class, and a
function uses few of the models its imports declare (an outbox imports the stock module for one row model,
an API request needs its route's models only), so the others no longer cost every cold start (decision 17).
Schemas, validation and serialization are the same.
"""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)
