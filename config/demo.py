"""Demo users and a realistic pipeline for trying Leadqual (``seed_demo``)."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from followup.services import library_demo_seed
from leads import services
from leads.importer import GENERIC, Table
from leads.models import (
    Activity,
    AssignmentRule,
    ChannelKind,
    Company,
    CompanyStatus,
    ImportBatch,
    Segment,
    TeamSettings,
)
from leads.roles import ADMIN, MANAGER, REP
from verification.probes.email_address import check_address


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    first_name: str
    last_name: str


# Demo only: these passwords are printed by `make run` on purpose.
DEMO_USERS = (
    DemoUser("lily", "lily-demo-2026", REP, "Lily", "Zhang"),
    DemoUser("kevin", "kevin-demo-2026", REP, "Kevin", "Liu"),
    DemoUser("grace", "grace-demo-2026", MANAGER, "Grace", "Wang"),
    DemoUser("admin", "admin-demo-2026", ADMIN, "Ada", "Admin"),
)


def demo_users_create() -> dict[str, object]:
    User = get_user_model()
    users = {}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={"first_name": demo.first_name, "last_name": demo.last_name,
                      "email": f"{demo.username}@leadqual.example",
                      "is_staff": demo.role == ADMIN, "is_superuser": demo.role == ADMIN},
        )
        if created:
            user.set_password(demo.password)
            user.save()
        user.groups.add(Group.objects.get(name=demo.role))
        users[demo.username] = user
    return users


def demo_seed(*, seed: int = 7) -> ImportBatch | None:
    """Users, ~300 inquiries and a worked pipeline; does nothing if already seeded."""
    from leads.demo_data import demo_rows

    users = demo_users_create()
    if ImportBatch.objects.filter(source=ImportBatch.Source.DEMO).exists():
        return None
    rows = [{k: v for k, v in row.items() if not k.startswith("_")}
            for row in demo_rows(now=timezone.now(), seed=seed)]
    # Rules share out part of the import; the rest waits in the pool for the
    # manager (round robin is switched on afterwards, for new inquiries).
    _demo_rules(users)
    team = TeamSettings.load()
    team.round_robin = False
    team.save()
    table = Table(headers=list(rows[0]), rows=[(n, row) for n, row in enumerate(rows, start=2)],
                  file_format="demo", encoding="")
    batch = services.inquiries_import(table=table, preset=GENERIC,
                                      source=ImportBatch.Source.DEMO, filename="demo data")
    _work_the_pipeline(users, random.Random(seed))
    team.round_robin = True
    team.save()
    _demo_mail(users)
    library_demo_seed(user=users["admin"])  # a catalogue and a price list to attach
    return batch


def _demo_rules(users: dict) -> None:
    for priority, (name, kind, values, rep) in enumerate([
        ("Ballasts and drivers → Kevin", AssignmentRule.Kind.PRODUCT, "ballast, driver", "kevin"),
        ("Middle East and South Asia → Lily", AssignmentRule.Kind.COUNTRY,
         "Middle East, South Asia", "lily"),
        ("Latin America → Kevin", AssignmentRule.Kind.COUNTRY, "Latin America", "kevin"),
    ], start=1):
        AssignmentRule.objects.get_or_create(name=name, defaults={
            "kind": kind, "values": values, "rep": users[rep], "priority": priority * 10})


@transaction.atomic
def _work_the_pipeline(users: dict, rng: random.Random) -> None:
    """Give reps companies and history, so every screen has something to show."""
    now = timezone.now()
    reps = [users["lily"], users["kevin"]]
    manager = users["grace"]
    flow = [CompanyStatus.CONTACTED, CompanyStatus.AWAITING_REPLY, CompanyStatus.REPLIED,
            CompanyStatus.QUOTING, CompanyStatus.WON]
    companies = list(Company.objects.order_by("pk"))
    rng.shuffle(companies)
    for index, company in enumerate(companies):
        first = company.inquiries.order_by("received_at").first()
        if company.owner is None:
            if index % 4 == 3:
                continue  # stays in the public pool, untouched
            company = services.company_assign(company=company, owner=reps[index % 2],
                                              user=manager)
        rep = company.owner
        assigned_at = first.received_at + timedelta(minutes=rng.randint(5, 90))
        Activity.objects.filter(company=company, kind=Activity.Kind.ASSIGNMENT).update(
            created_at=assigned_at)
        Company.objects.filter(pk=company.pk).update(owner_since=assigned_at)
        emails = company.inquiries.exclude(email="").values_list("email", flat=True)
        if any(check_address(email).disposable for email in emails):
            services.company_set_status(
                company=company, status=CompanyStatus.FAKE, user=rep,
                note="Disposable mail domain and no real website: not worth chasing.",
            )
            continue
        steps = rng.choice([0, 1, 2, 2, 2, 3, 3, 4, 5])
        moment = first.received_at + timedelta(hours=rng.randint(2, 30))
        for status in flow[:steps]:
            if moment > now:
                break  # a recent inquiry has not got that far yet
            if status in (CompanyStatus.CONTACTED, CompanyStatus.AWAITING_REPLY):
                channel = ChannelKind.EMAIL if status == CompanyStatus.CONTACTED else rng.choice(
                    [ChannelKind.EMAIL, ChannelKind.WHATSAPP])
                Activity.objects.create(
                    company=company, kind=Activity.Kind.CONTACT_ATTEMPT, channel=channel,
                    outcome=Activity.Outcome.SENT, author=rep, created_at=moment,
                    body="Sent catalogue, price list (FOB Shanghai) and CE/RoHS certificates.",
                )
            if status == CompanyStatus.REPLIED:
                Activity.objects.create(
                    company=company, kind=Activity.Kind.REPLY, channel=ChannelKind.EMAIL,
                    author=rep, created_at=moment,
                    body="Buyer asked for lamp lifetime data and a sample price.",
                )
            company = services.company_set_status(company=company, status=status, user=rep)
            Activity.objects.filter(company=company, to_status=status).update(created_at=moment)
            moment += timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 12))
        if company.status == CompanyStatus.WON:
            Company.objects.filter(pk=company.pk).update(segment=Segment.CURRENT)
        elif company.status == CompanyStatus.QUOTING and rng.random() < 0.3:
            Company.objects.filter(pk=company.pk).update(segment=Segment.FAVOURITE)
    services.companies_refresh(company_ids=[c.pk for c in companies])
    # Companies waiting for an answer follow the default cadence from their last contact.
    from followup.cadence import cadence_advance

    for company in Company.objects.filter(
            owner__isnull=False, last_contact_at__gte=now - timedelta(days=21),
            status__in=[CompanyStatus.CONTACTED, CompanyStatus.AWAITING_REPLY]):
        cadence_advance(company, at=company.last_contact_at)


def _demo_message(*, sender: str, subject: str, text: str, html: str = "",
                  attachment: tuple[str, bytes] | None = None, days_ago: int = 1,
                  headers: dict | None = None) -> bytes:
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = "sales@leadqual.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now() - timedelta(days=days_ago, hours=3))
    message["Message-ID"] = make_msgid(domain="demo.leadqual.example")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if attachment:
        message.add_attachment(attachment[1], maintype="application",
                               subtype="octet-stream", filename=attachment[0])
    return message.as_bytes()


def _demo_mail(users: dict) -> None:
    """The sales mailbox's latest mail as the intake screened it: two phishing lures and
    an SEO offer held back, a buyer whose mail carries a risk (an HTML attachment) let
    through with a warning. The mailbox is not polled (no server behind it)."""
    from leads.mail.services import mail_ingest
    from leads.models import Mailbox

    mailbox, _ = Mailbox.objects.get_or_create(
        username="sales@leadqual.example",
        defaults={"name": "Sales (demo, not read)", "host": "imap.leadqual.example",
                  "active": False})
    mailbox.readers.add(users["lily"], users["kevin"])
    lure_link = "https://login.xn--libaba-2nf.example/trade/order_detail.htm?orderId=2611883"
    for raw in (
        _demo_message(
            sender='"Alibaba.com" <notice@service.xn--libaba-2nf.example>',
            subject="A buyer sent you a Purchase Order - sign in to view",
            text=f"Dear Supplier,\n\nA buyer has sent you a Purchase Order through Trade "
                 f"Assurance (USD 14,600).\nFor your security the order can only be viewed "
                 f"after signing in.\n\nView Purchase Order: {lure_link}\n",
            html=f'<p>Dear Supplier,</p><p>A buyer has sent you a Purchase Order.</p><p>'
                 f'<a href="{lure_link}">https://message.alibaba.com/order/2611883</a></p>'),
        _demo_message(
            sender="Procurement Dept <purchase@harbor-aqua.example>",
            subject="New Purchase Order PO-8823 - please confirm",
            text="Dear Sir,\n\nPlease find our PO attached and confirm the delivery date.\n",
            attachment=("PO_8823.pdf.exe", b"MZ demo stand-in, not a program"), days_ago=2),
        _demo_message(
            sender="Ryan <ryan.seo.expert@gmail.com>",
            subject="Your website is not on the first page of Google",
            text="Hi, I checked your website: it is not on the first page of Google for "
                 "\"UV lamp manufacturer\". We can rank it in 90 days, guaranteed.\n"),
        _demo_message(
            sender="Marta Ruiz <m.ruiz@aguas-del-norte.example>",
            subject="RFQ: UV-C lamps for our drinking water plant",
            text="Dear sales team,\n\nWe need 120 UV-C amalgam lamps (320 W) for a drinking "
                 "water plant in Monterrey. Our specification is attached.\n\nBest "
                 "regards,\nMarta Ruiz\nAguas del Norte S.A. de C.V.\n",
            attachment=("Especificacion_lamparas.html",
                        b"<html><body><h1>Especificacion</h1></body></html>")),
    ):
        mail_ingest(raw=raw, mailbox=mailbox)
