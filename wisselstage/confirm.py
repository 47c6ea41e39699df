"""One confirmation step for actions that cannot be undone.

An action that destroys something or mails many people never acts on a single click. Its
button is a link to the action's URL: a GET there shows the confirmation page, which says in
plain words what will happen and to whom, and posts back with ``confirm=1``. Only that POST
acts. A POST without the field (an old form, a bookmark, a script) gets the same page, so
the guarantee holds however the request arrives.

A view uses it like this::

    if not is_confirmed(request):
        return confirmation_page(request, title=..., lines=[...], submit_label=..., back_url=...)
    service_call(...)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"

# A long list of names helps nobody decide; the count in the text says how many there are.
MAX_PEOPLE_LISTED = 50


def is_confirmed(request: HttpRequest) -> bool:
    """True only for a POST sent by the confirmation page's form."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str,
    lines: Sequence[str],
    submit_label: str,
    back_url: str,
    action_url: str = "",
    hidden: dict[str, str] | None = None,
    people: Iterable[str] = (),
    people_label: str = "",
    danger: bool = True,
) -> HttpResponse:
    """The confirmation page of a destructive or mass action.

    `lines` are plain sentences of what will happen (the first is shown larger);
    `submit_label` starts with "Ja, …"; the form posts to `action_url` (default: this URL)
    with `confirm=1` and the `hidden` fields; `people` (names) are listed under
    `people_label`. `danger` styles the button red (something is lost) rather than blue
    (something is sent).
    """
    people = list(people)
    return render(request, "confirm.html", {
        "title": title,
        "lines": list(lines),
        "submit_label": submit_label,
        "back_url": back_url,
        "action_url": action_url or request.path,
        "hidden": sorted((hidden or {}).items()),
        "people": people[:MAX_PEOPLE_LISTED],
        "people_more": max(0, len(people) - MAX_PEOPLE_LISTED),
        "people_label": people_label,
        "danger": danger,
        "confirm_field": CONFIRM_FIELD,
    })
