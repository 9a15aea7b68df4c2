"""The zh-hans and English UI: complete catalogue, compiled, placeholders intact, switchable."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.BASE_DIR) / "config" / "locale"
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo"
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd]")


def _translations(entry) -> list[str]:
    return [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())


def test_every_string_in_the_chinese_catalogue_is_translated():
    po = polib.pofile(str(ZH_PO))
    missing = [e.msgid for e in po if not e.obsolete and (not all(_translations(e)) or "fuzzy" in e.flags)]
    assert missing == []
    assert len(po) > 300


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(ZH_PO))
    broken = [
        e.msgid
        for e in po
        if not e.obsolete
        and any(
            sorted(PLACEHOLDER.findall(t)) != sorted(PLACEHOLDER.findall(e.msgid)) for t in _translations(e)
        )
        and not e.msgid_plural  # plurals may drop the count placeholder in the singular
    ]
    assert broken == []


def test_the_compiled_catalogue_matches_the_po():
    po = {(e.msgctxt, e.msgid): _translations(e)[0] for e in polib.pofile(str(ZH_PO)) if not e.obsolete}
    mo = {(e.msgctxt, e.msgid): _translations(e)[0] for e in polib.mofile(str(ZH_MO))}
    stale = [msgid for key, text in po.items() if mo.get(key) != text for msgid in [key[1]]]
    assert stale == [], "run: make messages (compilemessages) and commit the .mo"


@pytest.mark.django_db
def test_the_dashboard_speaks_chinese_by_default_and_english_when_chosen(client, brand):
    client.force_login(brand.owner)
    zh = client.get(reverse("portal-dashboard")).content.decode()
    assert "数据看板" in zh and "门店经营概况" in zh and "How your stores are doing" not in zh
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("portal-dashboard")).content.decode()
    assert "How your stores are doing" in en and "门店经营概况" not in en
