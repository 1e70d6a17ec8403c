"""Every interface string is translated into French and Spanish, and the compiled catalogues
match their sources (a stale .mo would show English to French and Spanish users)."""

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogue_complete(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))

    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert (untranslated, fuzzy) == ([], [])
    assert len(catalogue.translated_entries()) > 50


@pytest.mark.parametrize("language", ["fr", "es"])
def test_compiled_catalogue_matches_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))

    def pairs(entries):
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in entries
            if e.msgid
        }

    assert pairs(compiled) == pairs(source.translated_entries())


# Words of the programme's vocabulary that belong to one of the two languages only: one of
# them in the other's catalogue is a translation written in the wrong language.
ONLY_IN = {
    "fr": {"candidature", "candidatures", "juré", "jurés", "édition", "éditions", "vous"},
    "es": {"candidatura", "candidaturas", "jurado", "jurados", "edición", "ediciones", "usted"},
}


@pytest.mark.parametrize(("language", "other"), [("fr", "es"), ("es", "fr")])
def test_no_translation_uses_the_other_languages_words(language, other):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))

    def words(text):
        return {word.lower() for word in re.findall(r"\w+", text)}

    strays = [
        translated
        for entry in catalogue.translated_entries()
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]
        if words(translated) & ONLY_IN[other]
    ]

    assert strays == []
