"""Admins for coupons. Ops admins on admin.site (/ops/), back-office admins on backoffice_site.

The sharing rulebook, decisions and the campaign review queue (issue 6) are registered in
coupons/sharing/admin.py, imported here so Django's admin autodiscovery finds them.
"""

from coupons import backoffice as coupons_backoffice  # noqa: E402, F401 - campaigns, coupons, reports
from coupons.sharing import admin as sharing_admin  # noqa: F401
