"""No personal data in logs or in the task queue (Redis keeps task arguments in plain text,
and logs end up in places the AVG register does not cover)."""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from pathlib import Path

import pytest
from celery import Task
from django.apps import apps
from django.conf import settings

from cohorts.enums import CohortStage
from cohorts.importing import InvitationRow
from privacy.models import CohortClosure

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Arguments that are not ids but carry no personal data, each with the reason.
ALLOWED_NON_ID_ARGUMENTS = {
    # A random UUID that proves the worker still holds the claim on the outbox row.
    ("notifications.tasks.task_send_message", "claim_token"),
}


def _project_tasks():
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        if base not in Path(config.path).resolve().parents:
            continue
        if not (Path(config.path) / "tasks.py").exists():
            continue
        module = importlib.import_module(f"{config.name}.tasks")
        for value in vars(module).values():
            if isinstance(value, Task):
                yield value


def test_project_tasks_are_found():
    names = {task.name for task in _project_tasks()}

    assert {"privacy.tasks.task_anonymise_expired_cohorts",
            "notifications.tasks.task_send_message",
            "matching.tasks.task_run_matching"} <= names


def test_task_signatures_take_only_ids():
    wrong = []
    for task in _project_tasks():
        for name, parameter in inspect.signature(task.run).parameters.items():
            variadic = parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            is_id = name.endswith(("_id", "_ids"))
            if variadic or not (is_id or (task.name, name) in ALLOWED_NON_ID_ARGUMENTS):
                wrong.append((task.name, name))

    assert wrong == []


def _emails_in(records) -> list[str]:
    found = []
    for record in records:
        texts = [record.getMessage(), record.exc_text or ""]
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
        for text in texts:
            found += [match.group(0) for match in EMAIL.finditer(text)]
    return found


@pytest.mark.django_db
def test_main_services_log_no_email_address(caplog, settings, rich_participant, coordinator,
                                            mailoutbox):
    from cohorts import services as cohort_services
    from notifications.services import outbox_dispatch_due
    from privacy import selectors, services

    settings.RETENTION_MONTHS = 12
    caplog.set_level(logging.DEBUG)
    cohort = rich_participant.cohort

    cohort_services.invitations_create(
        cohort=cohort, created_by=coordinator,
        rows=[InvitationRow(line=1, email="nieuw@gemeente.example", name="Nieuwe Collega")])
    outbox_dispatch_due()
    selectors.personal_data(rich_participant.user)
    services.account_delete(user=rich_participant.user)
    cohort.stage = CohortStage.AFGEROND
    cohort.save()
    CohortClosure.objects.create(cohort=cohort, closed_at=cohort.created_at.replace(year=2020))
    assert services.cohorts_anonymise_expired() >= 1

    assert caplog.records, "the services should log something, or this test proves nothing"
    assert _emails_in(caplog.records) == []
    assert len(mailoutbox) >= 1  # the invitation really went through the outbox


def test_emails_in_finds_an_address_in_a_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Sent to %s", ("a.b@c.example",),
                               None)

    assert _emails_in([record]) == ["a.b@c.example"]
