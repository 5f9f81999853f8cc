"""The email verdict: syntax and flags, DNS, then the mailbox itself.

``email_status`` is one of deliverable, undeliverable, risky (catch-all,
disposable or full inbox) and unknown, with ``email_flags`` saying why.
"""

from dataclasses import dataclass, field

import dns.resolver

from verification.probes.dns import lookup_mail_hosts
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


@dataclass
class EmailVerdict:
    status: str
    flags: set[str] = field(default_factory=set)
    reason: str = ""
    provider: str = ""
    retry: bool = False
    evidence: dict = field(default_factory=dict)


def mail_provider(mx_hosts: list[str]) -> tuple[str, bool]:
    """The provider behind these MX hosts, and whether its RCPT answers mean anything."""
    for host in mx_hosts:
        for suffix, name, meaningful in MAIL_PROVIDERS:
            if host == suffix or host.endswith("." + suffix):
                return name, meaningful
    return "", True


def check_email(address: str, *, resolver: dns.resolver.Resolver,
                smtp: SmtpSettings) -> EmailVerdict:
    syntax = check_address(address)
    evidence: dict = {"address": syntax.as_dict()}
    if syntax.verdict == "none":
        return EmailVerdict(UNKNOWN, reason="no email address given", evidence=evidence)
    if syntax.verdict == "invalid":
        return EmailVerdict(UNDELIVERABLE, reason=f"not a valid address: {syntax.reason}",
                            evidence=evidence)
    flags = {flag for flag, on in (("free_provider", syntax.free_mail),
                                   ("disposable", syntax.disposable),
                                   ("role_account", syntax.role_account)) if on}
    hosts = lookup_mail_hosts(syntax.ascii_domain, resolver)
    evidence["dns"] = hosts.as_dict()
    provider, meaningful = mail_provider([host for _, host in hosts.hosts])
    mailbox = check_mailbox(syntax.normalized, hosts, smtp, resolver)
    evidence["smtp"] = mailbox.as_dict()
    verdict = EmailVerdict(mailbox.status, flags | mailbox.flags, mailbox.reason,
                           provider=provider, retry=mailbox.retry, evidence=evidence)
    if verdict.status == DELIVERABLE and not meaningful:
        verdict.status = UNKNOWN
        verdict.reason = (f"{provider} accepts any recipient when asked, so its answer does "
                          "not show that the mailbox exists")
    if "disposable" in flags and verdict.status in (DELIVERABLE, UNKNOWN):
        verdict.status = RISKY
        verdict.reason = f"disposable address ({syntax.ascii_domain}); {verdict.reason}"
    return verdict
