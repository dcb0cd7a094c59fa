"""Profile routes for signed-in shoppers."""

from kernel.api import create_app, lambda_handler
from kernel.auth import SHOPPER, current_caller
from profiles.models.session import Session

app = create_app()


@app.get("/v1/me", tags=["profiles"], summary="The signed-in shopper and the channel they came through", **SHOPPER)
def me() -> Session:
    caller = current_caller(app)
    return Session(customer_id=caller.customer_id, channel=caller.channel.id)


handler = lambda_handler(app)
