"""Session policy: idle and absolute timeouts, and two-factor for people who see many
people's data (admins and coordinators)."""

from __future__ import annotations

import time

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cohorts.rules import needs_two_factor

SESSION_STARTED = "wisselstage_session_started"
# Pages a person must reach while setting up two-factor or leaving.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz")


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED, int(time.time()))
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("U bent automatisch uitgelogd. Log opnieuw in."))
                return redirect(settings.LOGIN_URL)
            if (
                settings.REQUIRE_TWO_FACTOR
                and not request.path.startswith(MFA_EXEMPT_PREFIXES)
                and needs_two_factor(user)
                and not is_mfa_enabled(user)
            ):
                messages.warning(request, _(
                    "U ziet gegevens van veel mensen. Stel daarom eerst tweestapsverificatie "
                    "in met een app op uw telefoon."))
                return redirect("mfa_activate_totp")
        return self.get_response(request)
