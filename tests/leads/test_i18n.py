"""The main screens in Simplified Chinese: by the user's setting, or the browser's."""

import pytest
from django.urls import reverse

from leads.models import Profile
from tests.leads.helpers import ingest, verified

pytestmark = pytest.mark.django_db


def test_login_page_follows_the_browser_language(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html


def test_inbox_and_detail_follow_the_users_setting(client, rep):
    company = verified(ingest(company="Aqua Pure GmbH", email="a@aquapure.de", country="DE"))
    client.force_login(rep)
    assert "Inbox" in client.get(reverse("leads:inbox")).content.decode()
    client.post(reverse("leads:language"), {"language": "zh-hans", "next": "/leads/"})
    assert Profile.objects.get(user=rep).language == "zh-hans"
    inbox = client.get(reverse("leads:inbox")).content.decode()
    for text in ("询盘箱", "导入询盘", "公海", "评级", "匹配度"):
        assert text in inbox, text
    detail = client.get(reverse("leads:company", args=[company.pk])).content.decode()
    for text in ("买家当地时间", "联系方式", "记录联系", "接下来的工作日"):
        assert text in detail, text


def test_every_string_of_the_catalogue_is_translated():
    from pathlib import Path

    from babel.messages.pofile import read_po
    from django.conf import settings

    path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str)
                                                       else all(m.string))]
    assert missing == []
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_po_file():
    """`make messages` compiles the .mo; a .po edited without it would not show."""
    import gettext
    from pathlib import Path

    from babel.messages.pofile import read_po
    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [m.id for m in catalog
             if m.id and isinstance(m.id, str) and compiled.gettext(m.id) != m.string]
    assert stale == []
