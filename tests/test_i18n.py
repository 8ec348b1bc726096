"""Both catalogs ship complete and compiled: no English string slips into the French site."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalog_is_compiled_from_the_current_sources(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry for entry in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"not compiled: {entry.msgid!r}"


def test_every_french_string_is_translated():
    po = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    missing = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    assert missing == []
    assert po.metadata["Plural-Forms"].startswith("nplurals=2; plural=(n > 1)")
