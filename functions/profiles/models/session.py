"""Who the API sees calling."""

from pydantic import BaseModel


class Session(BaseModel):
    customer_id: str
    channel: str
