"""Text a stranger or a user typed, carrying HTML and JavaScript, is shown as text everywhere.

Every field the product stores from outside (the inquiry's company, buyer, product, website,
email and message; a verification's page title, description, text, evidence and keyword
snippets; notes, tags, contact notes, vacation notes, grade reasons, the reps' own names;
keywords, industry names and the try-it box) carries payloads. Each role then visits every
page that shows them, and on each page:

* no payload ran: ``window.__xss`` stays undefined and no dialog opened;
* no payload became markup: no inline script, event handler, style or ``javascript:`` link
  built from it (``INJECTED`` scans the DOM, so a handler that needs a hover counts too);
* the payload is on screen as the literal text the buyer typed.

``detector_works`` shows first that the checks fail on a page where payloads do run.
"""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from followup.cadence import reminders_create
from followup.models import CadenceStep, FollowUp, Reminder
from followup.services import vacation_add
from leads import services
from leads.models import ContactChannel, Person, Tag, TeamSettings
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.helpers import ingest
from verification import keyword_editor, tasks
from verification.models import Industry, MailList, Verification
from verification.services import verifications_rescore

pytestmark = pytest.mark.browser

SCRIPT = "<script>window.__xss=1</script>"
IMG = '"><img src=x onerror="window.__xss=2">'
SVG = "<svg onload=window.__xss=3>"
JS_URL = "javascript:window.__xss=4"
TEMPLATE = "{{ 7*7 }} {% csrf_token %}"
TEXTAREA = "</textarea><script>window.__xss=5</script>"
QUOTES = "x' \" ` onmouseover=\"window.__xss=6\" style='background:url(javascript:alert(6))' a=\""
ALERT = "<img src=y onerror=alert(7)>"
EVERY = (SCRIPT, IMG, SVG, JS_URL, TEMPLATE, TEXTAREA, QUOTES, ALERT)

COMPANY = f"{SCRIPT} Acme {IMG} {TEMPLATE}"
BUYER = f"{TEXTAREA} {QUOTES}"[:255]
PRODUCT = f"{SVG} {TEMPLATE} {TEXTAREA}"
MESSAGE = "\n".join(("uv reactor", *EVERY))
NOTE = "\n".join(EVERY)
INDUSTRY = f"{ALERT} {QUOTES}"[:120]
KEYWORD = SVG  # a keyword found in the page text: its snippet goes through |highlight
REP_FIRST, REP_LAST = SVG, "\"'><b>"
WEBSITES = {"a": JS_URL, "b": " JaVaScRiPt:window.__xss=4",
            "c": "data:text/html,<script>window.__xss=4</script>",
            "d": "javascript://%0awindow.__xss=4", "e": "vbscript:window.__xss=4"}
PAGE_TEXT = (f"Water works. {SCRIPT} We build uv reactor plants {TEMPLATE} and {IMG} {KEYWORD}"
             f" {TEXTAREA} ]] [[ end")  # each payload within a snippet's reach of a keyword
# One labelled payload per stored field, so each is found on screen on its own.
SHOWN = {
    "provider": f"provider {SVG}", "flag": f"flag {SCRIPT}", "title": f"title {SCRIPT}",
    "description": f"description {IMG} {TEXTAREA}", "email_reason": f"mx said {QUOTES}",
    "dns": f"dns {IMG}", "smtp_host": f"mx {SVG}", "smtp_text": f"reply {TEXTAREA}",
    "hop": f"hop {ALERT}", "registrar": f"registrar {SCRIPT}", "person": f"buyer title {SCRIPT}",
    "channel": f"channel note {IMG}", "grade": f"grade reason {ALERT}",
    "assigned": f"assigned as {SCRIPT}", "vacation": f"away {TEXTAREA}",
    "followup": f"moved by {SVG}", "reason_good": f"good {SCRIPT}", "reason_bad": f"bad {IMG}",
    "reason_info": f"info {QUOTES}",
}
VERIFIED_KEYS = ("provider", "flag", "title", "description", "email_reason", "dns", "smtp_host",
                 "smtp_text", "hop", "registrar", "reason_good", "reason_bad", "reason_info")
VERIFIED = {
    "status": Verification.Status.DONE, "email_status": "deliverable",
    "website_status": "reachable", "email_provider": SHOWN["provider"],
    "email_flags": [SHOWN["flag"]], "website_url": "https://xss.test/",
    "website_final_url": JS_URL, "website_title": SHOWN["title"],
    "website_description": SHOWN["description"], "website_language": "<b>",
    "website_text": PAGE_TEXT,
    "evidence": {
        "email": {"reason": SHOWN["email_reason"], "dns": {"answers": [SHOWN["dns"]]},
                  "smtp": {"replies": [{"host": SHOWN["smtp_host"], "step": "RCPT",
                                        "code": 250, "text": SHOWN["smtp_text"]}]}},
        "website": {"chain": [{"url": JS_URL, "status": 301, "error": SHOWN["hop"]}]},
        "whois": {"xss.test": {"created": None, "registrar": SHOWN["registrar"]}},
    },
}
REASONS = [{"text": SHOWN["reason_good"], "effect": "+"},
           {"text": SHOWN["reason_bad"], "effect": "-"},
           {"text": SHOWN["reason_info"], "effect": "~"}]
STEP_TEMPLATE = f"Dear {{buyer}}, {{company}} {{product}} {{offer}} {{rep}} {TEXTAREA}"

# Markup built from a payload: an inline script, or a handler, style or link that
# mentions it, anywhere in the document (a handler that needs a hover counts too).
INJECTED = """() => {
  const found = [];
  const risky = (name) => name.startsWith("on") || name.startsWith("hx-") ||
    ["style", "srcdoc"].includes(name);
  for (const el of document.querySelectorAll("*")) {
    if (el.tagName === "SCRIPT" && /__xss|alert/.test(el.textContent)) found.push(el.outerHTML);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (risky(name) && /__xss|alert/.test(value)) found.push(`${name}=${attr.value}`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(name) &&
          /^(javascript|data|vbscript):/.test(value)) found.push(`${name}=${attr.value}`);
    }
  }
  return found;
}"""


class Watch:
    """What a page did: dialogs opened, and the checks after each load."""

    def __init__(self, page):
        self.page, self.dialogs, self.checked = page, [], []
        page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def inert(self, where: str, *literals: str, values: dict | None = None) -> None:
        """Nothing ran or became markup; ``literals`` are on screen, ``values`` in fields."""
        page = self.page
        page.wait_for_load_state("load")
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        # A broken image's onerror runs as it fails (also in content htmx swapped in).
        page.wait_for_function("Array.from(document.images).every((img) => img.complete)")
        page.wait_for_timeout(30)
        assert page.evaluate("window.__xss") is None, f"{where}: a payload ran"
        assert self.dialogs == [], f"{where}: {self.dialogs}"
        assert page.evaluate(INJECTED) == [], f"{where}: markup from a payload"
        text = page.locator("body").inner_text()
        for literal in literals:
            assert literal in text, f"{where}: {literal!r} is not shown as text"
        for selector, value in (values or {}).items():
            expect(page.locator(selector).first).to_have_value(value)
        self.checked.append((where, len(literals) + len(values or {})))


@pytest.fixture
def no_network_checks(monkeypatch):
    """Ingesting enqueues the real checks; here their results are stored directly."""
    monkeypatch.setattr(tasks.verify_batch, "apply_async", lambda *args, **kwargs: None)


def finish(*inquiries):
    """Store finished checks whose every text is hostile; fit and snippets are scored by
    the real rescoring, so the keyword snippets carry the payloads too."""
    Verification.objects.filter(inquiry__in=inquiries).update(
        verified_at=inquiries[0].received_at + timedelta(hours=1), **VERIFIED)
    verifications_rescore()
    Verification.objects.filter(verified_at__isnull=False).update(reasons=REASONS)
    services.companies_refresh(company_ids=[inquiry.company_id for inquiry in inquiries])


@pytest.fixture
def hostile(no_network_checks, rep, manager, admin_user):
    from django.utils import timezone

    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    rep.first_name, rep.last_name = REP_FIRST, REP_LAST
    rep.save()
    industry = Industry.objects.create(slug="hostile", name=INDUSTRY, weight=1)
    for term in (KEYWORD, "uv reactor"):
        keyword_editor.keyword_add(user=admin_user, industry=industry, term=term,
                                   language="en", weight=4)
    for step in CadenceStep.objects.all():
        step.offer, step.template = QUOTES, STEP_TEMPLATE
        step.save()
    MailList.objects.create(kind=MailList.Kind.ROLE_ACCOUNT, value=TEXTAREA)

    now = timezone.now()
    received = (now - timedelta(days=12)).strftime("%Y-%m-%d %H:%M")
    inquiries = {
        key: ingest(company=COMPANY, email=f"a'b{{{{7*7}}}}&c=d@xss-{key}.de", country="DE",
                    buyer_name=BUYER, product=PRODUCT, message=MESSAGE, website=WEBSITES[key],
                    received_at=received)
        for key in WEBSITES}
    finish(*(inquiries[key] for key in "abc"))  # d and e stay pending: they finish on screen
    companies = {key: inquiry.company for key, inquiry in inquiries.items()}
    for key, owner in (("a", rep), ("b", manager), ("c", admin_user)):
        company = services.company_assign(company=companies[key], owner=owner, user=admin_user,
                                          note=SHOWN["assigned"])
        companies[key] = company
        services.contact_attempt_log(company=company, channel="email", outcome="sent",
                                     body=NOTE, user=owner, at=now - timedelta(days=10))
        services.activity_note_add(company=company, body=NOTE, user=owner)
        services.grade_override_set(company=company, grade="B", reason=SHOWN["grade"],
                                    user=owner)
        Person.objects.filter(company=company).update(title=SHOWN["person"])
        ContactChannel.objects.filter(company=company).update(note=SHOWN["channel"])
        company.tags.add(Tag.objects.create(name=f"{key}{ALERT}"[:50]))
        vacation_add(company=company, first_day=(now - timedelta(days=40)).date(),
                     last_day=(now - timedelta(days=38)).date(), note=SHOWN["vacation"],
                     user=owner)
    FollowUp.objects.update(note=SVG)
    assert reminders_create(now=now) == 3
    Reminder.objects.update(remind_at=now - timedelta(days=1))
    return {"companies": companies, "inquiries": inquiries}


IN_ROW = (SCRIPT, IMG, TEMPLATE)  # the company's name, as the inbox shows it
ON_CHECKS = (COMPANY, BUYER, PRODUCT, *EVERY, INDUSTRY, KEYWORD,
             *(SHOWN[key] for key in VERIFIED_KEYS))
ON_COMPANY_PAGE = (*ON_CHECKS, *SHOWN.values())  # with the notes of a worked company


def reminder_text(rep_name: str) -> str:
    return f"Dear {BUYER}, {COMPANY} {PRODUCT} {QUOTES} {rep_name} {TEXTAREA}"


def visit_inbox(page, live_server, watch, who: str, *, reflected: bool = False):
    page.goto(f"{live_server.url}/leads/")
    watch.inert(f"{who} inbox", *IN_ROW)
    page.fill("#id_q", "window.__xss=1")
    page.click("#filters button[type=submit]")
    page.wait_for_url(re.compile(r"[?&]q="))
    watch.inert(f"{who} inbox searched", *IN_ROW, values={"#id_q": "window.__xss=1"})
    if not reflected:
        return
    for q in (SCRIPT, IMG):  # payloads in the URL: the search box and the poll endpoint
        page.goto(f"{live_server.url}/leads/?q={quote(q)}")
        watch.inert(f"{who} inbox ?q=payload", values={"#id_q": q})
    page.goto(f"{live_server.url}/leads/poll/?ids={quote(SCRIPT)}")
    watch.inert(f"{who} poll endpoint")


def visit_company(page, live_server, watch, who: str, company, *extra: str):
    page.goto(f"{live_server.url}{company.get_absolute_url()}")
    tag = company.tags.get().name
    watch.inert(f"{who} company {company.pk}", *ON_COMPANY_PAGE, tag, *extra)
    link = page.locator("section.facts a[target=_blank]")
    assert link.get_attribute("href").startswith("http://")


def visit_reminders(page, live_server, watch, who: str, rep_name: str):
    page.goto(f"{live_server.url}/followup/reminders/")
    watch.inert(f"{who} reminders", COMPANY, SHOWN["followup"],
                values={"article.reminder textarea": reminder_text(rep_name)})


def visit_dashboard(page, live_server, watch, who: str):
    page.goto(f"{live_server.url}/followup/dashboard/?days=0")
    watch.inert(f"{who} dashboard", COMPANY, f"{REP_FIRST} {REP_LAST}")


def visit_history(page, live_server, watch, who: str):
    page.goto(f"{live_server.url}/leads/history/")
    watch.inert(f"{who} history", COMPANY, SHOWN["grade"], KEYWORD)


def detector_works(page):
    """The checks fail on a page where payloads do run (a page of its own)."""
    page = page.context.new_page()
    watch = Watch(page)
    page.set_content(f"<p>{IMG}<a href=' {JS_URL}'>x</a>{ALERT}</p>")
    with pytest.raises(AssertionError, match="a payload ran"):
        watch.inert("canary")
    page.evaluate("delete window.__xss")
    with pytest.raises(AssertionError, match="alert: 7"):
        watch.inert("canary")
    watch.dialogs.clear()
    with pytest.raises(AssertionError, match="markup from a payload"):
        watch.inert("canary")
    page.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rep_sees_hostile_text_as_text(live_server, page, rep, hostile):
    watch = Watch(page)
    log_in(page, live_server, "lily", PASSWORD)
    detector_works(page)
    visit_inbox(page, live_server, watch, "rep", reflected=True)
    page.goto(f"{live_server.url}/leads/")

    # A row swapped in by the htmx poll when its checks finish.
    late = hostile["inquiries"]["d"]
    grade = page.locator(f"#company-{late.company_id} .grade")
    expect(grade).to_have_text("…")
    finish(late)
    expect(grade).not_to_have_text("…", timeout=10_000)
    watch.inert("rep inbox after the poll", *IN_ROW)

    visit_company(page, live_server, watch, "rep", hostile["companies"]["a"], REP_FIRST)

    # The checks section swapped in by htmx when the checks finish.
    late = hostile["inquiries"]["e"]
    page.goto(f"{live_server.url}{late.company.get_absolute_url()}")
    expect(page.locator("#checks .checking")).to_have_count(1)
    watch.inert("rep pending company", COMPANY, *EVERY)
    finish(late)
    expect(page.locator("#checks .verification")).to_have_count(1, timeout=10_000)
    watch.inert("rep company after the checks poll", *ON_CHECKS)
    expect(page.locator("#checks mark").first).to_be_visible()

    visit_reminders(page, live_server, watch, "rep", f"{REP_FIRST} {REP_LAST}")
    assert len(watch.checked) == 10, watch.checked


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_sees_hostile_text_as_text(live_server, page, manager, hostile):
    watch = Watch(page)
    log_in(page, live_server, "grace", PASSWORD)
    visit_inbox(page, live_server, watch, "manager")
    visit_company(page, live_server, watch, "manager", hostile["companies"]["b"])
    visit_reminders(page, live_server, watch, "manager", "grace")
    visit_dashboard(page, live_server, watch, "manager")
    visit_history(page, live_server, watch, "manager")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admin_sees_hostile_text_as_text(live_server, page, admin_user, hostile):
    watch = Watch(page)
    log_in(page, live_server, "ada", PASSWORD)
    visit_inbox(page, live_server, watch, "admin")
    visit_company(page, live_server, watch, "admin", hostile["companies"]["c"])
    visit_reminders(page, live_server, watch, "admin", "ada")
    visit_dashboard(page, live_server, watch, "admin")
    visit_history(page, live_server, watch, "admin")

    page.goto(f"{live_server.url}/settings/keywords/")
    watch.inert("admin keywords", INDUSTRY, KEYWORD)
    # The try-it box, through htmx: matches of the hostile keyword, highlighted.
    page.fill("#try-form textarea", PAGE_TEXT)
    page.click("#try-form button[type=submit]")
    expect(page.locator("#try-result mark").first).to_be_visible()
    watch.inert("admin try-it box", INDUSTRY, KEYWORD, SCRIPT, IMG, TEMPLATE, TEXTAREA,
                values={"#try-form textarea": PAGE_TEXT})
    # A new hostile keyword through the form; the history and the list show it.
    page.fill("#keyword-form input[name=term]", TEXTAREA)
    page.select_option("#keyword-form select[name=target]", "hostile")
    page.click("#keyword-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("Keyword added")
    watch.inert("admin keyword added", INDUSTRY, TEXTAREA)
    # Saving the hostile industry: its name in the flash message.
    industry = Industry.objects.get(slug="hostile")
    page.click(f"button[form=industry-{industry.pk}]")
    expect(page.locator(".flash")).to_contain_text("saved")
    watch.inert("admin industry saved", f"{INDUSTRY} saved.")

    page.goto(f"{live_server.url}/settings/")
    watch.inert("admin settings", QUOTES, values={
        "#cadence textarea[name$='-template']": STEP_TEMPLATE,
        "#cadence input[name$='-offer']": QUOTES,
        "#mail-lists textarea[name=role_account]": re.compile(re.escape(TEXTAREA))})
