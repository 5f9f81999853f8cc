from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leads import services
from leads.intake import clean_inquiry
from leads.models import Activity, ChannelKind, Company, CompanyKey, ContactChannel, Inquiry

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ingest(**fields):
    fields.setdefault("received_at", "2025-03-01 10:00")
    data = clean_inquiry(fields, default_platform="email", tz=SHANGHAI)
    return services.inquiry_ingest(data=data)


def test_company_domains_group_inquiries_free_mail_addresses_do_not():
    a, _ = ingest(email="anna@klarwasser.de", company="Klar Wasser GmbH", message="lamps")
    b, _ = ingest(email="bernd@klarwasser.de", message="ballasts")
    c, _ = ingest(email="raj.aqua@gmail.com", company="Raj Aqua", message="sterilizers")
    d, _ = ingest(email="priya.fish@gmail.com", company="Priya Fisheries", message="lamps")
    assert a.company_id == b.company_id
    assert len({a.company_id, c.company_id, d.company_id}) == 3
    company = a.company
    assert company.name == "Klar Wasser GmbH"
    assert company.domain == "klarwasser.de"
    assert set(company.channels.values_list("value", flat=True)) == {
        "anna@klarwasser.de", "bernd@klarwasser.de"}
    assert c.company.domain == ""


def test_disposable_addresses_are_not_one_company():
    a, _ = ingest(email="xkqzt1@mailinator.com", company="Global Trading LLC", message="order")
    b, _ = ingest(email="pwlmn7@mailinator.com", company="Global Trading LLC", message="order")
    assert a.company_id != b.company_id


def test_inquiry_without_email_groups_by_phone():
    a, _ = ingest(phone="+971 50 123 4567", company="Gulf Pools LLC", message="one")
    b, _ = ingest(whatsapp="+971501234567", message="two")
    assert a.company_id == b.company_id
    assert a.company.channels.filter(kind=ChannelKind.WHATSAPP).exists()


def test_merge_moves_everything_and_later_inquiries_follow():
    a, _ = ingest(email="li@shrimp-farm.vn", company="Shrimp Farm", message="first")
    b, _ = ingest(email="li.shrimp@gmail.com", message="second")
    target, source = a.company, b.company
    ContactChannel.objects.create(company=source, kind=ChannelKind.WHATSAPP, value="+84 90 1",
                                  is_emergency=True)
    services.company_merge(target=target, sources=[source])
    assert not Company.objects.filter(pk=source.pk).exists()
    assert set(target.inquiries.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert target.channels.get(kind=ChannelKind.WHATSAPP).is_emergency
    assert CompanyKey.objects.get(key="email:li.shrimp@gmail.com").company == target
    later, _ = ingest(email="li.shrimp@gmail.com", message="third")
    assert later.company == target
    assert target.activities.filter(kind=Activity.Kind.MERGE).exists()


def test_split_moves_chosen_inquiries_to_a_new_company():
    a, _ = ingest(email="ops@bigwater.com", company="Big Water", message="one")
    b, _ = ingest(email="tom@bigwater.com", company="Tom's Aquarium Shop", message="two")
    new = services.company_split(company=a.company, inquiry_ids=[b.pk])
    assert Inquiry.objects.get(pk=b.pk).company == new
    assert new.name == "Tom's Aquarium Shop"
    assert Inquiry.objects.get(pk=a.pk).company != new
    later, _ = ingest(email="tom@bigwater.com", message="three")
    assert later.company == new
    with pytest.raises(ValueError):
        services.company_split(company=new, inquiry_ids=[b.pk, later.pk])


def test_emergency_contact_is_unique_per_company():
    inquiry, _ = ingest(email="port@cargo.example", phone="+49 40 123456", message="x")
    email, phone = inquiry.company.channels.order_by("kind")
    services.channel_set_emergency(channel=email)
    services.channel_set_emergency(channel=phone)
    flags = dict(inquiry.company.channels.values_list("kind", "is_emergency"))
    assert flags == {"email": False, "phone": True}


def test_naive_times_are_team_time_and_stored_as_utc():
    inquiry, created = ingest(email="a@b-water.com", received_at="2025-03-01 10:00")
    assert created
    assert inquiry.received_at == datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
