"""Every page of the URL matrix in a real browser, as participant, coordinator and admin.

For each URL whose MATRIX outcome is "ok" for the persona (GET):

* under the real CSP: no browser console error (CSP violations, missing static files, 404s);
* with the CSP bypassed so axe-core can be injected: no serious/critical WCAG 2.1 A/AA
  violations, at desktop width and again at 320 px;
* at 320 px wide the page does not scroll sideways (WCAG 1.4.10 reflow).

Downloads (.ics, .csv, .xlsx, uploaded material, JSON health check) are fetched with
``page.request`` and only their status is checked. All problems are collected and reported
once per persona.

Plus two interaction checks: an invalid form moves focus to its error summary, and a
participant can fill in and save the profile form with the keyboard alone.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, log_in
from tests.factories import PASSWORD
from tests.test_url_matrix import MATRIX, OK, world  # noqa: F401 - world is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}


def _urls_for(w, persona: str) -> list[tuple[str, str]]:
    return [(name, reverse(name, kwargs=kwargs_for(w)))
            for name, (kwargs_for, expected) in sorted(MATRIX.items())
            if expected[persona] == OK]


AXE_RUN = "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"


def _axe_again(page) -> list[str]:
    """axe-core is already injected: run it again (after a resize) with the same rules."""
    result = page.evaluate(AXE_RUN)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def _resize(page, size) -> None:
    page.set_viewport_size(size)
    # Let the page's resize handlers run (they fire before the next animation frame).
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")


def _is_html(page, url: str) -> tuple[bool, int, str]:
    """Fetch without navigating (a download would abort page.goto)."""
    response = page.request.get(url)
    content_type = response.headers.get("content-type", "")
    status = response.status
    response.dispose()
    return content_type.startswith("text/html"), status, content_type


@pytest.mark.parametrize("persona", ["participant", "coordinator", "admin"])
def test_every_page_is_clean(new_page, world, persona):  # noqa: F811 - fixture
    user = world.users[persona]
    urls = _urls_for(world, persona)
    problems: list[str] = []
    html_urls: list[tuple[str, str]] = []

    # Pass 1: under the real CSP. Console errors, reflow at 320 px.
    page = new_page()
    log_in(page, user.email, PASSWORD)
    page.wait_for_load_state()
    page.console_errors.clear()
    for name, url in urls:
        is_html, status, content_type = _is_html(page, url)
        if status >= 400:
            problems.append(f"{name} {url}: HTTP {status} ({content_type})")
            continue
        if not is_html:
            continue
        html_urls.append((name, url))
        _resize(page, DESKTOP)
        response = page.goto(url)
        page.wait_for_load_state("load")
        if response is None or response.status >= 400:
            problems.append(f"{name} {url}: HTTP {response and response.status}")
        if "/accounts/login/" in page.url:
            problems.append(f"{name} {url}: sent to the login page")
        _resize(page, NARROW)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            problems.append(f"{name} {url}: scrolls sideways at 320 px ({width} px wide)")
        # Console errors are reported here, per URL; the fixture's own check sees none.
        problems += [f"{name} {url}: console: {error}" for error in page.console_errors]
        page.console_errors.clear()

    # Pass 2: CSP bypassed so axe-core can be injected; at desktop width and at 320 px
    # (where tables scroll inside their box and the menu collapses).
    page = new_page(bypass_csp=True)
    log_in(page, user.email, PASSWORD)
    page.wait_for_load_state()
    for name, url in html_urls:
        _resize(page, DESKTOP)
        page.goto(url)
        problems += [f"{name} {url}: axe: {line}" for line in axe_violations(page)]
        _resize(page, NARROW)
        problems += [f"{name} {url}: axe at 320 px: {line}" for line in _axe_again(page)]
    page.console_errors.clear()  # console errors are judged in pass 1, under the CSP

    assert html_urls, f"no HTML pages for {persona}"
    assert not problems, (f"{len(problems)} problem(s) as {persona}:\n  "
                          + "\n  ".join(problems))


def test_error_summary_takes_focus(new_page, world):  # noqa: F811 - fixture
    page = new_page()
    log_in(page, world.users["coordinator"].email, PASSWORD)
    page.goto(reverse("cohorts:create"))
    page.get_by_role("button", name="Opslaan").click()
    page.locator("[data-error-summary]").wait_for()
    assert page.evaluate(
        "document.activeElement && document.activeElement.hasAttribute('data-error-summary')"
    ), "the error summary does not have focus after a failed submit"


def test_profile_form_with_keyboard_only(new_page, world):  # noqa: F811 - fixture
    from cohorts.models import Participant

    user = world.users["participant"]
    participant = Participant.objects.get(user=user, cohort=world.cohort)
    page = new_page()
    log_in(page, user.email, PASSWORD)
    page.goto(reverse("cohorts:profile", args=[world.cohort.pk]))
    page.get_by_role("heading", level=1).wait_for()
    values = {"job_title": "Beleidsadviseur jeugd", "bio": "Ik werk bij het wijkteam.",
              "learning_goals": "Leren hoe de zorgaanbieder werkt."}
    typed: set[str] = set()
    ticked = False
    submitted = False
    for _ in range(120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " return {tag: e.tagName, type: e.type || '', name: e.name || '',"
            " text: (e.textContent || e.value || '').trim()}; })()")
        if focused["name"] in values and focused["name"] not in typed:
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            page.keyboard.type(values[focused["name"]])
            typed.add(focused["name"])
        elif focused["name"] == "domains" and not ticked:
            if not page.evaluate("document.activeElement.checked"):
                page.keyboard.press("Space")
            ticked = True
        elif focused["type"] == "submit" and focused["text"] == "Opslaan":
            assert typed == set(values), f"never reached the fields {set(values) - typed}"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            submitted = True
            break
    assert submitted, "the Opslaan button cannot be reached with Tab"
    participant.refresh_from_db()
    for field, value in values.items():
        assert getattr(participant, field) == value, field
    assert participant.domains, "the domain checkbox was not ticked with Space"
