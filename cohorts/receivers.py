"""Signal receivers: joining the cohort a new account was invited to."""

from allauth.account.signals import user_signed_up
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from .selectors import forget_join, pending_join_for_session
from .services import participant_join


@receiver(user_signed_up)
def join_cohort_on_signup(sender, request, user, **kwargs):
    """Whoever signs up through an invitation or join link joins that cohort straight away;
    the email address still has to be verified before they can log in."""
    pending = pending_join_for_session(request.session)
    if pending is None:
        return
    try:
        participant_join(cohort=pending.cohort, user=user, invitation=pending.invitation)
    except ValidationError as error:  # the cohort filled up in the meantime
        messages.warning(request, " ".join(error.messages))
    forget_join(request.session)
