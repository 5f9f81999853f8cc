"""The probes' settings, read from Django settings (``LEADQUAL_*``) once per process.

The same ``ProbeConfig`` serves every check while the settings stay the same, so its
DNS resolver's cache and the SMTP gate's Redis connections are shared by every thread.
"""

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


_SETTINGS = ("LEADQUAL_PROBE_TIMEOUT", "LEADQUAL_PROBE_ALLOW_NETWORKS", "LEADQUAL_DNS_SERVERS",
             "LEADQUAL_SMTP_MAX_PER_HOST", "REDIS_URL", "VAR_DIR", "LEADQUAL_WHOIS_SERVER",
             "LEADQUAL_SMTP_HELO", "LEADQUAL_SMTP_FROM", "LEADQUAL_SMTP_PORT",
             "LEADQUAL_HTTP_PORT", "LEADQUAL_HTTPS_PORT", "LEADQUAL_WEBSITE_MAX_BYTES",
             "LEADQUAL_PROBE_CA_BUNDLE", "LEADQUAL_YOUNG_DOMAIN_DAYS")
_built: dict[tuple, ProbeConfig] = {}
DNS_CACHE_ENTRIES = 50_000  # answers kept for their TTL: MX hosts' and web hosts' addresses


def probe_config() -> ProbeConfig:
    key = tuple(str(getattr(settings, name)) for name in _SETTINGS)
    config = _built.get(key)
    if config is None:
        if len(_built) > 8:  # settings changed under tests: keep only the current ones
            _built.clear()
        config = _built[key] = _build()
    return config


def _build() -> ProbeConfig:
    timeout = settings.LEADQUAL_PROBE_TIMEOUT
    allow = tuple(parse_networks(settings.LEADQUAL_PROBE_ALLOW_NETWORKS))
    servers = parse_servers(settings.LEADQUAL_DNS_SERVERS)
    gate = host_gate(limit=settings.LEADQUAL_SMTP_MAX_PER_HOST, wait=timeout * 6,
                     hold=timeout * 12)
    whois = None
    if settings.LEADQUAL_WHOIS_SERVER:
        host, _, port = settings.LEADQUAL_WHOIS_SERVER.rpartition(":")
        whois = (host, int(port)) if host else (port, 43)
    resolver = make_resolver(servers, timeout=timeout)
    resolver.cache = dns.resolver.LRUCache(DNS_CACHE_ENTRIES)  # thread-safe; honours TTLs
    return ProbeConfig(
        resolver=resolver,
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
