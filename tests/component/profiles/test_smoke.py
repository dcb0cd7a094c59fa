from profiles.handlers import api
from support.profiles import deliver, order_paid, order_placed, published
from support.triggers import call


def test_smoke(profiles):
    assert call(api.handler, "POST", "/v1/me/sign-in", {"email": "Ann.Lee+shop@gmail.com"}, channel_key="key-web", customer="sub-ann")[0] == 200
    deliver(order_placed("o1", email="annlee@gmail.com", phone="+33612345678"))
    deliver(order_paid("o1"))
    status, me = call(api.handler, "GET", "/v1/me", channel_key="key-web", customer="sub-ann")
    print(me)
    assert status == 200
    print(published(profiles))
