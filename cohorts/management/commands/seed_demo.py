from django.core.management.base import BaseCommand

from cohorts.demo import COHORT_NAME, DEMO_DOMAIN, DEMO_PASSWORD, build_demo, demo_logins
from cohorts.enums import CohortStage
from cohorts.models import Cohort


class Command(BaseCommand):
    help = "Build a realistic demo cohort of 28 participants (fictional people)."

    def add_arguments(self, parser):
        parser.add_argument("--stage", choices=CohortStage.values, default=CohortStage.PLANNING,
                            help="How far the cohort's life is filled in (default: planning: "
                                 "matched, stage days partly planned).")
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing when the demo cohort already exists.")
        parser.add_argument("--reset", action="store_true",
                            help="Remove the demo cohort and its people first.")
        parser.add_argument("--print-logins", action="store_true",
                            help="Only print the demo logins.")

    def handle(self, *args, stage, if_empty, reset, print_logins, **options):
        if print_logins:
            self.stdout.write(f"  Demo logins (password for all: {DEMO_PASSWORD}):")
            for role, email in demo_logins():
                self.stdout.write(f"    {role:<18} {email}")
            return
        if reset:
            from django.contrib.auth import get_user_model

            Cohort.objects.filter(name=COHORT_NAME).delete()
            get_user_model().objects.filter(email__endswith=f"@{DEMO_DOMAIN}").delete()
        elif Cohort.objects.filter(name=COHORT_NAME).exists():
            if if_empty:
                return
            self.stderr.write("The demo cohort exists already; use --reset to rebuild it.")
            return
        cohort = build_demo(stage=stage)
        self.stdout.write(self.style.SUCCESS(
            f"Demo cohort '{cohort.name}' built with {cohort.participants.count()} participants."
        ))
