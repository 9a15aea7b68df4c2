from django.core.management.base import BaseCommand

from config.schedules import SCHEDULES
from shops.periodic import sync_periodic_tasks


class Command(BaseCommand):
    help = "Create or refresh the periodic tasks listed in config/schedules.py (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Also put back the schedule and on/off switch from the code, overriding ops' edits.",
        )

    def handle(self, *args, reset=False, **options):
        report = sync_periodic_tasks(schedules=SCHEDULES, reset=reset)
        for state in ("created", "updated", "unchanged"):
            for name in report[state]:
                self.stdout.write(f"  {state:<9} {name}")
        self.stdout.write(self.style.SUCCESS(f"{len(SCHEDULES)} periodic tasks in place (see /ops/)."))
