"""One catalogue for every user-facing string; French by default, English switch.

Usage: ``t("equip.title")`` or ``t("equip.count", n=3)`` (``str.format`` fields).
Catalogues live in ``ui/strings/<area>.py`` so that each page's strings sit in one place.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import streamlit as st

import ui.strings

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """All catalogues merged; a key defined twice is a bug, reported at start-up."""
    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(ui.strings.__path__):
        module = importlib.import_module(f"ui.strings.{info.name}")
        for key, texts in module.STRINGS.items():
            if key in merged:
                raise KeyError(f"string key defined twice: {key} ({info.name})")
            merged[key] = texts
    return merged


def current_lang() -> str:
    """Language chosen in the sidebar for this browser session."""
    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **fields: object) -> str:
    """Text of ``key`` in the current language (French fallback; the key itself if unknown)."""
    texts = catalogue().get(key)
    if texts is None:
        return key
    text = texts.get(current_lang()) or texts.get(DEFAULT_LANG, key)
    return text.format(**fields) if fields else text
