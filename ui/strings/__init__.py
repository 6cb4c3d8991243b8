"""French/English string catalogues, one module per area, merged by ``ui.i18n``.

Each module defines ``STRINGS: dict[str, dict[str, str]]`` mapping a key to
``{"fr": ..., "en": ...}``. French is the reference language; a missing English text falls back
to French.
"""
