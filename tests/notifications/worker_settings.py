"""Settings for the Celery worker started by the integration tests: the project's settings
plus EMAIL_FILE_PATH from the environment, so the test can read what the worker sent.
(Harmless once wisselstage/settings.py reads EMAIL_FILE_PATH itself.)"""

import os

from wisselstage.settings import *  # noqa: F403

EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
