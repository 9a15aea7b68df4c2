"""Payment gateways behind one small interface (`base.Gateway`).

`gateway_for(merchant)` picks the merchant's gateway: WeChat Pay when ops have entered an
active `WechatPayAccount` for it, otherwise the sandbox (the default everywhere here).
"""

from __future__ import annotations

from orders.payments.base import Gateway


def get_gateway(name: str) -> Gateway:
    from orders.payments.sandbox import SandboxGateway
    from orders.payments.wechatpay import WechatPayGateway

    gateways = {SandboxGateway.name: SandboxGateway, WechatPayGateway.name: WechatPayGateway}
    try:
        return gateways[name]()
    except KeyError:
        raise LookupError(f"no payment gateway named {name!r}") from None


def gateway_for(merchant) -> Gateway:
    from orders.models import WechatPayAccount

    if WechatPayAccount.objects.filter(merchant=merchant, is_active=True).exists():
        return get_gateway("wechatpay")
    return get_gateway("sandbox")
