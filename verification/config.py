"""The probes' settings, read once from Django settings (``LEADQUAL_*``)."""

from dataclasses import dataclass

import dns.resolver
from django.conf import settings

from verification.politeness import host_gate
from verification.probes.dns import make_resolver, parse_servers
from verification.probes.netguard import IPNetwork, parse_networks
from verification.probes.smtp import SmtpSettings
from verification.probes.website import HttpSettings


@dataclass(frozen=True)
class ProbeConfig:
    resolver: dns.resolver.Resolver
    smtp: SmtpSettings
    http: HttpSettings
    whois_server: tuple[str, int] | None
    allow: tuple[IPNetwork, ...]
    timeout: float
    young_domain_days: int


def probe_config() -> ProbeConfig:
    timeout = settings.LEADQUAL_PROBE_TIMEOUT
    allow = tuple(parse_networks(settings.LEADQUAL_PROBE_ALLOW_NETWORKS))
    servers = parse_servers(settings.LEADQUAL_DNS_SERVERS)
    gate = host_gate(limit=settings.LEADQUAL_SMTP_MAX_PER_HOST, wait=timeout * 6,
                     hold=timeout * 12)
    whois = None
    if settings.LEADQUAL_WHOIS_SERVER:
        host, _, port = settings.LEADQUAL_WHOIS_SERVER.rpartition(":")
        whois = (host, int(port)) if host else (port, 43)
    return ProbeConfig(
        resolver=make_resolver(servers, timeout=timeout),
        smtp=SmtpSettings(helo=settings.LEADQUAL_SMTP_HELO, mail_from=settings.LEADQUAL_SMTP_FROM,
                          port=settings.LEADQUAL_SMTP_PORT, timeout=timeout, allow=allow,
                          gate=gate),
        http=HttpSettings(http_port=settings.LEADQUAL_HTTP_PORT,
                          https_port=settings.LEADQUAL_HTTPS_PORT, timeout=timeout,
                          max_bytes=settings.LEADQUAL_WEBSITE_MAX_BYTES, allow=allow,
                          ca_certs=settings.LEADQUAL_PROBE_CA_BUNDLE or None),
        whois_server=whois,
        allow=allow,
        timeout=timeout,
        young_domain_days=settings.LEADQUAL_YOUNG_DOMAIN_DAYS,
    )
