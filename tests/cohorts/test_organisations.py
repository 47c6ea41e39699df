"""Organisations in the coordinator's hands: the list, renaming and merging duplicates.

A coordinator works with the organisations of their own cohorts' participants and may change
one only when nothing outside their cohorts refers to it; an admin may change every one.
"""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import selectors, services
from cohorts.enums import InvitationStatus, OrganisationKind, ParticipantStatus
from cohorts.models import Organisation, Participant
from matching.models import Preference
from tests.factories import (
    CohortFactory,
    InvitationFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
    make_exchange,
)

pytestmark = pytest.mark.django_db

GEMEENTE = OrganisationKind.GEMEENTE
ZORG = OrganisationKind.ZORGAANBIEDER


@pytest.fixture
def other_coordinator(db):
    from cohorts.rules import coordinator_group

    user = UserFactory(email="dirk@andere-gemeente.example", name="Dirk Anders")
    user.groups.add(coordinator_group())
    return user


@pytest.fixture
def other_cohort(other_coordinator):
    cohort = CohortFactory()
    cohort.coordinators.add(other_coordinator)
    return cohort


@pytest.fixture
def proposed(cohort, participant):
    """'De Linde zorg', proposed by Bob (a participant of the coordinator's cohort), who
    works there; not confirmed yet."""
    organisation = Organisation.objects.create(name="De Linde zorg", kind=ZORG,
                                               proposed_by=participant.user)
    participant.organisation = organisation
    participant.save()
    return organisation


@pytest.fixture
def linde():
    return OrganisationFactory(name="Zorggroep De Linde", kind=ZORG)


def _preference(participant, **fields) -> Preference:
    avoided = fields.pop("avoided", [])
    preference = Preference.objects.create(participant=participant, **fields)
    preference.avoided.set(avoided)
    return preference


# --- who sees what ------------------------------------------------------------------------


def test_visible_to_coordinator_only_own_cohorts_organisations(
        coordinator, cohort, participant, other_cohort, admin_user):
    foreign = ParticipantFactory(cohort=other_cohort).organisation
    orphan = Organisation.objects.create(name="Buurtteam Oost", kind=ZORG,
                                         proposed_by=participant.user)
    foreign_orphan = Organisation.objects.create(
        name="Buurtteam West", kind=ZORG,
        proposed_by=other_cohort.participants.get().user)
    visible = set(Organisation.objects.visible_to(coordinator))
    assert visible == {participant.organisation, orphan}
    assert foreign not in visible and foreign_orphan not in visible
    assert set(Organisation.objects.visible_to(admin_user)) == set(Organisation.objects.all())
    assert not Organisation.objects.visible_to(participant.user).exists()


def test_changeable_by_excludes_organisations_used_in_other_cohorts(
        coordinator, cohort, participant, other_cohort, other_coordinator, admin_user):
    shared = participant.organisation
    ParticipantFactory(cohort=other_cohort, organisation=shared)
    wished_elsewhere = ParticipantFactory(cohort=cohort).organisation
    _preference(ParticipantFactory(cohort=other_cohort), wish_2=wished_elsewhere)
    avoided_elsewhere = ParticipantFactory(cohort=cohort).organisation
    _preference(ParticipantFactory(cohort=other_cohort), avoided=[avoided_elsewhere])
    own = ParticipantFactory(cohort=cohort).organisation
    changeable = set(Organisation.objects.changeable_by(coordinator))
    assert changeable == {own}
    assert shared in Organisation.objects.visible_to(coordinator)
    assert not Organisation.objects.changeable_by(other_coordinator).filter(pk=own.pk).exists()
    assert {shared, wished_elsewhere, avoided_elsewhere, own} <= set(
        Organisation.objects.changeable_by(admin_user))


def test_organisations_for_lists_proposed_first_and_counts_own_cohorts_only(
        coordinator, cohort, participant, proposed, other_cohort):
    confirmed = OrganisationFactory(name="Aa Gemeente", kind=GEMEENTE)
    ParticipantFactory.create_batch(2, cohort=cohort, organisation=confirmed)
    ParticipantFactory(cohort=cohort, organisation=confirmed, status=ParticipantStatus.WITHDRAWN)
    ParticipantFactory(cohort=other_cohort, organisation=confirmed)
    rows = list(selectors.organisations_for(coordinator))
    assert [o.name for o in rows] == ["De Linde zorg", "Aa Gemeente"]
    assert [o.participant_count for o in rows] == [1, 3]
    assert [o.can_change for o in rows] == [True, False]


# --- renaming -----------------------------------------------------------------------------


def test_organisation_update_renames_changes_kind_and_open_invitations(
        coordinator, cohort, proposed):
    waiting = InvitationFactory(cohort=cohort, organisation_name="de  linde ZORG")
    accepted = InvitationFactory(cohort=cohort, organisation_name="De Linde zorg",
                                 status=InvitationStatus.ACCEPTED)
    services.organisation_update(organisation=proposed, name="  Zorggroep   De Linde ",
                                 kind=GEMEENTE, by=coordinator)
    proposed.refresh_from_db()
    assert (proposed.name, proposed.normalised_name, proposed.kind) == (
        "Zorggroep De Linde", "zorggroep de linde", GEMEENTE)
    waiting.refresh_from_db()
    accepted.refresh_from_db()
    assert waiting.organisation_name == "Zorggroep De Linde"
    assert accepted.organisation_name == "De Linde zorg"


def test_organisation_update_duplicate_name_refused_naming_the_existing_one(
        coordinator, proposed, linde):
    with pytest.raises(ValidationError) as refused:
        services.organisation_update(organisation=proposed, name="zorggroep  de LINDE",
                                     kind=GEMEENTE, by=coordinator)
    assert "Zorggroep De Linde" in refused.value.message_dict["name"][0]
    proposed.refresh_from_db()
    assert (proposed.name, proposed.kind) == ("De Linde zorg", ZORG)


def test_organisation_update_own_name_in_other_case_allowed(coordinator, proposed):
    services.organisation_update(organisation=proposed, name="de linde Zorg", kind=ZORG,
                                 by=coordinator)
    proposed.refresh_from_db()
    assert proposed.name == "de linde Zorg"


def test_organisation_update_shared_organisation_refused_for_coordinator(
        coordinator, participant, other_cohort, admin_user):
    shared = participant.organisation
    ParticipantFactory(cohort=other_cohort, organisation=shared)
    with pytest.raises(ValidationError):
        services.organisation_update(organisation=shared, name="Nieuwe naam", kind=GEMEENTE,
                                     by=coordinator)
    shared.refresh_from_db()
    assert shared.kind == ZORG
    services.organisation_update(organisation=shared, name="Nieuwe naam", kind=GEMEENTE,
                                 by=admin_user)
    shared.refresh_from_db()
    assert (shared.name, shared.kind) == ("Nieuwe naam", GEMEENTE)


# --- merging ------------------------------------------------------------------------------


def test_organisation_merge_moves_every_reference_and_deletes(coordinator, cohort):
    keep = OrganisationFactory(name="Zorggroep De Linde", kind=ZORG)
    duplicate = OrganisationFactory(name="De Linde", kind=ZORG)
    other = OrganisationFactory(name="Gemeente Ede", kind=GEMEENTE)
    works_there = ParticipantFactory(cohort=cohort, organisation=duplicate)
    left = ParticipantFactory(cohort=cohort, organisation=duplicate,
                              status=ParticipantStatus.WITHDRAWN)
    wisher = _preference(ParticipantFactory(cohort=cohort), wish_1=duplicate, wish_2=other)
    # wished both spellings: one wish remains, the next one moves up
    both = _preference(ParticipantFactory(cohort=cohort), wish_1=keep, wish_2=duplicate,
                       wish_3=other)
    avoids_both = _preference(ParticipantFactory(cohort=cohort), avoided=[duplicate, keep])
    avoider = _preference(ParticipantFactory(cohort=cohort), avoided=[duplicate, other])
    # wished one spelling and avoided the other: the avoid is the hard rule and stays
    torn = _preference(ParticipantFactory(cohort=cohort), wish_1=duplicate, avoided=[keep])
    # the kept organisation becomes their own: no wishing or avoiding one's own organisation
    own = _preference(works_there, wish_1=keep, wish_2=other)
    untouched = _preference(ParticipantFactory(cohort=cohort), wish_1=other)
    waiting = InvitationFactory(cohort=cohort, organisation_name=" de  LINDE")
    preview = selectors.organisation_merge_preview(duplicate)

    moved = services.organisation_merge(duplicate=duplicate, into=keep, by=coordinator)

    assert moved == preview
    assert (moved.participants, moved.preferences, moved.invitations) == (2, 5, 1)
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    assert set(Participant.objects.filter(organisation=keep)) == {works_there, left}

    def wishes(preference):
        preference.refresh_from_db()
        return [preference.wish_1, preference.wish_2, preference.wish_3]

    assert wishes(wisher) == [keep, other, None]
    assert wishes(both) == [keep, other, None]
    assert set(avoids_both.avoided.all()) == {keep}
    assert Preference.avoided.through.objects.filter(preference=avoids_both).count() == 1
    assert set(avoider.avoided.all()) == {keep, other}
    assert wishes(torn) == [None, None, None] and set(torn.avoided.all()) == {keep}
    assert wishes(own) == [other, None, None]
    assert wishes(untouched) == [other, None, None]
    waiting.refresh_from_db()
    assert waiting.organisation_name == "Zorggroep De Linde"


def test_organisation_merge_own_organisation_leaves_avoided_list(coordinator, cohort):
    keep = OrganisationFactory(name="Gemeente Utrecht", kind=GEMEENTE)
    duplicate = OrganisationFactory(name="Gem. Utrecht", kind=GEMEENTE)
    ParticipantFactory(cohort=cohort, organisation=duplicate)
    person = ParticipantFactory(cohort=cohort, organisation=keep)
    preference = _preference(person, avoided=[duplicate])
    services.organisation_merge(duplicate=duplicate, into=keep, by=coordinator)
    assert not preference.avoided.exists()


def test_organisation_merge_proposed_into_confirmed(coordinator, participant, proposed, linde):
    moved = services.organisation_merge(duplicate=proposed, into=linde, by=coordinator)
    participant.refresh_from_db()
    assert participant.organisation == linde
    assert moved.participants == 1
    assert not Organisation.objects.filter(pk=proposed.pk).exists()


def test_organisation_merge_into_itself_refused(coordinator, participant, admin_user):
    organisation = participant.organisation
    for user in (coordinator, admin_user):
        with pytest.raises(ValidationError):
            services.organisation_merge(duplicate=organisation, into=organisation, by=user)
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_organisation_merge_confirmed_into_proposed_refused(
        coordinator, participant, proposed, admin_user):
    confirmed = ParticipantFactory(cohort=participant.cohort).organisation
    for user in (coordinator, admin_user):
        with pytest.raises(ValidationError):
            services.organisation_merge(duplicate=confirmed, into=proposed, by=user)
    assert confirmed.participants.count() == 1


def test_organisation_merge_across_cohorts_refused(
        coordinator, cohort, participant, other_cohort, admin_user):
    mine = participant.organisation
    # a duplicate that a participant of another cohort works at
    shared = ParticipantFactory(cohort=cohort).organisation
    foreign_person = ParticipantFactory(cohort=other_cohort, organisation=shared)
    # a duplicate that a participant of another cohort wishes for
    wished = ParticipantFactory(cohort=cohort).organisation
    _preference(ParticipantFactory(cohort=other_cohort), wish_1=wished)
    # an organisation proposed in another cohort is not the coordinator's to pick
    foreign_proposal = Organisation.objects.create(name="Wijkteam Zuid", kind=ZORG,
                                                   proposed_by=foreign_person.user)
    ParticipantFactory(cohort=other_cohort, organisation=foreign_proposal)
    for duplicate, into in ((shared, mine), (wished, mine), (mine, foreign_proposal)):
        with pytest.raises(ValidationError):
            services.organisation_merge(duplicate=duplicate, into=into, by=coordinator)
    foreign_person.refresh_from_db()
    assert foreign_person.organisation == shared
    assert Organisation.objects.filter(pk__in=[shared.pk, wished.pk, mine.pk]).count() == 3
    services.organisation_merge(duplicate=shared, into=mine, by=admin_user)
    foreign_person.refresh_from_db()
    assert foreign_person.organisation == mine


def test_organisation_merge_by_participant_refused(participant, linde):
    with pytest.raises(ValidationError):
        services.organisation_merge(duplicate=participant.organisation, into=linde,
                                    by=participant.user)


def test_every_reference_to_an_organisation_is_moved_by_the_merge():
    """A new foreign key or many-to-many to Organisation must be added to
    `organisation_merge` (and here): otherwise a merge deletes it (SET_NULL/CASCADE) or is
    blocked by it (PROTECT). No JSON field stores organisation ids today; MatchRun.result
    keeps organisation names as they were when the run was computed."""
    references = {
        (relation.related_model._meta.label, relation.field.name)
        for relation in Organisation._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete
    }
    references = {(model, name) for model, name in references
                  if not model.endswith("_avoided")}  # the M2M's own through rows
    assert references == {
        ("cohorts.Participant", "organisation"),
        ("matching.Preference", "wish_1"),
        ("matching.Preference", "wish_2"),
        ("matching.Preference", "wish_3"),
        ("matching.Preference", "avoided"),
    }


# --- pages --------------------------------------------------------------------------------


def _body(response) -> str:
    return response.content.decode()


def test_organisation_list_coordinator_sees_own_cohorts_only(
        client, coordinator, cohort, participant, proposed, other_cohort):
    confirmed = OrganisationFactory(name="Gemeente Ede", kind=GEMEENTE)
    ParticipantFactory(cohort=cohort, organisation=confirmed)
    ParticipantFactory(cohort=other_cohort, organisation=confirmed)
    foreign = ParticipantFactory(cohort=other_cohort).organisation
    client.force_login(coordinator)
    body = _body(client.get(reverse("cohorts:organisation_list")))
    assert "De Linde zorg" in body and "Gemeente Ede" in body
    assert foreign.name not in body
    assert body.index("De Linde zorg") < body.index("Gemeente Ede")  # proposed first
    assert "Voorgesteld" in body and "Bevestigd" in body
    assert reverse("cohorts:organisation_edit", args=[proposed.pk]) in body
    assert reverse("cohorts:organisation_merge", args=[proposed.pk]) in body
    # shared with another cohort: listed, but not to change here
    assert reverse("cohorts:organisation_edit", args=[confirmed.pk]) not in body
    assert "Ook in gebruik in andere cohorten" in body


def test_organisation_list_other_coordinator_does_not_see_ours(
        client, other_coordinator, other_cohort, proposed):
    client.force_login(other_coordinator)
    body = _body(client.get(reverse("cohorts:organisation_list")))
    assert "De Linde zorg" not in body
    assert "Er zijn nog geen organisaties in uw cohorten." in body


def test_organisation_list_admin_sees_all(client, admin_user, proposed, other_cohort):
    foreign = ParticipantFactory(cohort=other_cohort).organisation
    client.force_login(admin_user)
    body = _body(client.get(reverse("cohorts:organisation_list")))
    assert "De Linde zorg" in body and foreign.name in body


def test_organisation_list_one_off_coordinator_sees_own(client, cohort, proposed):
    """Coordinating a cohort is enough; membership of the coordinator group is not needed."""
    one_off = UserFactory(email="eenmalig@gemeente.example")
    cohort.coordinators.add(one_off)
    client.force_login(one_off)
    assert "De Linde zorg" in _body(client.get(reverse("cohorts:organisation_list")))


def test_organisation_pages_refused_to_participants_and_strangers(
        client, participant, proposed, outsider):
    for user in (participant.user, outsider):
        client.force_login(user)
        assert client.get(reverse("cohorts:organisation_list")).status_code == 404
        for name in ("cohorts:organisation_edit", "cohorts:organisation_merge"):
            url = reverse(name, args=[proposed.pk])
            assert client.get(url).status_code == 404, (name, user)
            assert client.post(url, {"name": "Gekaapt", "kind": GEMEENTE,
                                     "confirm": "1"}).status_code == 404
    proposed.refresh_from_db()
    assert proposed.name == "De Linde zorg"


def test_organisation_pages_anonymous_sent_to_login(client, proposed):
    for url in (reverse("cohorts:organisation_list"),
                reverse("cohorts:organisation_edit", args=[proposed.pk]),
                reverse("cohorts:organisation_merge", args=[proposed.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_organisation_edit_other_coordinator_gets_404(
        client, other_coordinator, other_cohort, proposed, linde):
    client.force_login(other_coordinator)
    for name in ("cohorts:organisation_edit", "cohorts:organisation_merge"):
        url = reverse(name, args=[proposed.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Gekaapt", "kind": GEMEENTE, "into": linde.pk,
                                 "confirm": "1"}).status_code == 404
    proposed.refresh_from_db()
    assert proposed.name == "De Linde zorg"


def test_organisation_edit_shared_organisation_gets_404_for_coordinator(
        client, coordinator, participant, other_cohort):
    shared = participant.organisation
    ParticipantFactory(cohort=other_cohort, organisation=shared)
    client.force_login(coordinator)
    assert client.get(reverse("cohorts:organisation_edit", args=[shared.pk])).status_code == 404


def test_organisation_edit_saves(client, coordinator, proposed):
    client.force_login(coordinator)
    url = reverse("cohorts:organisation_edit", args=[proposed.pk])
    assert 'value="De Linde zorg"' in _body(client.get(url))
    response = client.post(url, {"name": "Zorggroep De Linde", "kind": GEMEENTE})
    assert response["Location"] == reverse("cohorts:organisation_list")
    proposed.refresh_from_db()
    assert (proposed.name, proposed.kind) == ("Zorggroep De Linde", GEMEENTE)
    assert "Zorggroep De Linde is opgeslagen." in _body(client.get(response["Location"]))


def test_organisation_edit_admin_may_edit_any(client, admin_user, participant, other_cohort):
    shared = participant.organisation
    ParticipantFactory(cohort=other_cohort, organisation=shared)
    client.force_login(admin_user)
    client.post(reverse("cohorts:organisation_edit", args=[shared.pk]),
                {"name": "Stichting Samen", "kind": GEMEENTE})
    shared.refresh_from_db()
    assert shared.name == "Stichting Samen"


def test_organisation_edit_duplicate_keeps_input_and_names_existing(
        client, coordinator, proposed, linde):
    client.force_login(coordinator)
    response = client.post(reverse("cohorts:organisation_edit", args=[proposed.pk]),
                           {"name": "zorggroep  de linde", "kind": GEMEENTE})
    body = _body(response)
    assert response.status_code == 200
    assert "data-error-summary" in body
    assert "Er is al een organisatie met deze naam: Zorggroep De Linde." in body
    assert 'value="zorggroep  de linde"' in body or 'value="zorggroep de linde"' in body
    assert f'<option value="{GEMEENTE}" selected>' in body
    assert "De Linde zorg bewerken" in body  # the heading still shows the saved name
    proposed.refresh_from_db()
    assert (proposed.name, proposed.kind) == ("De Linde zorg", ZORG)


def test_organisation_edit_empty_name_keeps_kind(client, coordinator, proposed):
    client.force_login(coordinator)
    body = _body(client.post(reverse("cohorts:organisation_edit", args=[proposed.pk]),
                             {"name": "   ", "kind": GEMEENTE}))
    assert "data-error-summary" in body
    assert f'<option value="{GEMEENTE}" selected>' in body


def test_organisation_merge_choose_confirm_and_merge(client, coordinator, cohort, participant,
                                                     proposed, linde):
    _preference(ParticipantFactory(cohort=cohort), avoided=[proposed])
    client.force_login(coordinator)
    url = reverse("cohorts:organisation_merge", args=[proposed.pk])
    choose = _body(client.get(url))
    assert "Welke organisatie houdt u?" in choose
    assert f'<option value="{linde.pk}">Zorggroep De Linde' in choose
    assert f'<option value="{proposed.pk}"' not in choose

    confirm = _body(client.get(url, {"into": linde.pk}))
    assert "1 deelnemer en 1 voorkeur verwijzen dan naar Zorggroep De Linde." in confirm
    assert "Daarna wordt De Linde zorg verwijderd." in confirm
    assert "Ja, samenvoegen met Zorggroep De Linde" in confirm
    assert f'name="into" value="{linde.pk}"' in confirm
    # a POST without the confirmation page's field only asks
    assert "Daarna wordt De Linde zorg verwijderd." in _body(client.post(url, {"into": linde.pk}))
    assert Organisation.objects.filter(pk=proposed.pk).exists()  # nothing happened yet

    response = client.post(url, {"into": linde.pk, "confirm": "1"})
    assert response["Location"] == reverse("cohorts:organisation_list")
    participant.refresh_from_db()
    assert participant.organisation == linde
    assert not Organisation.objects.filter(pk=proposed.pk).exists()
    done = _body(client.get(response["Location"]))
    assert ("De Linde zorg is samengevoegd met Zorggroep De Linde: 1 deelnemer en 1 voorkeur "
            "verwijzen nu naar Zorggroep De Linde.") in done


def test_organisation_merge_plural_summary(client, coordinator, cohort, proposed, linde):
    ParticipantFactory.create_batch(11, cohort=cohort, organisation=proposed)
    for _ in range(3):
        _preference(ParticipantFactory(cohort=cohort), avoided=[proposed])
    InvitationFactory(cohort=cohort, organisation_name="De Linde Zorg")
    client.force_login(coordinator)
    body = _body(client.get(reverse("cohorts:organisation_merge", args=[proposed.pk]),
                            {"into": linde.pk}))
    assert "12 deelnemers en 3 voorkeuren verwijzen dan naar Zorggroep De Linde." in body
    assert "1 openstaande uitnodiging krijgt de organisatienaam Zorggroep De Linde." in body


def test_organisation_merge_into_foreign_proposal_refused(
        client, coordinator, participant, other_cohort):
    foreign_person = ParticipantFactory(cohort=other_cohort)
    foreign_proposal = Organisation.objects.create(name="Wijkteam Zuid", kind=ZORG,
                                                   proposed_by=foreign_person.user)
    client.force_login(coordinator)
    url = reverse("cohorts:organisation_merge", args=[participant.organisation.pk])
    assert "Wijkteam Zuid" not in _body(client.get(url))
    body = _body(client.post(url, {"into": foreign_proposal.pk, "confirm": "1"}))
    assert "data-error-summary" in body
    participant.refresh_from_db()
    assert participant.organisation != foreign_proposal
    assert Organisation.objects.filter(pk=participant.organisation_id).exists()


def test_organisation_merge_into_itself_refused_in_page(client, coordinator, participant):
    organisation = participant.organisation
    client.force_login(coordinator)
    body = _body(client.post(reverse("cohorts:organisation_merge", args=[organisation.pk]),
                             {"into": organisation.pk, "confirm": "1"}))
    assert "data-error-summary" in body
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_organisations_page_links_to_edit_and_merge(client, coordinator, proposed):
    client.force_login(coordinator)
    body = _body(client.get(reverse("cohorts:organisations")))
    assert reverse("cohorts:organisation_list") in body
    assert reverse("cohorts:organisation_edit", args=[proposed.pk]) in body
    assert reverse("cohorts:organisation_merge", args=[proposed.pk]) in body


def test_organisations_page_no_edit_link_for_foreign_proposal(
        client, coordinator, other_cohort):
    foreign_person = ParticipantFactory(cohort=other_cohort)
    foreign_proposal = Organisation.objects.create(name="Wijkteam Zuid", kind=ZORG,
                                                   proposed_by=foreign_person.user)
    client.force_login(coordinator)
    body = _body(client.get(reverse("cohorts:organisations")))
    assert "Wijkteam Zuid" in body  # the coordinator group confirms every proposal
    assert reverse("cohorts:organisation_edit", args=[foreign_proposal.pk]) not in body


def test_cohort_dashboard_marks_proposed_and_links(client, coordinator, cohort, proposed):
    client.force_login(coordinator)
    body = _body(client.get(reverse("cohorts:detail", args=[cohort.pk])))
    assert "voorgesteld" in body
    assert reverse("cohorts:organisation_list") in body


# --- query counts -------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["coordinator", "admin_user"])
def test_organisation_list_queries_do_not_grow(client, coordinator, cohort, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    counts = []
    for size in (3, 30):
        while Organisation.objects.count() < size:
            person = ParticipantFactory(cohort=cohort)
            ParticipantFactory(cohort=cohort, organisation=person.organisation)
            Organisation.objects.create(name=f"Voorstel {person.pk}", kind=ZORG,
                                        proposed_by=person.user)
        counts.append(_queries(client, reverse("cohorts:organisation_list")))
    assert counts[1] <= counts[0], f"{counts[0]} queries at 3, {counts[1]} at 30"


def test_admin_action_merges_into_oldest_through_the_service(client, admin_user, cohort):
    oldest = OrganisationFactory(name="Gemeente Ede", kind=GEMEENTE)
    duplicate = OrganisationFactory(name="Gem. Ede", kind=GEMEENTE)
    person = ParticipantFactory(cohort=cohort, organisation=duplicate)
    wisher = _preference(ParticipantFactory(cohort=cohort), wish_1=duplicate)
    client.force_login(admin_user)
    client.post(reverse("admin:cohorts_organisation_changelist"), {
        "action": "merge_into_first", "_selected_action": [oldest.pk, duplicate.pk]})
    person.refresh_from_db()
    wisher.refresh_from_db()
    assert person.organisation == oldest and wisher.wish_1 == oldest
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()


def test_admin_rename_to_an_existing_name_is_a_form_error_not_a_server_error(client, admin_user):
    OrganisationFactory(name="Gemeente Ede", kind=GEMEENTE)
    other = OrganisationFactory(name="Zorggroep Noord", kind=ZORG)
    client.force_login(admin_user)
    url = reverse("admin:cohorts_organisation_change", args=[other.pk])
    response = client.post(url, {"name": "  gemeente   EDE ", "kind": ZORG,
                                 "region": "", "place": "", "domains": "[]"})
    assert response.status_code == 200
    assert "Er is al een organisatie met deze naam: Gemeente Ede" in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Zorggroep Noord"


def test_merge_confirmation_warns_about_colleague_pairs_and_a_change_of_kind(
        client, coordinator, cohort, participant, proposed):
    gemeente = OrganisationFactory(name="Gemeente Ede", kind=GEMEENTE)
    colleague = ParticipantFactory(cohort=cohort, organisation=gemeente)
    make_exchange(cohort, [participant, colleague])
    client.force_login(coordinator)
    url = reverse("cohorts:organisation_merge", args=[proposed.pk])
    confirm = html.unescape(_body(client.get(url, {"into": gemeente.pk})))
    assert ("Let op: 1 gepubliceerde uitwisseling bestaat daarna uit collega's van één "
            "organisatie:") in confirm
    assert (f"{participant.user.name} en {colleague.user.name}") in confirm
    assert "horen daarna bij een gemeente in plaats van een zorgaanbieder" in confirm


def test_admin_rename_carries_open_invitations_along(client, admin_user, cohort):
    # Joining looks the organisation up by the name typed in the invitation.
    other = OrganisationFactory(name="Zorggroep Noord", kind=ZORG)
    invitation = InvitationFactory(cohort=cohort, organisation_name="zorggroep noord")
    client.force_login(admin_user)
    client.post(reverse("admin:cohorts_organisation_change", args=[other.pk]),
                {"name": "Zorggroep Noord-Oost", "kind": ZORG, "region": "", "place": "",
                 "domains": "[]"})
    other.refresh_from_db()
    invitation.refresh_from_db()
    assert other.name == "Zorggroep Noord-Oost"
    assert invitation.organisation_name == "Zorggroep Noord-Oost"
