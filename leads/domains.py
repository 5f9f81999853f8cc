"""Domain names: the Public Suffix List bundled with tldextract (offline), shared by the
mail parser and the probes. Pure."""

import tldextract

public_suffixes = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registered_domain(host: str) -> str:
    """``www.shop.klarwasser.co.uk`` -> ``klarwasser.co.uk`` (Public Suffix List)."""
    host = host.lower().rstrip(".")
    parts = public_suffixes(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else host
