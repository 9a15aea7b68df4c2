"""Admins for coupons. Ops admins on admin.site (/ops/), back-office admins on backoffice_site.

The sharing rulebook, decisions and the campaign review queue (issue 6) are registered in
coupons/sharing/admin.py, imported here so Django's admin autodiscovery finds them.
"""

from coupons.sharing import admin as sharing_admin  # noqa: F401
