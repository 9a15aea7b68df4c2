"""Demo data: two live brands (so isolation can be seen), their stores and people.

Running it twice changes nothing: every object is looked up by a natural key first.
Later capabilities add their own demo data in `<app>/demo.py` (see `shops.demo`).
"""

from django.core.management.base import BaseCommand

from shops.demo import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Create (or leave as they are) the demo merchants, stores and logins, and print the logins."

    def handle(self, *args, **options):
        logins = seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        width = max(len(email) for email, _role, _brand in logins)
        for email, role, brand in logins:
            self.stdout.write(f"  {email.ljust(width)}  {DEMO_PASSWORD}   {role:<8} {brand}")
        self.stdout.write(
            "  ops@midpage.local" + " " * max(0, width - 17) + f"  {DEMO_PASSWORD}   ops      /ops/"
        )
