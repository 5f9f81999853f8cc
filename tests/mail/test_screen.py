"""The screening of received mail (leads.mail.phishing, leads.mail.screen) and what
happens to held-back mail (leads.mail.services.held_decide)."""

import io
import zipfile
from email.message import EmailMessage

import pytest
from auditlog.models import LogEntry

from leads.mail.parse import read_message
from leads.mail.phishing import defang, lookalike, signs_of
from leads.mail.screen import screen
from leads.mail.services import held_decide, mail_ingest
from leads.models import Inquiry, MailMessage
from tests.mail.samples import sample_set
from verification.grading import Signals, grade_inquiry

SPAM, _ = sample_set("spam")
BUYERS, _ = sample_set("buyers")


def mail(*, sender="Ana Ruiz <ana@aguas-norte.example>", subject="UV lamps", text="Hello",
         html="", attachments=(), headers=None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "sales@uvlamp-factory.test"
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream",
                               filename=name)
    return message


def codes(message, **kwargs) -> set[str]:
    return {sign.code for sign in signs_of(message, own_domains=("uvlamp-factory.test",),
                                           **kwargs)}


@pytest.mark.parametrize(("host", "imitated"), [
    ("xn--libaba-2nf.example", "Alibaba.com"),  # Cyrillic а
    ("a1ibaba-notice.example", "Alibaba.com"),  # digit one for l
    ("alibaba.com.secure-login.example", "Alibaba.com"),  # the real name as a subdomain
    ("rnade-in-china.example", "Made-in-China.com"),  # rn for m
    ("globalsourcse.com", "Global Sources"),  # two letters swapped
    ("dhgatte.com", "DHgate"),  # a letter doubled
    ("d0cusign-envelope.example", "DocuSign"),
    ("uvlamp-factory.test.mail-quota.example", "your own domain"),
])
def test_look_alike_domains_are_named_with_the_brand_they_imitate(host, imitated):
    from leads.mail.phishing import own_brand

    found = lookalike(host, own_brand(("uvlamp-factory.test",)))
    assert found is not None and found[0].name == imitated, found


@pytest.mark.parametrize("host", ["message.alibaba.com", "www.made-in-china.com",
                                  "aguas-norte.example", "outlook-consulting.de",
                                  "uvlamp-factory.test", "global-water.example", "amazon.com"])
def test_real_and_unrelated_hosts_are_no_look_alikes(host):
    from leads.mail.phishing import own_brand

    assert lookalike(host, own_brand(("uvlamp-factory.test",))) is None


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted_zip() -> bytes:
    data = bytearray(_zip({"PO.pdf": b"%PDF-1.4"}))
    data[6] |= 0x01  # the local header's "encrypted" flag bit
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x01  # and the central directory's
    return bytes(data)


@pytest.mark.parametrize(("name", "data", "why"), [
    ("PO_8823.pdf.exe", b"MZ", "double extension"),
    ("Order.exe", b"MZ", "program or script"),
    ("invoice.js", b"var a;", "program or script"),
    ("Shortcut.lnk", b"L\x00\x00\x00", "program or script"),
    ("RFQ_2026.iso", b"\x00" * 64, "disk image"),
    ("Order.vhd", b"conectix", "disk image"),
    ("Quotation.docm", b"PK", "macros"),
    ("PO.xlsx", _zip({"xl/vbaProject.bin": b"x"}), "macros inside"),
    ("Order.html", b"<form action='https://x.example'><input type=password></form>",
     "form or script"),
    ("Drawing.svg", b"<svg><script>location='https://x.example'</script></svg>",
     "form or script"),
    ("Order.zip", _zip({"Order/PO.scr": b"MZ"}), "archive holding PO.scr"),
])
def test_dangerous_attachments_are_named_with_their_risk(name, data, why):
    signs = signs_of(mail(attachments=[(name, data)]))
    reasons = [sign.evidence for sign in signs if sign.code == "dangerous_attachment"]
    assert reasons and why in reasons[0], reasons


def test_harmless_attachments_and_a_zip_of_drawings_are_no_risk():
    message = mail(attachments=[("RFQ.pdf", b"%PDF-1.7"), ("list.xlsx", _zip({"a.xml": b""})),
                                ("drawings.zip", _zip({"plan.pdf": b"%PDF", "plan.dwg": b"AC"}))])
    assert codes(message) == set()


def test_an_encrypted_archive_is_a_risk_and_with_its_password_in_the_mail_dangerous():
    # Buyers lock drawings and send the password apart; malware sends it along.
    alone = signs_of(mail(text="Drawings attached, password follows in the next mail.",
                          attachments=[("drawings.zip", _encrypted_zip())]))
    assert [s.code for s in alone] == ["risky_attachment"]
    assert "encrypted archive" in alone[0].evidence
    along = mail(text="PO attached. Password to open: 7788",
                 attachments=[("PO.zip", _encrypted_zip())])
    assert "dangerous_attachment" in codes(along)


def test_an_unopenable_archive_is_a_risk_and_with_its_password_in_the_mail_dangerous():
    assert codes(mail(attachments=[("Drawings.rar", b"Rar!\x1a\x07")])) == {"risky_attachment"}
    locked = mail(text="Order list attached, archive password: 2026",
                  attachments=[("Order.rar", b"Rar!\x1a\x07")])
    assert "dangerous_attachment" in codes(locked)


def test_a_link_that_shows_one_host_and_goes_to_another_is_a_credential_lure():
    html = ('<p>Sign in: <a href="https://login.alibaba-secure.example/x">'
            "https://message.alibaba.com/order/1</a></p>")
    signs = signs_of(mail(html=html), own_domains=("uvlamp-factory.test",))
    shown = [s for s in signs if s.code == "credential_link" and "shows" in s.evidence]
    assert shown and "message[.]alibaba[.]com" in shown[0].evidence
    assert "login[.]alibaba-secure[.]example" in shown[0].evidence


def test_a_marketplace_name_from_another_domain_is_impersonation():
    message = mail(sender='"Alibaba.com" <notice@trade-notice.example>',
                   subject="A buyer sent you a purchase order")
    assert "marketplace_impersonation" in codes(message)
    genuine = mail(sender='"Alibaba.com" <notice@service.alibaba.com>',
                   subject="A buyer sent you a purchase order",
                   html='<a href="https://message.alibaba.com/msg">View the inquiry</a>')
    assert codes(genuine) == set()


def test_a_forwarded_genuine_notice_is_no_impersonation():
    message = mail(sender="Kemal Aydin <kemal@aydin-havuz.example>",
                   subject="Fwd: Alibaba.com: new inquiry for UV lamps",
                   html='<p>---------- Forwarded ----------</p><a href="https://message.alibaba'
                        '.com/msg/1">View and reply</a>')
    assert codes(message) == set()


@pytest.mark.parametrize("text", [
    "Please note our bank account has changed. Kindly send the payment to the new account.",
    "请注意，我司银行账户已变更，请将货款汇到新账户。",
    "Informamos que nossa conta bancária foi alterada.",
    "Наши банковские реквизиты изменились, оплату отправляйте на новый счёт.",
])
def test_payment_diversion_in_the_mail_s_language(text):
    assert "payment_diversion" in codes(mail(text=text))


@pytest.mark.parametrize("text", [
    "To receive the order, pay the supplier registration fee of USD 450 within 3 days.",
    "Please send your email password so we can register you as a vendor.",
    "为了完成供应商入围，请先支付认证费 300 美元。",
])
def test_advance_fees_and_credentials_by_mail(text):
    assert "advance_fee" in codes(mail(text=text))


@pytest.mark.parametrize("text", [
    "Has your bank account changed? Our finance team asks before the next transfer.",
    "We will pay the 30% deposit by T/T to the bank account on your proforma invoice.",
    "The password of the drawings zip will follow in a separate mail.",
    "Please verify the lamp specification and confirm the urgent order by Friday.",
])
def test_honest_words_about_payment_and_passwords_are_no_sign(text):
    assert codes(mail(text=text)) == set()


def test_failed_authentication_for_a_marketplace_domain_is_a_forged_sender():
    headers = {"Authentication-Results": "mx.uvlamp-factory.test; spf=fail "
                                         "smtp.mailfrom=alibaba.com; dkim=none; dmarc=fail "
                                         "header.from=alibaba.com"}
    signs = signs_of(mail(sender="Alibaba.com <service@alibaba.com>", headers=headers))
    assert [s.weight for s in signs if s.code == "auth_fail"] == [10.0]
    passed = {"Authentication-Results": "mx.example; spf=pass; dkim=pass; dmarc=pass"}
    assert codes(mail(headers=passed)) == set()


def test_a_reply_to_on_another_domain_is_a_weak_sign_alone():
    message = mail(headers={"Reply-To": "ana.ruiz.compras@gmail.com"})
    screening = screen(message, own_domains=("uvlamp-factory.test",))
    assert {s.code for s in screening.signs} == {"reply_to_mismatch"}
    assert screening.verdict in ("risky", "clean") and not screening.held


def test_defanged_addresses_cannot_be_clicked():
    assert defang("https://login.evil.example/a") == "hxxps://login[.]evil[.]example/a"


class _Spam:  # the shape of rspamd's answer (leads.mail.rspamd.SpamScore)
    def __init__(self, score, action, symbols=()):
        self.score, self.action, self.required, self.version = score, action, 15.0, "3.4"
        self.symbols = symbols


def test_the_generic_filter_s_spam_line_holds_mail_as_spam():
    clean = mail()
    assert screen(clean, spam=_Spam(16.0, "reject")).verdict == "spam"
    held = screen(clean, spam=_Spam(7.0, "add header"))
    assert held.verdict == "spam" and held.signs[-1].code == "filter_spam"
    assert screen(clean, spam=_Spam(1.0, "no action")).verdict == "clean"
    freight = mail(text="Best freight rates from Ningbo to Hamburg this week.")  # a sign, 2
    assert screen(freight, spam=_Spam(3.0, "no action")).verdict == "risky"
    assert screen(freight, spam=_Spam(4.2, "no action")).verdict == "spam"  # taught Bayes
    assert screen(clean, spam=_Spam(5.9, "no action")).verdict == "clean"
    assert screen(clean, spam_error="rspamd does not answer").filters == \
        "Leadqual's checks only (rspamd does not answer)"


@pytest.mark.parametrize(("text", "headers", "verdict"), [
    ("We can bring your site to the first page of Google in 90 days.", {}, "spam"),
    ("Pre-approved: working capital for your business, no collateral.", {}, "spam"),
    ("我们的软件可一键搜索全球采购商邮箱，自动群发开发信。", {}, "spam"),
    ("Best freight rates from Ningbo to Hamburg this week.", {}, "risky"),
    ("Best freight rates from Ningbo. BLACK FRIDAY: up to 70% off our courier service.",
     {}, "spam"),
    ("Best freight rates from Ningbo to Hamburg this week.",
     {"List-Unsubscribe": "<mailto:u@x.example>"}, "spam"),
    ("Please quote 200 pcs of 36W lamps incl. freight to Jebel Ali, CIF.", {}, "clean"),
])
def test_unsolicited_offers_no_buyer_writes_are_spam(text, headers, verdict):
    assert screen(mail(text=text, headers=headers)).verdict == verdict


# --- the intake and the decisions ------------------------------------------------------


@pytest.mark.django_db
def test_spam_confirms_a_held_mail_once_and_audits_who_and_when(
        manager, django_capture_on_commit_callbacks):
    raw = (SPAM / "086-payment-own-domain-spoof-boss-wire.eml").read_bytes()
    held, _ = mail_ingest(raw=raw, source="upload")
    assert held.outcome == MailMessage.Outcome.HELD and held.inquiry_id is None
    inquiries = Inquiry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = held_decide(message=held, user=manager, spam=True)
    assert confirmed.outcome == MailMessage.Outcome.HELD
    assert confirmed.decision == MailMessage.Decision.CONFIRMED
    assert confirmed.decided_by == manager and confirmed.decided_at is not None
    assert held_decide(message=held, user=manager, spam=False).decision == "confirmed"
    assert Inquiry.objects.count() == inquiries
    entry = LogEntry.objects.get(object_pk=str(held.pk))
    assert entry.actor == manager and entry.changes_dict["decision"] == ["", "confirmed"]
    confirmed.refresh_from_db()
    assert confirmed.learned == "not taught: rspamd is off"


@pytest.mark.django_db
def test_not_spam_sends_the_held_mail_through_the_intake(manager):
    raw = (SPAM / "002-marketplace-alibaba-new-inquiry-digit-one.eml").read_bytes()
    held, _ = mail_ingest(raw=raw, source="upload")
    assert held.outcome == MailMessage.Outcome.HELD
    released = held_decide(message=held, user=manager, spam=False)
    assert released.decision == MailMessage.Decision.RELEASED
    assert released.outcome in (MailMessage.Outcome.INQUIRY, MailMessage.Outcome.IGNORED)
    assert released.reason.startswith(f"released by {manager}")
    assert released.screen_verdict == "phishing"  # the verdict stays on record


def test_a_risky_mail_keeps_a_genuine_buyer_out_of_grade_a():
    signals = dict(email_status="deliverable", email_flags=set(), website_status="reachable",
                   website_host="aguas-norte.example", domain_match=True, fit=80,
                   fit_industries=["water treatment"])
    assert grade_inquiry(Signals(**signals)).grade == "A"
    risky = grade_inquiry(Signals(**signals, mail_risks=["Order.html: a web page attached"]))
    assert risky.grade == "B"
    assert "the buyer's mail carries a risk: Order.html: a web page attached" in risky.texts()


def test_read_message_of_every_sample_screens_without_error():
    for folder in (SPAM, BUYERS):
        for path in folder.glob("*.eml"):
            screen(read_message(path.read_bytes()))


# --- the signs in the reader's language ------------------------------------------------


def _stored(message, **kwargs) -> list[dict]:
    """The signs as the intake stores them (``MailMessage.screen_signs``), through JSON."""
    import json

    return json.loads(json.dumps([s.as_dict() for s in screen(message, **kwargs).signs]))


def test_a_held_sign_reads_in_chinese_with_the_mail_s_own_words_unchanged():
    from django.utils import translation

    from leads.selectors import sign_reasons

    message = mail(sender='"Alibaba.com" <notice@a1ibaba-notice.example>',
                   subject="A buyer sent you a purchase order",
                   attachments=[("PO.zip", _zip({"Order/PO.pdf.exe": b"MZ"}))])
    stored = _stored(message, own_domains=("uvlamp-factory.test",))
    assert screen(message).verdict == "phishing"
    with translation.override("zh-hans"):
        chinese = dict(sign_reasons(stored))
    with translation.override("en"):
        english = dict(sign_reasons(stored))

    assert english["Look-alike domain"] == ("sender a1ibaba-notice[.]example: imitates "
                                            "Alibaba.com (alibaba written with look-alike "
                                            "letters)")
    assert chinese["仿冒域名"] == ("发件域名 a1ibaba-notice[.]example：仿冒 Alibaba.com"
                               "（用形近字符拼写的 alibaba）")
    # Nested twice: the archive holds a file whose double extension is the danger.
    assert english["Dangerous attachment"] == ("PO.zip: an archive holding PO.pdf.exe: a "
                                               "double extension (PO.pdf.exe): a .exe dressed "
                                               "as a .pdf")
    assert chinese["危险附件"] == ("PO.zip：压缩包内含 PO.pdf.exe：双重扩展名（PO.pdf.exe）："
                               "伪装成 .pdf 的 .exe 文件")
    assert chinese["冒充平台或服务商"] == ("发件人自称“Alibaba.com”，实际发件地址却是 "
                                    "notice@a1ibaba-notice[.]example")
    # The English on the page is the evidence the screening logged.
    assert list(english.values()) == [sign["evidence"] for sign in stored]


def test_the_mail_s_own_sentence_stays_in_its_language():
    from django.utils import translation

    from leads.selectors import sign_reasons

    stored = _stored(mail(text="Informamos que nossa conta bancária foi alterada."))
    with translation.override("zh-hans"):
        assert sign_reasons(stored) == [
            ("更改收款账户", "“Informamos que nossa conta bancária foi alterada.”")]


def test_every_sign_of_the_spam_samples_has_a_translated_sentence():
    from django.utils import translation
    from django.utils.translation import gettext

    from leads.mail.phishing import render

    same_in_chinese = {"“{text}”", "“{said}”"}  # the mail's own words, quoted

    def templates(template, params):
        yield template
        for value in params.values():
            if isinstance(value, dict):
                yield from templates(value["template"], value.get("params") or {})

    untranslated = set()
    with translation.override("zh-hans"):
        for path in sorted(SPAM.glob("*.eml"))[::3]:
            for sign in _stored(read_message(path.read_bytes())):
                assert render(sign["template"], sign["params"]) == sign["evidence"]
                untranslated |= {t for t in templates(sign["template"], sign["params"])
                                 if gettext(t) == t and t not in same_in_chinese}
    assert untranslated == set()


def test_a_sign_stored_before_the_templates_shows_its_evidence():
    from django.utils import translation

    from leads.selectors import sign_reasons

    old = {"code": "lookalike_domain", "weight": 10.0,
           "evidence": "sender a1ibaba-notice[.]example: imitates Alibaba.com (the name)"}
    with translation.override("zh-hans"):
        assert sign_reasons([old]) == [("仿冒域名", old["evidence"])]


def test_a_broken_translation_shows_the_english_evidence(monkeypatch):
    from django.utils import translation

    from leads import selectors

    [sign] = [s for s in _stored(mail(headers={"Reply-To": "ana.ruiz.compras@gmail.com"}))
              if s["code"] == "reply_to_mismatch"]
    missing = {**sign, "params": {"address": sign["params"]["address"]}}  # no {domain}
    with translation.override("zh-hans"):
        assert selectors.sign_reasons([missing]) == [("回复被转到其他地址", sign["evidence"])]
        assert "回复会发往" in selectors.sign_evidence(sign)
        # A translator's typo: a placeholder misspelt, or a brace left open.
        for typo in ("回复会发往 {adress}", "回复会发往 {address"):
            monkeypatch.setattr(selectors, "gettext", lambda text, typo=typo: typo)
            assert selectors.sign_evidence(sign) == sign["evidence"]


def test_a_look_alike_s_how_reads_as_english_text():
    found = lookalike("a1ibaba-notice.example")
    assert found is not None and found[0].name == "Alibaba.com"
    assert str(found[1]) == "alibaba written with look-alike letters"


def test_every_reason_the_checks_give_has_a_name_on_the_pages():
    import re
    from pathlib import Path

    from leads.selectors import SIGN_LABELS

    root = Path(__file__).resolve().parents[2] / "leads" / "mail"
    source = (root / "phishing.py").read_text() + (root / "screen.py").read_text()
    codes = set(re.findall(r'new_sign\(\s*"([a-z_]+)"', source))
    assert len(codes) >= 13 and codes <= set(SIGN_LABELS), codes - set(SIGN_LABELS)


def test_a_colleague_s_name_on_a_stranger_s_address_is_a_sign_and_with_a_transfer_phishing():
    boss = mail(sender="陈伟 <chenwei.office@gmail.com>", subject="在吗",
                text="我在开会，不方便接电话。今天有一笔佣金要付，你现在走一下对公转账。")
    names = ("陈伟", "Lily Zhang")
    screening = screen(boss, own_domains=("uvlamp-factory.test",), own_names=names)
    assert {s.code for s in screening.signs} >= {"colleague_impersonation", "payment_diversion"}
    assert screening.verdict == "phishing"
    alone = mail(sender="Lily Zhang <lily.zhang.home@gmail.com>", text="Sent from home.")
    assert screen(alone, own_domains=("uvlamp-factory.test",),
                  own_names=names).verdict == "risky"
    colleague = mail(sender="Lily Zhang <lily@uvlamp-factory.test>", text="Sent from work.")
    assert screen(colleague, own_domains=("uvlamp-factory.test",), own_names=names).signs == ()
