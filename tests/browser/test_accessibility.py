"""axe-core over every page type of the foundation, as each persona sees it, and the same
pages at 320 px wide (WCAG 1.4.10 reflow)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, log_in
from tests.factories import PASSWORD, InvitationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, url: str) -> list[str]:
    """axe at desktop width, then the same page at 320 px: it must not scroll sideways."""
    page.goto(url)
    problems = [f"{url}: {line}" for line in axe_violations(page)]
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        problems.append(f"{url}: scrolls sideways at 320 px ({width} px wide)")
    page.set_viewport_size({"width": 1280, "height": 800})
    return problems


def test_accessibility_public_pages(new_page, cohort):
    invitation = InvitationFactory(cohort=cohort)
    page = new_page(bypass_csp=True)
    problems = []
    for url in ["/", reverse("account_login"), reverse("account_request_login_code"),
                reverse("account_reset_password"),
                reverse("cohorts:invitation", args=[invitation.token]),
                reverse("account_signup") + "?email=" + invitation.email]:
        problems += _check(page, url)
    assert not problems, "\n".join(problems)


def test_accessibility_coordinator_pages(new_page, cohort, coordinator, participant):
    InvitationFactory(cohort=cohort,
                      email="een.heel.lang.adres.van.iemand@gemeente-voorbeeld.example")
    page = new_page(bypass_csp=True)
    log_in(page, coordinator.email, PASSWORD)
    problems = []
    for url in [reverse("home"), reverse("cohorts:list"), reverse("cohorts:create"),
                reverse("cohorts:detail", args=[cohort.pk]),
                reverse("cohorts:edit", args=[cohort.pk]),
                reverse("cohorts:invitations", args=[cohort.pk]),
                reverse("cohorts:organisations")]:
        problems += _check(page, url)
    page.goto(reverse("cohorts:create"))
    page.get_by_role("button", name="Opslaan").click()
    problems += [f"create form with errors: {line}" for line in axe_violations(page)]
    assert not problems, "\n".join(problems)


def test_accessibility_participant_pages(new_page, cohort, participant):
    page = new_page(bypass_csp=True)
    log_in(page, participant.user.email, PASSWORD)
    problems = []
    for url in [reverse("home"), reverse("cohorts:detail", args=[cohort.pk]),
                reverse("cohorts:profile", args=[cohort.pk])]:
        problems += _check(page, url)
    assert not problems, "\n".join(problems)


def test_keyboard_skip_link_reaches_main(new_page, participant):
    page = new_page(bypass_csp=True)
    log_in(page, participant.user.email, PASSWORD)
    page.goto(reverse("cohorts:detail", args=[participant.cohort_id]))
    page.get_by_role("heading", level=1).wait_for()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
