"""Reading messages: direct mail, platform notifications, signatures, out-of-office."""

from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leads.mail.autoreply import detect, return_date
from leads.mail.parse import (
    MailUnreadable,
    html_to_text,
    parse_mail,
    signature_fields,
    strip_quoted,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mail"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_direct_buyer_email_gives_sender_text_attachments_and_the_signature():
    mail = parse_mail(fixture("direct_buyer.eml"))
    assert mail.platform == "email"
    assert mail.message_id == "<20261124091357.4711@mail.aquarein.de>"
    assert (mail.from_name, mail.from_address) == ("Jonas Weber", "jonas.weber@aquarein.de")
    assert mail.subject == "Inquiry: UV-C lamps 254nm for our wastewater plant"
    assert mail.attachments == ("lamp-drawing-UVC320.pdf",)
    assert "amalgam UV-C lamps (254 nm, 320 W)" in mail.text
    assert "(HTML copy)" not in mail.text  # the plain part wins
    fields = mail.fields
    assert fields["email"] == "jonas.weber@aquarein.de"
    assert fields["buyer_name"] == "Jonas Weber"
    assert fields["company"] == "AquaRein Wassertechnik GmbH"
    assert fields["phone"] == "+498932165400"
    assert fields["website"] == "https://www.aquarein.de"
    assert fields["country"] == "DE"
    assert fields["message"].startswith("Inquiry: UV-C lamps 254nm")
    assert fields["message"].endswith("[lamp-drawing-UVC320.pdf]")
    assert fields["received_at"] == "2026-11-24T09:13:57+01:00"
    assert not mail.auto.automatic


def test_an_alibaba_notification_is_read_into_the_inquiry_fields():
    mail = parse_mail(fixture("alibaba_notification.eml"))
    assert mail.platform == "alibaba"
    fields = mail.fields
    assert fields["buyer_name"] == "Ahmed Hassan"
    assert fields["company"] == "Nile Pure Water Treatment Co."
    assert fields["country"] == "Egypt"
    assert fields["product"] == "UV Germicidal Lamp T8 36W"
    assert fields["quantity"] == "500 Pieces"
    assert fields["platform_ref"] == "118720453391"
    assert fields["message"].startswith("Hello, we need UV lamps for drinking water")
    assert "certificates (CE, RoHS)" in fields["message"]
    assert "Reply to this inquiry" not in fields["message"]
    assert "email" not in fields  # Alibaba hides the buyer's address
    assert fields["platform_link"].startswith("https://message.alibaba.com/")
    assert not mail.auto.automatic


def test_a_made_in_china_notification_is_read_and_a_masked_address_kept_aside():
    mail = parse_mail(fixture("made_in_china_notification.eml"))
    assert mail.platform == "made-in-china"
    fields = mail.fields
    assert fields["platform_ref"] == "MIC-88230417"
    assert fields["buyer_name"] == "Maria Lopez"
    assert fields["company"] == "AcuiCultivos del Sur S.L."
    assert fields["country"] == "Spain"
    assert fields["product"] == "UV Sterilizer 75W for Aquaculture"
    assert fields["quantity"] == "40 Sets"
    assert "Flow rate 30 m3/h" in fields["message"]
    assert "Reply now" not in fields["message"]
    assert "email" not in fields and fields["email_shown"] == "m***@acuicultivos.es"


def test_subject_only_notifications_still_give_buyer_and_product():
    raw = (b"From: Alibaba.com <notice@alibaba.com>\r\nSubject: You have a new inquiry from "
           b"Li Wei about \"UV Ballast 40W\"\r\nMessage-ID: <a@b>\r\n\r\n"
           b"See https://message.alibaba.com/detail.htm?inquiryId=9988776655\r\n")
    fields = parse_mail(raw).fields
    assert (fields["buyer_name"], fields["product"], fields["platform_ref"]) == (
        "Li Wei", "UV Ballast 40W", "9988776655")


def test_html_only_mail_becomes_text_with_its_links():
    text = html_to_text("<html><head><style>p{}</style></head><body><p>Dear Sir,<br>please "
                        "quote.</p><div>See <a href='https://aqua.example/spec'>spec</a></div>"
                        "<script>alert(1)</script></body></html>")
    assert text.split("\n")[:3] == ["Dear Sir,", "please quote.", "See spec <https://aqua.example/spec>"]
    assert "alert" not in text


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"Subject: hello\r\n\r\nno sender\r\n", "no sender"),
])
def test_unreadable_messages_say_why(raw, reason):
    with pytest.raises(MailUnreadable, match=reason):
        parse_mail(raw)


def test_the_signature_skips_free_mail_and_reads_the_phone_in_the_sender_country():
    text = ("Hi, price for 20 UV lamps?\n\nBest regards\nAna Souza\nAquiSouza Piscinas Ltda\n"
            "Cel: (11) 98765-4321\nana.souza@gmail.com\nwww.aquisouza.com.br\n")
    signature = signature_fields(text, sender_country="BR")
    assert signature.phone == "+5511987654321"
    assert signature.website == "https://www.aquisouza.com.br"
    assert signature.company == "AquiSouza Piscinas Ltda"


def test_a_free_mail_sender_gets_no_website_from_its_own_domain():
    text = "Need a quote.\n\nThanks,\nBob\nbob@gmail.com"
    assert signature_fields(text).website == ""


def test_quoted_text_is_cut_from_replies():
    text = "Yes, please send the PI.\n\nOn Tue, 24 Nov 2026 at 10:00, Lily wrote:\n> Dear Jonas"
    assert strip_quoted(text) == "Yes, please send the PI."


@pytest.mark.parametrize(("text", "new"), [
    ("Bitte senden Sie die Proforma.\n\nMit freundlichen Grüßen\nJonas Weber\n"
     "Tel. +49 30 1234567\n\nAm 24.11.2026 um 10:00 schrieb Lily Zhang "
     "<sales@uvlamp-factory.test>:\n> Sehr geehrter Herr Weber", "Bitte senden Sie die Proforma."),
    ("Merci, envoyez le devis.\n\nCordialement,\nClaire\n\nLe mar. 24 nov. 2026 à 10:00, "
     "Lily Zhang <sales@uvlamp-factory.test> a écrit :\n> Bonjour", "Merci, envoyez le devis."),
    ("Gracias, necesitamos 200 unidades.\n\nSaludos\nMarta\n\nEl mar, 24 nov 2026 a las "
     "10:00, Lily Zhang escribió:\n> Estimada Marta", "Gracias, necesitamos 200 unidades."),
    ("Obrigada, pode enviar a cotação.\n\nAtenciosamente,\nAna\n\nEm ter., 24 de nov. de "
     "2026 às 10:00, Lily Zhang escreveu:\n> Prezada Ana", "Obrigada, pode enviar a cotação."),
    ("Спасибо, ждём счёт.\n\n24.11.2026, 10:00, Lily Zhang написал(а):\n> Здравствуйте",
     "Спасибо, ждём счёт."),
    ("Teşekkürler, proforma bekliyoruz.\n\n24 Kas 2026 Sal, 10:00 tarihinde Lily Zhang "
     "şunu yazdı:\n> Sayın Mehmet Bey", "Teşekkürler, proforma bekliyoruz."),
    ("好的，请发形式发票。\n\n------------------ 原始邮件 ------------------\n"
     "发件人: Lily Zhang\n主题: UV灯报价", "好的，请发形式发票。"),
    ("Please send the PI.\n\nBest regards\nJonas Weber\nPurchasing\n\n-----Original "
     "Message-----\nFrom: Lily Zhang\nSent: Tuesday", "Please send the PI."),
])
def test_replies_lose_the_quote_and_the_signature_in_the_buyers_languages(text, new):
    assert strip_quoted(text) == new


def test_the_signature_of_a_reply_is_still_read():
    text = ("Please send the PI.\n\nBest regards\nJonas Weber\nAquaRein Wassertechnik GmbH\n"
            "Tel +49 30 1234567\nwww.aquarein.de\n\nOn Tue, 24 Nov 2026 at 10:00, Lily "
            "wrote:\n> Dear Jonas")
    signature = signature_fields(text, sender_country="DE")
    assert signature.phone == "+49301234567" and signature.website == "https://www.aquarein.de"


# --- out of office ----------------------------------------------------------------

RECEIVED = date(2026, 11, 26)


@pytest.mark.parametrize("text, expected", [
    ("I am out of the office until 5 December with limited access to email.", date(2026, 12, 5)),
    ("I will be back on 12/05/2026.", date(2026, 12, 4)),  # 12 May lies behind: 5 December
    ("Back on Monday, December 8th.", date(2026, 12, 7)),
    ("Ich bin bis zum 5. Dezember nicht im Büro.", date(2026, 12, 5)),
    ("Ab dem 8.12. bin ich wieder im Büro.", date(2026, 12, 7)),
    ("Je suis absent jusqu'au 5 décembre inclus.", date(2026, 12, 5)),
    ("Estaré fuera de la oficina hasta el 5 de diciembre de 2026.", date(2026, 12, 5)),
    ("Sono fuori ufficio fino al 5 dicembre.", date(2026, 12, 5)),
    ("休假至2026年12月5日", date(2026, 12, 5)),
    ("我将于12月8日回来", date(2026, 12, 7)),
    ("Out of office until 2026-12-05", date(2026, 12, 5)),
    ("I'm away from 1 Dec - 5 Dec 2026", date(2026, 12, 5)),
    ("On leave until 3 January.", date(2027, 1, 3)),  # no year: the next 3 January
    ("Thanks for your email, I will look into it tomorrow.", None),
])
def test_the_return_date_is_read_in_several_languages(text, expected):
    assert return_date(text, received=RECEIVED) == expected


def test_us_senders_write_the_month_first():
    assert return_date("back on 12/05/2026", received=RECEIVED, month_first=True) == date(
        2026, 12, 4)
    assert return_date("until 03/12/2026", received=RECEIVED, month_first=True) == date(
        2026, 12, 3)  # 12 March lies behind


def _message(subject: str, **headers) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


@pytest.mark.parametrize("subject, headers, away", [
    ("Automatic reply: UV lamps", {}, True),
    ("Out of Office: UV lamps", {}, True),
    ("Abwesenheitsnotiz: Angebot", {}, True),
    ("Réponse automatique : devis", {}, True),
    ("Respuesta automática: cotización", {}, True),
    ("自动回复: 报价", {}, True),
    ("Re: UV lamps", {"Auto_Submitted": "auto-replied"}, True),
    ("Re: UV lamps", {"X_Autoreply": "yes"}, True),
    ("Re: UV lamps", {"Precedence": "auto_reply"}, True),
    ("Re: UV lamps", {"Auto_Submitted": "no"}, False),
    ("Re: UV lamps", {}, False),
])
def test_out_of_office_is_recognised_by_headers_and_subject(subject, headers, away):
    found = detect(_message(subject, **headers), "I am on vacation until 5 December.",
                   received=RECEIVED)
    assert found.away is away
    if away:
        assert (found.first_day, found.last_day) == (RECEIVED, date(2026, 12, 5))


def test_automatic_mail_without_away_words_is_automatic_but_not_away():
    found = detect(_message("Your message was received", Auto_Submitted="auto-generated"),
                   "Thank you, we will answer within two days.", received=RECEIVED)
    assert found.automatic and not found.away


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.binary(max_size=2000))
def test_any_bytes_either_parse_or_say_why(raw):
    try:
        mail = parse_mail(b"From: a@b.example\r\nSubject: x\x00y\r\n" + raw, today=RECEIVED)
    except MailUnreadable as exc:
        assert str(exc)
    else:  # PostgreSQL refuses NUL in text columns
        values = [mail.subject, mail.text, mail.from_name, mail.message_id, *mail.to,
                  *mail.attachments, *(str(v) for v in mail.fields.values())]
        assert not any("\x00" in value for value in values)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_any_text_gives_a_date_or_none_without_error(text):
    found = return_date(text, received=RECEIVED)
    assert found is None or found >= RECEIVED
