"""The email verdict: syntax and flags, DNS, then the mailbox itself.

``email_status`` is one of deliverable, undeliverable, risky (catch-all,
disposable or full inbox) and unknown, with ``email_flags`` saying why.
"""

from dataclasses import dataclass, field
from typing import Protocol

import dns.resolver

from verification.probes.dns import MailHosts, lookup_mail_hosts
from verification.probes.email_address import check_address
from verification.probes.smtp import (
    DELIVERABLE,
    RISKY,
    UNDELIVERABLE,
    UNKNOWN,
    SmtpSettings,
    check_mailbox,
)

# MX host name suffix -> (provider, its RCPT answer proves the mailbox exists)
MAIL_PROVIDERS = (
    ("aspmx.l.google.com", "Google Workspace", True),
    ("googlemail.com", "Google", True),
    ("google.com", "Google", True),
    ("mail.protection.outlook.com", "Microsoft 365", False),
    ("olc.protection.outlook.com", "Outlook.com", True),
    ("yahoodns.net", "Yahoo", True),
    ("zoho.com", "Zoho", True),
    ("zoho.eu", "Zoho", True),
    ("qq.com", "Tencent (QQ / Exmail)", True),
    ("163.com", "NetEase", True),
    ("126.com", "NetEase", True),
    ("netease.com", "NetEase", True),
    ("pphosted.com", "Proofpoint gateway", False),
    ("ppe-hosted.com", "Proofpoint gateway", False),
    ("mimecast.com", "Mimecast gateway", False),
    ("barracudanetworks.com", "Barracuda gateway", False),
)


class DomainCache(Protocol):
    """Per-domain results shared between probes (MX hosts, catch-all)."""

    def get(self, key: str): ...

    def set(self, key: str, value) -> None: ...


@dataclass
class EmailVerdict:
    status: str
    flags: set[str] = field(default_factory=set)
    reason: str = ""
    provider: str = ""
    retry: bool = False
    evidence: dict = field(default_factory=dict)
    normalized: str = ""
    domain: str = ""  # ASCII form


def mail_provider(mx_hosts: list[str]) -> tuple[str, bool]:
    """The provider behind these MX hosts, and whether its RCPT answers mean anything."""
    for host in mx_hosts:
        for suffix, name, meaningful in MAIL_PROVIDERS:
            if host == suffix or host.endswith("." + suffix):
                return name, meaningful
    return "", True


def check_email(address: str, *, resolver: dns.resolver.Resolver, smtp: SmtpSettings,
                free_domains: frozenset[str] | None = None,
                role_parts: frozenset[str] | None = None,
                cache: DomainCache | None = None) -> EmailVerdict:
    syntax = check_address(address, free_domains=free_domains, role_parts=role_parts)
    evidence: dict = {"address": syntax.as_dict()}
    if syntax.verdict == "none":
        return EmailVerdict(UNKNOWN, reason="no email address given",
                            evidence=evidence)
    if syntax.verdict == "invalid":
        return EmailVerdict(UNDELIVERABLE,
                            reason=f"not a valid address: {syntax.reason}", evidence=evidence)
    flags = {flag for flag, on in (("free_provider", syntax.free_mail),
                                   ("disposable", syntax.disposable),
                                   ("role_account", syntax.role_account)) if on}
    domain = syntax.ascii_domain
    hosts = _mail_hosts(domain, resolver, cache)
    evidence["dns"] = hosts.as_dict()
    provider, meaningful = mail_provider([host for _, host in hosts.hosts])
    known_catch_all = cache.get(f"catch_all:{domain}") if cache else None
    mailbox = check_mailbox(syntax.normalized, hosts, smtp, resolver,
                            known_catch_all=known_catch_all)
    if cache is not None and mailbox.catch_all is not None and known_catch_all is None:
        cache.set(f"catch_all:{domain}", mailbox.catch_all)
    evidence["smtp"] = mailbox.as_dict()
    verdict = EmailVerdict(mailbox.status, flags | mailbox.flags, mailbox.reason,
                           provider=provider, retry=mailbox.retry, evidence=evidence,
                           normalized=syntax.normalized, domain=domain)
    if not meaningful and (verdict.status == DELIVERABLE or verdict.flags == flags | {"catch_all"}):
        # Accepting a made-up address is how this provider always answers: not a catch-all
        # of the domain, and not proof of the mailbox either.
        verdict.flags.discard("catch_all")
        verdict.status = UNKNOWN
        verdict.reason = (f"{provider} accepts any recipient when asked, so its answer does "
                          "not show that the mailbox exists")
    if "disposable" in flags and verdict.status in (DELIVERABLE, UNKNOWN):
        verdict.status = RISKY
        verdict.reason = f"disposable address ({syntax.ascii_domain}); {verdict.reason}"
    return verdict


def _mail_hosts(domain: str, resolver: dns.resolver.Resolver,
                cache: DomainCache | None) -> MailHosts:
    """MX lookup, reused from the cache when the domain was looked up recently."""
    cached = cache.get(f"mx:{domain}") if cache else None
    if cached:
        return MailHosts(**{**cached, "hosts": [tuple(pair) for pair in cached["hosts"]]})
    hosts = lookup_mail_hosts(domain, resolver)
    if cache is not None and hosts.status != "error":  # a DNS failure is not a fact to keep
        cache.set(f"mx:{domain}", hosts.as_dict())
    return hosts
