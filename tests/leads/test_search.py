"""The inbox search finds what reps type: names without accents or case, platform inquiry
numbers, phone and WhatsApp numbers in any format, email addresses and domains."""

import importlib
import itertools
from types import SimpleNamespace

import phonenumbers
import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from leads import services
from leads.models import Company, ContactChannel, Inquiry, TeamSettings
from leads.search import (
    FIELD_SEPARATOR,
    fold,
    phone_key,
    phone_keys,
    phone_query,
    query_parse,
    search_text,
)
from tests.factories import CompanyFactory, InquiryFactory
from tests.leads.helpers import ingest

# --- The folding (pure) ---------------------------------------------------------------


@pytest.mark.parametrize(("written", "folded"), [
    ("García", "garcia"),
    ("GARCÍA", "garcia"),
    ("Müller", "muller"),
    ("MÜLLER", "muller"),
    ("Hauptstraße", "hauptstrasse"),
    ("Sørensen", "sorensen"),
    ("Łódź", "lodz"),
    ("İstanbul", "istanbul"),
    ("Æbeltoft Œuvre", "aebeltoft oeuvre"),
    ("Ｇａｒｃｉａ", "garcia"),  # full-width, as a Chinese input method types it
    ("𝐀𝐪𝐮𝐚", "aqua"),
    ("  Aqua \t Pure\nGmbH ", "aqua pure gmbh"),
    ("Jonas@AquaPure.DE", "jonas@aquapure.de"),
    ("北京科技有限公司", "北京科技有限公司"),
    ("がぎぐ", "がぎぐ"),  # kana voicing marks change the letter: kept
    ("", ""),
])
def test_fold(written, folded):
    assert fold(written) == folded


@given(st.text())
def test_fold_is_idempotent_and_keeps_no_line_break(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert FIELD_SEPARATOR not in folded


def test_search_text_keeps_each_field_once_and_apart():
    stored = search_text("García Hermanos", "GARCIA HERMANOS", "", "ventas@garcia.es")
    assert stored == "garcia hermanos\nventas@garcia.es"
    assert fold("hermanos ventas") not in stored  # never across two fields


@pytest.mark.parametrize(("number", "country"), [
    ("+49 89 1234567", ""),
    ("+498912345 67", ""),
    ("+49 (0)89 123-45-67", ""),
    ("0049 89 1234567", ""),
    ("089 1234567", "DE"),
    ("(089) 1234567", "de"),
    ("4989 1234567", "DE"),
])
def test_a_stored_number_is_kept_as_e164_digits(number, country):
    assert phone_key(number, country) == "49891234567"


def test_a_number_without_country_keeps_its_digits_without_the_trunk_zero():
    assert phone_key("089 1234567") == "891234567"
    assert phone_key("") == ""
    assert phone_key("n/a") == ""
    assert phone_keys(["+49 89 1234567", "", "0049891234567", "+86 138 0013 8000"],
                      "CN") == "49891234567 8613800138000"


@pytest.mark.parametrize("query", [
    "+49 89 1234567", "0049-89-123 4567", "(089) 1234567", "089-1234567", "089/123 45 67",
    "+49 (0)89 1234567", "０８９ １２３４５６７",
])
def test_a_query_in_any_format_looks_for_the_national_number(query):
    assert phone_query(query) == ("891234567",)


@pytest.mark.parametrize("query", [
    "89", "123", "4567", "089 123", "+49 89", "+49 89 12",  # too short: half the numbers
    "Garcia", "AL0000123456", "jonas@aquapure.de", "",
])
def test_short_numbers_and_text_are_no_phone_query(query):
    assert phone_query(query) == ()


def test_a_russian_national_number_with_its_trunk_8():
    assert phone_query("8 (301) 123-45-67") == ("83011234567", "3011234567")
    assert "3011234567" in phone_key("+7 301 123-45-67")


# Every region but Argentina, whose mobiles are written nationally with a "15" that is not
# part of the E.164 number ("011 15-2345-6789" for +54 9 11 2345-6789).
REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS - {"AR"})
FORMATS = [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
           phonenumbers.PhoneNumberFormat.NATIONAL]


def test_every_way_of_writing_a_number_finds_it():
    """Each region's example fixed-line and mobile numbers, stored in each format with
    and without the country, are found by each way of typing them."""
    missed = []
    for region in REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE,
                     phonenumbers.PhoneNumberType.MOBILE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None or len(phonenumbers.national_significant_number(number)) < 7:
                continue
            for stored_as, typed_as, country in itertools.product(FORMATS, FORMATS,
                                                                  [region, ""]):
                stored = phone_key(phonenumbers.format_number(number, stored_as), country)
                typed = phonenumbers.format_number(number, typed_as)
                if not any(digits in stored for digits in phone_query(typed)):
                    missed.append((region, stored, typed))
    assert missed == []


def test_query_parse():
    query = query_parse("  (089) 1234567 ")
    assert query.text == "(089) 1234567"
    assert query.digits == ("891234567",)
    assert query_parse("MÜLLER").text == "muller"
    assert query_parse("   ").text == ""


# --- The inbox (database) -------------------------------------------------------------


@pytest.fixture
def _no_round_robin(db):
    team = TeamSettings.load()
    team.round_robin = False  # companies land in the pool, which every rep sees
    team.save()


@pytest.fixture
def buyers(_no_round_robin, other_rep):
    """Stored as the product stores them (services: bulk_create)."""
    ferreteria = ingest(company="Ferretería García", email="compras@ferreteriagarcia.es",
                        buyer_name="Ana López", country="ES", platform="alibaba",
                        platform_ref="310055500001")
    iberlamp = ingest(company="Iberlamp SA", email="lucia@iberlamp.es",
                      buyer_name="Lucía García", country="ES", phone="+34 612 345 678")
    muller = ingest(company="Müller Wassertechnik GmbH", email="info@mueller-wasser.de",
                    buyer_name="Jörg Sørensen", country="DE", phone="+49 89 1234567",
                    whatsapp="+49 171 2345678")
    munich = ingest(company="Klar Wasser GmbH", email="anna@klarwasser.de", country="DE",
                    phone="089 7654321", platform="made-in-china",
                    platform_ref="MIC0000990011")
    kevins = ingest(company="Garcia Importaciones", email="jose@garciaimport.mx",
                    buyer_name="José García", country="MX", phone="+52 55 1234 5678")
    services.company_assign(company=kevins.company, owner=other_rep)
    return {"ferreteria": ferreteria.company, "iberlamp": iberlamp.company,
            "muller": muller.company, "munich": munich.company, "kevins": kevins.company}


def found(client, query: str) -> set[str]:
    response = client.get(reverse("leads:inbox"), {"q": query})
    assert response.status_code == 200
    return {row["company"].name for row in response.context["rows"]}


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    # Names without accents or case: the company's and the buyer's.
    ("Garcia", {"Ferretería García", "Iberlamp SA"}),
    ("garcia", {"Ferretería García", "Iberlamp SA"}),
    ("GARCÍA", {"Ferretería García", "Iberlamp SA"}),
    ("ferreteria", {"Ferretería García"}),
    ("lucia garcia", {"Iberlamp SA"}),
    ("MÜLLER", {"Müller Wassertechnik GmbH"}),
    ("Muller wasser", {"Müller Wassertechnik GmbH"}),
    ("sorensen", {"Müller Wassertechnik GmbH"}),
    # Platform inquiry numbers.
    ("310055500001", {"Ferretería García"}),
    ("mic0000990011", {"Klar Wasser GmbH"}),
    # Email addresses and domains, in any case.
    ("Compras@FerreteriaGarcia.ES", {"Ferretería García"}),
    ("klarwasser.de", {"Klar Wasser GmbH"}),
    ("IBERLAMP.ES", {"Iberlamp SA"}),
    # Phone and WhatsApp numbers, written any way.
    ("+49 89 1234567", {"Müller Wassertechnik GmbH"}),
    ("0049 89 1234567", {"Müller Wassertechnik GmbH"}),
    ("089-1234567", {"Müller Wassertechnik GmbH"}),
    ("(089) 1234567", {"Müller Wassertechnik GmbH"}),
    ("4989 1234567", {"Müller Wassertechnik GmbH"}),
    ("0171 2345678", {"Müller Wassertechnik GmbH"}),  # the WhatsApp number
    ("+49 89 7654321", {"Klar Wasser GmbH"}),  # stored as "089 7654321" in Germany
    ("0034 612 345 678", {"Iberlamp SA"}),
    ("612345678", {"Iberlamp SA"}),
    # Short numbers match no phone; a partial number matches no other one.
    ("89", set()),
    ("123", set()),
    ("4567", set()),
    ("+49 89", set()),
    ("+49 89 1234568", set()),
    # The words of the request, as before.
    ("UV lamps", {"Ferretería García", "Iberlamp SA", "Müller Wassertechnik GmbH",
                  "Klar Wasser GmbH"}),
])
def test_the_inbox_finds_what_reps_type(client, rep, buyers, query, expected):
    client.force_login(rep)
    assert found(client, query) == expected


@pytest.mark.django_db
def test_a_rep_never_finds_another_reps_company(client, rep, other_rep, manager, buyers):
    client.force_login(rep)
    assert "Garcia Importaciones" not in found(client, "garcia")
    assert found(client, "+52 55 1234 5678") == set()
    client.force_login(manager)
    assert "Garcia Importaciones" in found(client, "garcia")
    assert found(client, "0052 55 1234 5678") == {"Garcia Importaciones"}


@pytest.mark.django_db
def test_channels_added_or_edited_by_hand_are_found(client, rep, buyers):
    company = buyers["ferreteria"]
    client.force_login(rep)
    add = reverse("leads:channel-add", args=[company.pk])
    client.post(add, {"kind": "whatsapp", "value": "+34 699 88 77 66"})
    client.post(add, {"kind": "email", "value": "Ventas@Ferreteria-Garcia.com"})
    client.post(add, {"kind": "wechat", "value": "+34 655 44 33 22"})
    assert found(client, "699887766") == {"Ferretería García"}
    assert found(client, "0034 699 887 766") == {"Ferretería García"}
    assert found(client, "ventas@ferreteria-garcia") == {"Ferretería García"}
    assert found(client, "655443322") == set()  # a WeChat id is no phone number

    channel = ContactChannel.objects.get(company=company, kind="whatsapp")
    client.post(reverse("leads:channel-edit", args=[company.pk, channel.pk]),
                {"kind": "whatsapp", "value": "+34 611 22 33 44"})
    assert found(client, "699887766") == set()
    assert found(client, "611 22 33 44") == {"Ferretería García"}


@pytest.mark.django_db
def test_rows_saved_one_by_one_are_found_too(client, rep, _no_round_robin):
    """Companies renamed by a full save (the admin), rows made outside the intake."""
    inquiry = InquiryFactory(buyer_name="Zoë Ångström", phone="+46 8 123 456 78",
                             country="SE", platform_ref="AL7777777777")
    client.force_login(rep)
    assert found(client, "zoe angstrom") == {inquiry.company.name}
    assert found(client, "08-123 456 78") == {inquiry.company.name}
    company = CompanyFactory(name="Plain Name")
    company.name = "Sjöström Akvakultur AB"
    company.save()
    assert found(client, "SJOSTROM") == {"Sjöström Akvakultur AB"}


@pytest.mark.django_db
def test_the_migration_fills_existing_rows(buyers):
    """0011 fills the search columns of the rows stored before it."""
    Company.objects.update(search_text="")
    Inquiry.objects.update(search_text="", search_phones="")
    ContactChannel.objects.update(search_text="", search_phones="")
    migration = importlib.import_module("leads.migrations.0011_search_columns")
    migration.fill(apps, SimpleNamespace(connection=connection))  # all it uses of one
    muller = buyers["muller"]
    assert Company.objects.get(pk=muller.pk).search_text == (
        "muller wassertechnik gmbh\nmueller-wasser.de")
    inquiry = Inquiry.objects.get(company=muller)
    assert inquiry.search_phones == "49891234567 491712345678"
    assert "jorg sorensen" in inquiry.search_text.split(FIELD_SEPARATOR)
    phones = dict(ContactChannel.objects.filter(company=buyers["munich"])
                  .values_list("kind", "search_phones"))
    assert phones == {"email": "", "phone": "49897654321"}  # read in the company's country
