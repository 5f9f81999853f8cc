"""Email address checks that need no network: syntax, free-mail, disposable, role.

Pure: an address in, an ``AddressCheck`` out.
"""

from dataclasses import asdict, dataclass

from email_validator import EmailNotValidError, validate_email

from leads.mailproviders import DISPOSABLE_DOMAINS, is_free_mail

ROLE_LOCAL_PARTS = frozenset(
    """
    admin administrator info information sales sale contact contacts office enquiry enquiries
    inquiry inquiries purchase purchasing procurement buyer buying import export support help
    service services marketing hello mail email webmaster postmaster hostmaster noreply no-reply
    donotreply team hr jobs careers billing accounts accounting finance orders order shop
    """.split()
)


@dataclass(frozen=True)
class AddressCheck:
    verdict: str  # "none" | "invalid" | "valid_syntax"
    normalized: str = ""
    domain: str = ""
    ascii_domain: str = ""
    free_mail: bool = False
    disposable: bool = False
    role_account: bool = False
    reason: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def check_address(address: str, *, free_domains: frozenset[str] | None = None,
                  role_parts: frozenset[str] | None = None) -> AddressCheck:
    """Syntax (email-validator, internationalised domains too) and the flags.

    ``free_domains`` and ``role_parts`` are the admin-edited lists; the
    built-in defaults when not given.
    """
    role_parts = ROLE_LOCAL_PARTS if role_parts is None else role_parts
    address = (address or "").strip()
    if not address:
        return AddressCheck(verdict="none", reason="no email address given")
    try:
        info = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return AddressCheck(verdict="invalid", reason=str(exc))
    domain = info.ascii_domain.lower()
    local = info.local_part.lower().split("+", 1)[0]
    return AddressCheck(
        verdict="valid_syntax",
        normalized=info.normalized,
        domain=info.domain,
        ascii_domain=domain,
        free_mail=is_free_mail(domain) if free_domains is None else domain in free_domains,
        disposable=domain in DISPOSABLE_DOMAINS,
        role_account=local in role_parts or local.replace(".", "") in role_parts,
        reason="syntax valid",
    )
