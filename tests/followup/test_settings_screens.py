"""Admins' settings screens in the app."""

import pytest
from django.urls import reverse

from followup.calendar import business_window
from followup.models import CadenceStep, ChannelRanking
from leads.models import TeamSettings
from verification.models import MailList

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_only_admins(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("settings:index")).status_code == 403
    assert client.post(reverse("settings:team"), {"business_hours": "08:00-16:00"}
                       ).status_code == 403
    assert client.post(reverse("settings:ranking"), {"country": "BR", "channels": "whatsapp"}
                       ).status_code == 403


def test_page_shows_everything(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("settings:index")).content.decode()
    assert "Germany (DE)" in html and "gmail.com" in html and "day 30" in html


def test_channel_ranking_replaced_for_a_country(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("settings:ranking"), {"country": "Brazil",
                                              "channels": "WhatsApp\ninstagram\nfacebook"})
    assert list(ChannelRanking.objects.filter(country="BR").values_list("channel", flat=True)
                ) == ["whatsapp", "instagram", "facebook"]
    client.post(reverse("settings:ranking"), {"country": "BR", "channels": "facebook"})
    assert list(ChannelRanking.objects.filter(country="BR").values_list("channel", flat=True)
                ) == ["facebook"]
    response = client.post(reverse("settings:ranking"), {"country": "BR",
                                                         "channels": "pigeon"}, follow=True)
    assert "Unknown country or channel: pigeon" in response.content.decode()
    assert ChannelRanking.objects.filter(country="BR").count() == 1


def test_mail_lists_replaced(client, admin_user):
    from verification.lists import mail_lists

    client.force_login(admin_user)
    free = "\n".join(MailList.objects.filter(kind="free_mail").exclude(value="gmail.com")
                     .values_list("value", flat=True)) + "\nexample-mail.cn"
    client.post(reverse("settings:mail-lists"), {"free_mail": free,
                                                 "role_account": "sales\ninfo"})
    free_domains, roles = mail_lists()
    assert "example-mail.cn" in free_domains and "gmail.com" not in free_domains
    assert roles == frozenset({"sales", "info"})


def test_default_business_hours_apply_to_calendars(client, admin_user):
    client.force_login(admin_user)
    assert str(business_window()[0]) == "09:00:00"
    client.post(reverse("settings:team"), {"business_hours": "08:30-16:30",
                                           "round_robin": "on", "pool_return_days": "30"})
    assert TeamSettings.load().business_hours == "08:30-16:30"
    assert [str(t) for t in business_window()] == ["08:30:00", "16:30:00"]


def test_default_cadence_steps_edit_add_remove(client, admin_user):
    client.force_login(admin_user)
    step = CadenceStep.objects.get(offset_days=14)
    client.post(reverse("settings:step", args=[step.pk]), {
        f"s{step.pk}-offset_days": 10, f"s{step.pk}-channel": "whatsapp",
        f"s{step.pk}-template": "Hi {buyer}", f"s{step.pk}-offer": "",
        f"s{step.pk}-offer_days": 7})
    step.refresh_from_db()
    assert (step.offset_days, step.channel, step.template) == (10, "whatsapp", "Hi {buyer}")
    client.post(reverse("settings:step-add"), {
        "new-offset_days": 45, "new-channel": "auto", "new-template": "Last try, {buyer}",
        "new-offer": "", "new-offer_days": 7})
    added = CadenceStep.objects.get(offset_days=45)
    client.post(reverse("settings:step-delete", args=[added.pk]))
    assert not CadenceStep.objects.filter(offset_days=45).exists()
