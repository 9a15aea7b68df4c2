import pytest

from attribution.services import record_scan
from shops import entry_points
from shops.models import Membership
from tests import factories


class Brand:
    """A live brand with two stores, an owner, a manager and a staff member in each store."""

    def __init__(self):
        self.merchant = factories.MerchantFactory(name="茶语", slug="chayu")
        self.jingan = factories.StoreFactory(merchant=self.merchant, name="静安寺店")
        self.xuhui = factories.StoreFactory(merchant=self.merchant, name="徐家汇店")
        self.owner = factories.member(self.merchant, "owner")
        self.manager = factories.member(self.merchant, "manager", stores=[self.jingan, self.xuhui])
        self.staff = factories.member(self.merchant, "staff", stores=[self.jingan])
        self.staff2 = factories.member(self.merchant, "staff", stores=[self.xuhui])

    def membership(self, user) -> Membership:
        return Membership.objects.get(user=user, merchant=self.merchant)

    def staff_code(self, user):
        return entry_points.staff_entry_point(membership=self.membership(user))

    def scans(self, code, n: int):
        import uuid

        for _ in range(n):
            record_scan(entry_point=code, shopper_uid=uuid.uuid4())


@pytest.fixture
def brand(db):
    return Brand()
