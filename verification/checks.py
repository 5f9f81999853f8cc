"""All checks of one inquiry, from its fields to a grade. No database writes.

``checks_run`` calls the network probes with the configured settings;
``rescore`` recomputes fit and grade from what a ``Verification`` stored
(after a keyword edit), without any network.
"""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from leads.domains import registered_domain
from verification.config import probe_config
from verification.fit import FitResult
from verification.fitscore import assess
from verification.grading import Grade, Signals, grade_inquiry, readable_letters
from verification.lists import fit_model, keyword_matcher, mail_lists
from verification.probes.email import EmailVerdict, check_email
from verification.probes.website import (
    NONE,
    Hop,
    WebsiteCheck,
    check_website,
    split_url,
    website_target,
)
from verification.probes.whois import DomainAge, lookup_domain_age


class DomainCache:
    """Per-domain probe results in the shared cache, for ``LEADQUAL_DOMAIN_CACHE_SECONDS``."""

    def get(self, key: str):
        return cache.get(f"domain:{key}")

    def set(self, key: str, value, *, seconds: int | None = None) -> None:
        cache.set(f"domain:{key}", value,
                  timeout=seconds or settings.LEADQUAL_DOMAIN_CACHE_SECONDS)


@dataclass
class Outcome:
    email: EmailVerdict
    website: WebsiteCheck
    ages: dict[str, DomainAge]
    domain_match: bool | None
    fit: FitResult
    grade: Grade
    mail_risks: tuple[str, ...] = ()

    def apply(self, v) -> None:
        """Copy the results onto a ``Verification``."""
        v.email_status = self.email.status
        v.email_flags = sorted(self.email.flags)
        v.email_normalized = self.email.normalized
        v.email_provider = self.email.provider
        w = self.website
        v.website_status = w.status
        v.website_url = w.url[:500]
        v.website_final_url = w.final_url[:2000]
        v.website_title = w.title[:500]
        v.website_description = w.description[:2000]
        v.website_language = w.language[:10]
        v.website_text = w.text
        v.website_headings = w.headings
        v.domain_match = self.domain_match
        created = [age.created for age in self.ages.values() if age.created]
        v.domain_created = min(created) if created else None
        v.evidence = {
            "email": {"status": self.email.status, "reason": self.email.reason,
                      "provider": self.email.provider, **self.email.evidence},
            "website": w.as_dict(),
            "whois": {domain: age.as_dict() for domain, age in self.ages.items()},
            "mail": {"risks": list(self.mail_risks)},
        }
        _apply_fit_grade(v, self.fit, self.grade)  # after: it adds the fit's own evidence


def _apply_fit_grade(v, fit: FitResult, grade: Grade) -> None:
    v.fit = fit.fit
    v.fit_matches = fit.matches
    v.fit_industries = fit.industries
    v.evidence = {**(v.evidence or {}), "fit": fit.details()}
    v.grade, v.score, v.reasons = grade.grade, grade.score, grade.reasons


def checks_run(*, email: str, website: str, company_name: str = "", message: str = "",
               today: date | None = None, mail_risks: tuple[str, ...] = (),
               target_label: bool | None = None) -> Outcome:
    """``target_label``: the team's word on the company (``FitLabel``), which wins over
    the fit in the grade."""
    config = probe_config()
    free, roles = mail_lists()
    domain_cache = DomainCache()
    verdict = check_email(email, resolver=config.resolver, smtp=config.smtp, free_domains=free,
                          role_parts=roles, cache=domain_cache)
    personal = bool(verdict.flags & {"free_provider", "disposable"})
    target = website_target(website, verdict.domain, email_is_personal=personal)
    site = _website(target, config, domain_cache)

    site_host = _host(site.final_url or site.url)
    asked_host = _host(site.url)
    domain_match = None
    if verdict.domain and not personal and (site_host or asked_host):
        email_domain = registered_domain(verdict.domain)
        domain_match = email_domain in {registered_domain(h) for h in (site_host, asked_host)
                                        if h}
    ages: dict[str, DomainAge] = {}
    domains = []
    if verdict.domain and not personal:
        domains.append(registered_domain(verdict.domain))
    if asked_host:
        domains.append(registered_domain(asked_host))
    for domain in dict.fromkeys(domains):
        ages[domain] = _domain_age(domain, config, domain_cache)

    fit = fit_for(site, company_name, message)
    grade = grade_for(verdict.status, set(verdict.flags), verdict.reason, bool(email.strip()),
                      site.status, site.reason, asked_host, domain_match,
                      {d: a.created for d, a in ages.items()}, fit, today=today,
                      mail_risks=mail_risks, page=site, target_label=target_label)
    return Outcome(verdict, site, ages, domain_match, fit, grade, tuple(mail_risks))


def fit_for(site_or_fields, company_name: str, message: str) -> FitResult:
    matcher, _ = keyword_matcher()
    s = site_or_fields
    return assess(matcher, fit_model(), {
        "title": s.title, "description": s.description, "headings": s.headings,
        "text": s.text, "company": company_name, "message": message}, language=s.language)


def grade_for(email_status, flags, email_reason, has_email, website_status, website_reason,
              website_host, domain_match, created, fit: FitResult, *, today=None,
              mail_risks=(), page=None, target_label: bool | None = None) -> Grade:
    """``page``: the website's texts (title, description, headings, text) the fit read."""
    _, names = keyword_matcher()
    return grade_inquiry(Signals(
        email_status=email_status, email_flags=flags, email_reason=email_reason,
        has_email=has_email, website_status=website_status or NONE,
        website_reason=website_reason, website_host=website_host, domain_match=domain_match,
        domain_created=created, fit=fit.fit,
        fit_industries=[names.get(slug, slug).lower() for slug in fit.industries],
        today=today or timezone.localdate(), young_days=settings.LEADQUAL_YOUNG_DOMAIN_DAYS,
        mail_risks=list(mail_risks), fit_source=fit.source,
        page_letters=readable_letters(page.title, page.description, page.headings, page.text)
        if page is not None else 0,
        fit_against=[negative["term"] for negative in fit.negatives],
        target_label=target_label,
    ))


def rescore(v, *, company_name: str, message: str, target_label: bool | None = None) -> None:
    """Recompute fit and grade of a stored verification from its stored texts."""
    page = _Stored(v.website_title, v.website_description, v.website_text,
                   v.website_language, v.website_headings)
    fit = fit_for(page, company_name, message)
    evidence = v.evidence or {}
    created = {domain: (date.fromisoformat(age["created"]) if age.get("created") else None)
               for domain, age in evidence.get("whois", {}).items()}
    email = evidence.get("email", {})
    has_email = email.get("address", {}).get("verdict", "none") != "none"
    grade = grade_for(v.email_status, set(v.email_flags), email.get("reason", ""), has_email,
                      v.website_status, evidence.get("website", {}).get("reason", ""),
                      _host(v.website_url), v.domain_match, created, fit,
                      mail_risks=evidence.get("mail", {}).get("risks", ()), page=page,
                      target_label=target_label)
    _apply_fit_grade(v, fit, grade)


@dataclass
class _Stored:
    title: str
    description: str
    text: str
    language: str = ""
    headings: str = ""


def _host(url: str) -> str:
    if not url:
        return ""
    try:
        return split_url(url)[1] if "://" not in url else (urlsplit(url).hostname or "")
    except ValueError:
        return ""


def _website(target: str, config, domain_cache: DomainCache) -> WebsiteCheck:
    """The website's check, shared for ``LEADQUAL_WEBSITE_CACHE_SECONDS`` by the inquiries
    that name the same site (a hung site costs its timeouts once, not once per inquiry)."""
    if not target:
        return check_website(target, resolver=config.resolver, settings=config.http)
    cached = domain_cache.get(f"site:{target}")
    if cached:
        return WebsiteCheck(**{**cached, "chain": [Hop(**hop) for hop in cached["chain"]]})
    site = check_website(target, resolver=config.resolver, settings=config.http)
    domain_cache.set(f"site:{target}", site.as_dict(with_text=True),
                     seconds=settings.LEADQUAL_WEBSITE_CACHE_SECONDS)
    return site


def _domain_age(domain: str, config, domain_cache: DomainCache) -> DomainAge:
    cached = domain_cache.get(f"whois:{domain}")
    if cached:
        created = cached.get("created")
        return DomainAge(**{**cached, "created": date.fromisoformat(created) if created
                            else None})
    age = lookup_domain_age(domain, resolver=config.resolver, timeout=config.timeout,
                            server=config.whois_server, allow=config.allow)
    if age.status != "error":
        domain_cache.set(f"whois:{domain}", age.as_dict())
    return age
