"""Idempotent demo data for the shops; each other app adds its own in `<app>/demo.py`,
a module with `seed(merchants: dict[str, Merchant]) -> None` that is safe to run twice."""

from __future__ import annotations

import importlib
import importlib.util

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from shops.models import Membership, Merchant, Store

DEMO_PASSWORD = "midpage-demo"  # noqa: S105 - printed for the demo on purpose

BRANDS = [
    {
        "slug": "chayu",
        "name": "茶语 Chayu Tea",
        "stores": [
            (
                "jingan",
                "静安寺店 Jing'an",
                "上海市静安区南京西路1788号",
                "31.223590",
                "121.445750",
                "10:00–22:00",
                "021-62880001",
            ),
            (
                "xuhui",
                "徐家汇店 Xujiahui",
                "上海市徐汇区虹桥路1号",
                "31.195200",
                "121.437900",
                "10:00–22:00",
                "021-62880002",
            ),
            (
                "pudong",
                "陆家嘴店 Lujiazui",
                "上海市浦东新区世纪大道8号",
                "31.238100",
                "121.501500",
                "09:30–21:30",
                "021-62880003",
            ),
        ],
        "people": [
            ("owner@chayu.demo", "owner", "王总", []),
            ("manager@chayu.demo", "manager", "李店长", ["jingan", "xuhui"]),
            ("staff@chayu.demo", "staff", "小陈", ["jingan"]),
            ("staff2@chayu.demo", "staff", "小刘", ["xuhui"]),
        ],
    },
    {
        "slug": "beiling",
        "name": "北岭服饰 Beiling Apparel",
        "stores": [
            (
                "sanlitun",
                "三里屯店 Sanlitun",
                "北京市朝阳区三里屯路19号",
                "39.933600",
                "116.454800",
                "10:00–22:00",
                "010-64160001",
            ),
            (
                "xidan",
                "西单店 Xidan",
                "北京市西城区西单北大街120号",
                "39.910600",
                "116.373800",
                "10:00–21:30",
                "010-64160002",
            ),
        ],
        "people": [
            ("owner@beiling.demo", "owner", "赵总", []),
            ("manager@beiling.demo", "manager", "孙店长", ["sanlitun", "xidan"]),
            ("staff@beiling.demo", "staff", "小周", ["sanlitun"]),
        ],
    },
]

# Apps whose demo data builds on the shops', in dependency order.
DEMO_APPS = ["orders", "coupons", "attribution"]


def _user(email: str, name: str = "", *, staff: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=email,
        defaults={"email": email, "first_name": name, "is_staff": staff, "is_superuser": staff},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def seed() -> list[tuple[str, str, str]]:
    """Create what is missing; return (email, role, brand) for every demo login."""
    _user("ops@midpage.local", "Ops", staff=True)
    logins: list[tuple[str, str, str]] = []
    merchants: dict[str, Merchant] = {}
    for brand in BRANDS:
        merchant, _ = Merchant.objects.get_or_create(
            slug=brand["slug"],
            defaults={
                "name": brand["name"],
                "status": Merchant.Status.ACTIVE,
                "contact_email": brand["people"][0][0],
            },
        )
        merchants[brand["slug"]] = merchant
        stores = {}
        for code, name, address, lat, lng, hours, phone in brand["stores"]:
            stores[code], _ = Store.objects.get_or_create(
                merchant=merchant,
                code=code,
                defaults={
                    "name": name,
                    "address": address,
                    "latitude": lat,
                    "longitude": lng,
                    "opening_hours": hours,
                    "phone": phone,
                },
            )
        for email, role, name, store_codes in brand["people"]:
            user = _user(email, name)
            membership, created = Membership.objects.get_or_create(
                user=user, merchant=merchant, defaults={"role": role, "display_name": name}
            )
            if created:
                membership.stores.set([stores[c] for c in store_codes])
            logins.append((email, role, merchant.name))
    from shops import demo_catalog  # catalog, channel prices and QR codes (issue 3)

    demo_catalog.seed(merchants)
    from shops import demo_activity  # 90 days of scans and bindings, so dashboards have history (issue 9)

    demo_activity.seed(merchants)
    for app in DEMO_APPS:
        if importlib.util.find_spec(f"{app}.demo") is not None:
            importlib.import_module(f"{app}.demo").seed(merchants)
    demo_activity.finish(merchants)
    return logins
