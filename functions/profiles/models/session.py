"""Who the API sees calling."""

from kernel.model import Model


class Session(Model):
    customer_id: str
    channel: str
