import pytest

from reflections import services
from reflections.enums import QUOTE_ANONYMOUS, QUOTE_NAMED, QUOTE_NO, Phase
from tests.factories import InvitationFactory
from tests.reflections.helpers import answer, participants


def by_phase(cohort):
    return {a.phase: a for a in cohort.assignments.all()}


@pytest.fixture
def reported_cohort(cohort):
    """Six participants (plus two open invitations) with hand-picked answers:

    recommend 10, 9, 8, 6, 3, 10 → promoters 3, passives 1, detractors 2 (n=6):
        NPS = 50% − 33.3% = 16.7 → 17; would recommend 50%.
    picture before/after for the first five (paired): (2→4) (3→3) (1→3) (4→5) (2→2);
        the sixth answered only before → n=5, mean before 2.4, after 3.4, difference +1.0.
    follow-up 'action done' by three (2 yes): fewer than 5 → hidden.
    """
    services.assignments_create_standard(cohort=cohort)
    phases = by_phase(cohort)
    people = participants(cohort, 6)
    for index, person in enumerate(people):
        person.user.name = f"Deelnemer {index}"
        person.user.save()
    InvitationFactory.create_batch(2, cohort=cohort)
    before = [2, 3, 1, 4, 2, 5]
    after = [4, 3, 3, 5, 2, None]
    recommend = [10, 9, 8, 6, 3, 10]
    consent = [QUOTE_NAMED, QUOTE_ANONYMOUS, QUOTE_NO, QUOTE_NO, QUOTE_NO, QUOTE_NO]
    for index, person in enumerate(people):
        answer(person, phases[Phase.VOOR], learning_goals="leren", picture_other_side=before[index])
        answer(person, phases[Phase.NA_A], role="Gast", surprised="x", learned="y",
               action=f"Actie {index}")
        values = {"recommend": recommend[index], "quote": f"Citaat {index}",
                  "quote_consent": consent[index]}
        if after[index] is not None:
            values["picture_other_side"] = after[index]
        answer(person, phases[Phase.NA_AFLOOP], **values)
    for index, done in enumerate([1, 1, 0]):
        answer(people[index], phases[Phase.FOLLOW_UP], action_done=done,
               action_explanation="uitleg")
    # A draft never counts.
    answer(people[5], phases[Phase.NA_B], submit=False, learned="kladje")
    return cohort
