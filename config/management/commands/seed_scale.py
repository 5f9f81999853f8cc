"""A large, realistic data set for the screens benchmark (issue 9, ``bench/screens.py``).

    python manage.py seed_scale --inquiries 100000 --companies 30000 [--seed 7] [--force]

Companies across many countries, owned by a few reps or in the public pool; inquiries
from Alibaba.com, Made-in-China.com and email with the demo's vocabulary; one finished
(or pending) verification per inquiry; contacts, contact attempts, replies, notes,
status changes; follow-ups of the default cadence and reminders. Rows are written with
``bulk_create`` in chunks, bypassing the services (and so the audit log and the
verification queue): nothing is enqueued. The company headline fields are computed
here from the generated rows with the same rules as ``companies_refresh`` (calling it
for 30,000 companies costs more than generating them); the tests check that both agree.

Refuses to run on a database that has companies unless ``--force`` (which adds another
set on top). Logins: the demo users (``seed_demo``'s passwords) and two more reps.
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import phonenumbers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from config.demo import demo_users_create
from followup.calendar import Calendar, business_window
from followup.models import Cadence, FollowUp, Reminder, Vacation
from leads import demo_data as vocab
from leads.countries import parse_country
from leads.models import (
    CLOSED_STATUSES,
    Activity,
    AssignedVia,
    ChannelKind,
    Company,
    CompanyKey,
    CompanyStatus,
    ContactChannel,
    ImportBatch,
    Inquiry,
    Person,
    Segment,
)
from leads.roles import REP
from leads.timezones import zone_for_country
from verification.models import Verification

# Reps added to the demo's Lily and Kevin (bench logins; passwords printed at the end).
EXTRA_REPS = (("maya", "maya-scale-2026", "Maya", "Chen"), ("omar", "omar-scale-2026", "Omar",
                                                             "Farouk"))
# Countries beyond the demo's, so filters and calendars see many (ISO codes).
MORE_COUNTRIES = (
    "AR BE BG CZ DK FI GR HU IE IL IQ JO KW LK MA MM NZ OM PT QA RO SE SG CH TW TZ UA "
    "UY VE GH ET DZ TN CM KH NP AT SK HR RS LB"
).split()
GENERIC_FIRSTS = ["Alex", "Sam", "Nadia", "Daniel", "Maria", "Ali", "Elena", "Tomas", "Aisha"]
GENERIC_LASTS = ["Novak", "Haddad", "Petrov", "Costa", "Olsen", "Mensah", "Rahman", "Silva"]
PLATFORMS = (("alibaba", 45), ("made-in-china", 30), ("email", 25))
STATUS_FLOW = (CompanyStatus.CONTACTED, CompanyStatus.AWAITING_REPLY, CompanyStatus.REPLIED,
               CompanyStatus.QUOTING, CompanyStatus.WON)
NOTES = ["Buyer prefers WhatsApp in the morning.", "Asked for CE certificates.",
         "Price too high compared with a local supplier.", "Trade fair visitor, met in Canton.",
         "Wants a sample before ordering.", "Distributor, also sells ozone generators."]
CHUNK = 1000  # companies per transaction


@dataclass(frozen=True)
class Place:
    iso: str
    written: str  # as people write it in a form
    code: str  # calling code
    tld: str
    firsts: tuple[str, ...]
    lasts: tuple[str, ...]
    weight: int


@cache
def places() -> tuple[Place, ...]:
    found: dict[str, Place] = {}
    for written, code, tld, firsts, lasts in vocab.COUNTRIES:
        iso = parse_country(written)
        if iso and iso not in found:
            found[iso] = Place(iso, written, code, tld, tuple(firsts), tuple(lasts), 6)
    for iso in MORE_COUNTRIES:
        if iso not in found:
            code = f"+{phonenumbers.country_code_for_region(iso)}"
            found[iso] = Place(iso, iso, code, iso.lower(), tuple(GENERIC_FIRSTS),
                               tuple(GENERIC_LASTS), 1)
    return tuple(found.values())


@cache
def zone_of(iso: str) -> tuple[str, str]:
    zone = zone_for_country(iso)
    return zone.key, zone.stored


@dataclass
class Stats:
    companies: int = 0
    inquiries: int = 0
    verifications: int = 0
    activities: int = 0
    followups: int = 0
    channels: int = 0


@dataclass
class Plan:
    """One company and everything generated for it, before it is written."""

    company: Company
    inquiries: list[Inquiry] = field(default_factory=list)
    verifications: list[Verification] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    channels: list[tuple[str, str, str]] = field(default_factory=list)  # kind, value, person
    keys: list[str] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    reminder_due: bool = False
    vacation: tuple | None = None


class Generator:
    def __init__(self, *, seed: int, now: datetime, reps: list, tag: str):
        self.rng = random.Random(seed)
        self.now = now
        self.reps = reps
        self.tag = tag  # keeps dedup keys and contact keys unique across --force runs
        self.places = places()
        self.place_weights = [p.weight for p in self.places]
        self.industries = list(vocab.WEIGHTS)
        self.industry_weights = [vocab.WEIGHTS[name] for name in self.industries]
        cadence = Cadence.objects.filter(is_default=True).first()
        self.steps = list(cadence.steps.order_by("offset_days")) if cadence else []
        self.window = business_window()
        self.serial = 0

    # --- one company -------------------------------------------------------

    def company(self, number: int, visits: int) -> Plan:
        rng, now = self.rng, self.now
        place = rng.choices(self.places, self.place_weights)[0]
        fake = rng.random() < 0.07
        industry = "fake" if fake else rng.choices(self.industries, self.industry_weights)[0]
        last = rng.choice(place.lasts)
        if fake:
            name = rng.choice(["Global Trading LLC", "Best Import Export",
                               "".join(rng.choice("qwrtzpsdfgklmnbvcx") for _ in range(7))])
            domain = rng.choice(vocab.FAKE_DOMAINS)
            patterns, products, applications = [], ["", "all products"], vocab.FAKE_MESSAGES
        else:
            patterns, products, applications, _target = vocab.INDUSTRIES[industry]
            name = rng.choice(patterns).format(last=last, city=rng.choice(vocab.CITIES),
                                               brand=rng.choice(vocab.BRANDS))
            domain = f"{vocab._slug(name)}-{self.tag}{number}.{place.tld}"
        free_mail = not fake and rng.random() < 0.2
        own_domain = not fake and not free_mail
        zone_key, zone_source = zone_of(place.iso)
        company = Company(
            name=name, domain=domain if own_domain else "", country=place.iso,
            website=f"https://www.{domain}" if own_domain and rng.random() < 0.85 else "",
            time_zone=zone_key, time_zone_source=zone_source,
        )
        plan = Plan(company)
        if own_domain:
            plan.keys.append(f"domain:{domain}")
        first = now - timedelta(days=rng.uniform(0, 365) ** 1.15 / 365 ** 0.15,
                                minutes=rng.randint(0, 1440))
        received = first
        for visit in range(visits):
            if visit:
                received = min(now - timedelta(minutes=rng.randint(1, 600)),
                               received + timedelta(days=rng.expovariate(1 / 20)))
            self._inquiry(plan, place, industry, fake, free_mail, domain, products,
                          applications, received)
        self._headline(plan)
        self._owner_and_history(plan, fake)
        return plan

    def _inquiry(self, plan: Plan, place: Place, industry: str, fake: bool, free_mail: bool,
                 domain: str, products, applications, received: datetime) -> None:
        rng = self.rng
        self.serial += 1
        serial = self.serial
        first = rng.choice(place.firsts)
        person = f"{first} {rng.choice(place.lasts)}"
        if fake:
            local = "".join(rng.choice("qwrtzpsdfgklmnbvcx") for _ in range(7))
            email = f"{local}{serial}@{domain}"
            person = local.title()
        elif free_mail:
            email = f"{vocab._slug(person).replace('-', '.')}{serial}@{rng.choice(vocab.FREE_MAIL)}"
        elif rng.random() < 0.2:
            email = f"{rng.choice(vocab.ROLES)}@{domain}"
        else:
            email = f"{vocab._slug(first).replace('-', '.')}@{domain}"
        if free_mail or fake:
            plan.keys.append(f"email:{email}")
        phone = (f"{place.code} {rng.randint(10, 99)} {rng.randint(1000, 9999)} "
                 f"{rng.randint(100, 999)}") if not fake and rng.random() < 0.7 else ""
        whatsapp = phone if phone and rng.random() < 0.4 else ""
        platform = rng.choices([p for p, _ in PLATFORMS], [w for _, w in PLATFORMS])[0]
        ref = {"alibaba": f"AL{self.tag}{serial:010d}",
               "made-in-china": f"MIC{self.tag}{serial:09d}"}.get(platform, "")
        product = rng.choice(products)
        if fake:
            message = rng.choice(applications)
        else:
            message = " ".join(filter(None, [
                rng.choice(["Hello,", "Dear supplier,", "Hi,", "Good day,"]),
                rng.choice(applications), rng.choice(vocab.CLOSINGS),
                vocab.FOREIGN.get(place.written, "") if rng.random() < 0.5 else "",
            ]))
        dedup = (f"ref:{platform}:{ref}" if ref else "fp:" + hashlib.sha256(
            f"{email}|{received.isoformat()}|{message}|{serial}|{self.tag}".encode()).hexdigest())
        inquiry = Inquiry(
            platform=platform, platform_ref=ref, received_at=received, buyer_name=person,
            company_name=plan.company.name, country=place.iso, email=email, phone=phone,
            whatsapp=whatsapp, website=plan.company.website, product=product,
            quantity=rng.choice(vocab.QUANTITIES) if product else "", message=message,
            dedup_key=dedup, created_at=received,
        )
        plan.inquiries.append(inquiry)
        plan.verifications.append(self._verification(received, industry, fake, free_mail,
                                                     bool(plan.company.website)))
        if person not in plan.people:
            plan.people[person] = Person(name=person[:255])
        for kind, value in ((ChannelKind.EMAIL, email), (ChannelKind.PHONE, phone),
                            (ChannelKind.WHATSAPP, whatsapp)):
            if value and not any(k == kind and v == value for k, v, _ in plan.channels):
                plan.channels.append((kind, value, person))

    def _verification(self, received: datetime, industry: str, fake: bool, free_mail: bool,
                      has_website: bool) -> Verification:
        rng = self.rng
        if self.now - received < timedelta(hours=2) and rng.random() < 0.5:
            return Verification(status=Verification.Status.PENDING, requested_at=received)
        target = not fake and vocab.INDUSTRIES[industry][3]
        fit = 0 if fake else (rng.randint(50, 100) if target and rng.random() < 0.75
                              else rng.randint(0, 49))
        if fake:
            grade, email, website = "D", rng.choice(["undeliverable", "risky"]), "none"
            reasons = [("Disposable mail domain: nobody reads this mailbox.", "-"),
                       ("No website.", "-")]
        elif not has_website:
            grade = "B" if free_mail and rng.random() < 0.5 else "C"
            email = "deliverable" if grade == "B" else rng.choice(["unknown", "risky"])
            website = "none"
            reasons = [("Free-mail address.", "-") if free_mail else ("No website given.", "i"),
                       ("The mailbox exists.", "+") if grade == "B"
                       else ("The mail server does not say whether the mailbox exists.", "i")]
        else:
            roll = rng.random()
            website = "reachable" if roll < 0.85 else rng.choice(["parked", "unreachable"])
            email = "deliverable" if rng.random() < 0.85 else "unknown"
            grade = "C" if website != "reachable" else "A" if fit >= 50 else "B"
            reasons = [("The website works.", "+") if website == "reachable"
                       else (f"The website is {website}.", "-"),
                       ("The mailbox exists.", "+") if email == "deliverable"
                       else ("The mail server does not say whether the mailbox exists.", "i")]
        reasons.append((f"Fit {fit}: {industry}." if fit else "No target keywords.",
                        "+" if fit >= 50 else "i"))
        low, high = {"A": (75, 100), "B": (55, 74), "C": (30, 54), "D": (0, 29)}[grade]
        verified = received + timedelta(seconds=rng.randint(5, 300))
        return Verification(
            status=Verification.Status.DONE, email_status=email, website_status=website,
            fit=fit, score=rng.randint(low, high), grade=grade,
            reasons=[{"text": text, "effect": effect} for text, effect in reasons],
            email_provider="" if fake else rng.choice(["", "Google", "Microsoft 365", ""]),
            domain_match=None if not has_website else True, attempts=1, runs=1,
            requested_at=received, started_at=received, verified_at=verified,
        )

    def _headline(self, plan: Plan) -> None:
        """The fields companies_refresh keeps, from this company's inquiries."""
        company = plan.company
        pairs = sorted(zip(plan.inquiries, plan.verifications, strict=True),
                       key=lambda pair: pair[0].received_at, reverse=True)
        latest = pairs[0][0]
        company.inquiry_count = len(pairs)
        company.last_received_at = latest.received_at
        company.verification_pending = any(v.status == Verification.Status.PENDING
                                           for _, v in pairs)
        text = latest.product or " ".join(latest.message[:200].split())
        company.platform = latest.platform
        company.summary = text[:197] + "…" if len(text) > 200 else text
        head = next((v for _, v in pairs if v.verified_at is not None), None)
        company.verified_grade = head.grade if head else ""
        company.grade = company.verified_grade
        company.score = head.score if head else None
        company.email_status = head.email_status if head else ""
        company.website_status = head.website_status if head else ""
        company.fit = head.fit if head else None
        company.created_at = min(i.received_at for i, _ in pairs)

    def _owner_and_history(self, plan: Plan, fake: bool) -> None:
        rng, now, company = self.rng, self.now, plan.company
        first = company.created_at
        if rng.random() < 0.3:  # untouched, waits in the public pool
            return
        rep = rng.choice(self.reps)
        assigned = first + timedelta(minutes=rng.randint(5, 240))
        if assigned > now:
            return
        company.owner = rep
        company.owner_since = assigned
        company.assigned_via = rng.choice([AssignedVia.RULE, AssignedVia.ROUND_ROBIN,
                                           AssignedVia.CLAIM])
        company.assigned_note = {"rule": "Rule: country", "round_robin": "Round robin",
                                 "claim": "Claimed from the pool"}[company.assigned_via]
        add = plan.activities.append
        add(Activity(kind=Activity.Kind.ASSIGNMENT, created_at=assigned,
                     body=f"Public pool → {rep.get_full_name()} ({company.assigned_note})"))
        status = CompanyStatus.NEW
        if fake and rng.random() < 0.8:
            add(Activity(kind=Activity.Kind.STATUS_CHANGE, author=rep, created_at=assigned,
                         from_status=status, to_status=CompanyStatus.FAKE,
                         body="Disposable mail domain and no real website."))
            company.status = CompanyStatus.FAKE
            return
        moment = assigned + timedelta(hours=rng.randint(1, 30))
        steps = rng.choice([0, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5])
        contact = reply = None
        for target in STATUS_FLOW[:steps]:
            if moment > now:
                break
            if target in (CompanyStatus.CONTACTED, CompanyStatus.AWAITING_REPLY):
                add(Activity(kind=Activity.Kind.CONTACT_ATTEMPT, author=rep, created_at=moment,
                             channel=ChannelKind.EMAIL if target == CompanyStatus.CONTACTED
                             else rng.choice([ChannelKind.EMAIL, ChannelKind.WHATSAPP]),
                             outcome=Activity.Outcome.SENT,
                             body="Sent catalogue, price list (FOB Shanghai) and certificates."))
                contact = moment
            if target == CompanyStatus.REPLIED:
                add(Activity(kind=Activity.Kind.REPLY, author=rep, created_at=moment,
                             channel=ChannelKind.EMAIL,
                             body="Buyer asked for lamp lifetime data and a sample price."))
                reply = moment
            add(Activity(kind=Activity.Kind.STATUS_CHANGE, author=rep, created_at=moment,
                         from_status=status, to_status=target))
            status = target
            moment += timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 12))
        if status == CompanyStatus.AWAITING_REPLY and rng.random() < 0.25 and moment < now:
            add(Activity(kind=Activity.Kind.STATUS_CHANGE, author=rep, created_at=moment,
                         from_status=status, to_status=CompanyStatus.LOST,
                         body="No answer after the whole cadence."))
            status = CompanyStatus.LOST
        if rng.random() < 0.2:
            add(Activity(kind=Activity.Kind.NOTE, author=rep, body=rng.choice(NOTES),
                         created_at=min(now, assigned + timedelta(hours=rng.randint(1, 400)))))
        company.status = status
        company.last_contact_at, company.last_reply_at = contact, reply
        if status == CompanyStatus.WON:
            company.segment = Segment.CURRENT
        elif status == CompanyStatus.QUOTING and rng.random() < 0.3:
            company.segment = Segment.FAVOURITE
        if rng.random() < 0.01 and company.verified_grade:
            company.grade_override = rng.choice("AB")
            company.grade_override_reason = "Met them at the trade fair."
            company.grade = company.grade_override
        if contact is not None and self.steps:
            self._followups(plan, contact, replied=reply is not None)

    def _followups(self, plan: Plan, contact: datetime, *, replied: bool) -> None:
        """The default cadence from the first contact: done steps, then the open one."""
        rng, company = self.rng, plan.company
        zone = zone_for_country(company.country).zone
        if zone is None:
            return
        if rng.random() < 0.02:
            start = (contact + timedelta(days=rng.randint(5, 30))).date()
            plan.vacation = (start, start + timedelta(days=rng.randint(2, 14)))
        calendar = Calendar(country=company.country, zone=zone, window=self.window,
                            vacations=[(*plan.vacation, "trade fair")] if plan.vacation else [])
        closed = company.status in CLOSED_STATUSES
        previous = 0
        base = contact
        for step in self.steps:
            due = calendar.add_business_days(base, step.offset_days - previous).utc
            previous = step.offset_days
            followup = FollowUp(step=step, due_at=due, time_zone=zone.key,
                                channel=ChannelKind.EMAIL, created_at=base)
            plan.followups.append(followup)
            if replied or closed:
                followup.status = FollowUp.Status.CANCELLED
                return
            if due > self.now or rng.random() < 0.35:
                followup.status = FollowUp.Status.SCHEDULED
                company.next_followup_at = due
                plan.reminder_due = due <= self.now
                return
            # Done at about its time: a contact attempt.
            done = due + timedelta(minutes=rng.randint(0, 600))
            if done > self.now:
                done = self.now - timedelta(minutes=1)
            followup.status, followup.done_at = FollowUp.Status.DONE, done
            plan.activities.append(Activity(
                kind=Activity.Kind.CONTACT_ATTEMPT, author=company.owner, created_at=done,
                channel=ChannelKind.EMAIL, outcome=Activity.Outcome.SENT,
                body=f"Follow-up, day {step.offset_days}."))
            company.last_contact_at = max(company.last_contact_at, done)
            base = done


def write(plans: list[Plan], batch: ImportBatch, stats: Stats) -> None:
    """Everything for these companies, in dependency order, in one transaction."""
    with transaction.atomic():
        Company.objects.bulk_create([p.company for p in plans])
        people, inquiries, verifications, keys, activities = [], [], [], [], []
        for plan in plans:
            for person in plan.people.values():
                person.company = plan.company
                people.append(person)
            for inquiry in plan.inquiries:
                inquiry.company, inquiry.batch = plan.company, batch
                inquiries.append(inquiry)
            keys += [CompanyKey(key=key, company=plan.company) for key in plan.keys]
            for activity in plan.activities:
                activity.company = plan.company
                activities.append(activity)
        Person.objects.bulk_create(people)
        Inquiry.objects.bulk_create(inquiries, batch_size=2000)
        for plan in plans:
            for inquiry, verification in zip(plan.inquiries, plan.verifications, strict=True):
                verification.inquiry = inquiry
                verifications.append(verification)
        Verification.objects.bulk_create(verifications, batch_size=2000)
        CompanyKey.objects.bulk_create(keys, ignore_conflicts=True)
        channels = [ContactChannel(company=plan.company, kind=kind, value=value,
                                   person=plan.people.get(person))
                    for plan in plans for kind, value, person in plan.channels]
        ContactChannel.objects.bulk_create(channels, batch_size=2000)
        Activity.objects.bulk_create(activities, batch_size=2000)
        followups = []
        for plan in plans:
            for followup in plan.followups:
                followup.company = plan.company
                followups.append(followup)
        FollowUp.objects.bulk_create(followups, batch_size=2000)
        Reminder.objects.bulk_create([
            Reminder(followup=f, user=plan.company.owner, remind_at=f.due_at)
            for plan in plans if plan.reminder_due for f in plan.followups
            if f.status == FollowUp.Status.SCHEDULED])
        Vacation.objects.bulk_create([
            Vacation(company=plan.company, first_day=plan.vacation[0], last_day=plan.vacation[1],
                     note="trade fair") for plan in plans if plan.vacation])
    stats.companies += len(plans)
    stats.inquiries += len(inquiries)
    stats.verifications += len(verifications)
    stats.activities += len(activities)
    stats.followups += len(followups)
    stats.channels += len(channels)


def users_create() -> list:
    """The demo users, plus two more reps; returns the reps."""
    demo = demo_users_create()
    User = get_user_model()
    group = Group.objects.get(name=REP)
    reps = [demo["lily"], demo["kevin"]]
    for username, password, first, last in EXTRA_REPS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last,
                                         "email": f"{username}@leadqual.example"})
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(group)
        reps.append(user)
    return reps


def visits_per_company(rng: random.Random, companies: int, inquiries: int) -> list[int]:
    """Every company has one inquiry; the rest go to a few, as with real buyers."""
    counts = [1] * companies
    weights = [rng.paretovariate(1.6) for _ in range(companies)]
    for index in rng.choices(range(companies), weights, k=max(0, inquiries - companies)):
        counts[index] += 1
    return counts


class Command(BaseCommand):
    help = ("Fill the database with N inquiries over M companies, with verifications, "
            "activities and follow-ups (benchmarks; see bench/screens.py).")

    def add_arguments(self, parser):
        parser.add_argument("--inquiries", type=int, default=100_000)
        parser.add_argument("--companies", type=int, default=30_000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--force", action="store_true",
                            help="add the data set although the database has companies")

    def handle(self, *args, inquiries: int, companies: int, seed: int, force: bool,
               verbosity: int, **options):
        if companies < 1 or inquiries < companies:
            raise CommandError("need at least one company and one inquiry per company")
        existing = Company.objects.count()
        if existing and not force:
            raise CommandError(f"the database already has {existing} companies; "
                               "seed_scale fills an empty one (--force adds to it)")
        started = time.monotonic()
        reps = users_create()
        generator = Generator(seed=seed, now=timezone.now(), reps=reps,
                              tag=f"s{seed}x{existing}" if existing else "")
        batch = ImportBatch.objects.create(source=ImportBatch.Source.DEMO,
                                           filename="seed_scale", file_format="generated")
        visits = visits_per_company(generator.rng, companies, inquiries)
        stats = Stats()
        bar = tqdm(total=inquiries, unit="inq", disable=verbosity == 0, file=sys.stderr,
                   dynamic_ncols=True, desc="seed_scale")
        for start in range(0, companies, CHUNK):
            plans = [generator.company(existing + number, visits[number])
                     for number in range(start, min(start + CHUNK, companies))]
            write(plans, batch, stats)
            bar.update(sum(len(p.inquiries) for p in plans))
            bar.set_postfix_str(f"{stats.companies} companies, {stats.activities} activities, "
                                f"{stats.followups} follow-ups", refresh=False)
        bar.close()
        ImportBatch.objects.filter(pk=batch.pk).update(imported_count=stats.inquiries)
        if verbosity:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"seed_scale: {stats.companies} companies, {stats.inquiries} inquiries, "
                f"{stats.verifications} verifications, {stats.activities} activities, "
                f"{stats.followups} follow-ups, {stats.channels} contacts in {seconds:.1f} s "
                f"({stats.inquiries / seconds:.0f} inquiries/s)")
            self.stdout.write("logins: grace / grace-demo-2026 (manager), lily / "
                              "lily-demo-2026 (rep); more in config/demo.py and EXTRA_REPS")
