"""Django's makemessages, also reading ``_l(...)``: modules that need both ``gettext`` and
``gettext_lazy`` import the lazy one as ``_l`` (reports/sections), and xgettext knew only
``_``, so their strings never reached the catalogue and showed in Vietnamese in English."""

from __future__ import annotations

from django.core.management.commands.makemessages import Command as MakeMessages


class Command(MakeMessages):
    xgettext_options = [*MakeMessages.xgettext_options, "--keyword=_l"]
