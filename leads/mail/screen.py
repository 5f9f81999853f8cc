"""The screening verdict of one received message, before it can become an inquiry or a
reply: Leadqual's own checks (``leads.mail.phishing``) together with the answer of the
generic spam filter (rspamd), when one answered.

Pure: no Django, no network (the caller asks rspamd and passes its answer in).

- **phishing**: a strong sign of the exporters' checks (a look-alike domain, a forged
  marketplace notice, a dangerous attachment, a credential or payment lure), or several
  weaker ones together;
- **spam**: the generic filter says spam (its "add header" line and above: with the
  connection-level checks off it no longer scores buyers' mail so high), or its points
  and a sign of ours reach that line together, or an unsolicited offer no buyer makes
  (or two of a milder kind, or one in bulk mail);
- **risky**: passed, but carrying a sign the rep should see (an HTML attachment, a link
  that shows another host, a failed authentication);
- **clean**.

Phishing and spam are held back; risky mail goes on with its warning.
"""

from dataclasses import dataclass
from email.message import EmailMessage

from leads.mail.phishing import (
    PHISHING_AT,
    STRONG,
    WARN_AT,
    Sign,
    gettext_noop,
    new_sign,
    signs_of,
)

# rspamd's symbols that speak of phishing (its own phishing module, and the URL checks)
PHISHING_SYMBOLS = ("PHISHING", "PHISHED_OPENPHISH", "PHISHED_PHISHTANK", "HTTP_TO_IP",
                    "SUSPICIOUS_URL_IN_SUSPICIOUS_MESSAGE")
SPAM_ACTIONS = ("reject", "add header", "rewrite subject")
SPAM_LINE = 6.0  # rspamd's "add header" line in our configuration (local.d/actions.conf)
OFFER_AT = 3.0  # unsolicited offers: two kinds together, or one in bulk mail


@dataclass(frozen=True)
class Screening:
    verdict: str  # "phishing", "spam", "risky", "clean"
    score: float
    signs: tuple[Sign, ...]
    spam_score: float | None = None  # the generic filter's, None when it did not answer
    spam_action: str = ""
    spam_symbols: tuple[tuple[str, float], ...] = ()
    filters: str = ""  # which filters answered, for the record and the page

    @property
    def held(self) -> bool:
        return self.verdict in ("phishing", "spam")


def weight_of(signs) -> float:
    """The signs' weight: each kind counted once, at its heaviest (a newsletter's ten
    click-counter links are one sign, not ten)."""
    heaviest: dict[str, float] = {}
    for sign in signs:
        heaviest[sign.code] = max(heaviest.get(sign.code, 0.0), sign.weight)
    return sum(heaviest.values())


def _beside(signs) -> float:
    """Our signs that the filter's score does not count already (it scores disguised
    links itself: a newsletter's click counters would count twice)."""
    return weight_of([sign for sign in signs if sign.code not in (
        "credential_link", "filter_phishing", "filter_spam")])


def screen(message: EmailMessage, *, from_name: str = "", from_address: str = "",
           subject: str = "", own_domains: tuple[str, ...] = (),
           own_names: tuple[str, ...] = (), spam=None, spam_error: str = "") -> Screening:
    """``spam``: the generic filter's answer (``leads.mail.rspamd.SpamScore``) or None;
    ``spam_error``: why there is none (the filter is off or did not answer)."""
    signs = signs_of(message, from_name=from_name, from_address=from_address,
                     subject=subject, own_domains=own_domains, own_names=own_names)
    own = weight_of(signs)
    symbols: tuple[tuple[str, float], ...] = ()
    if spam is not None:
        symbols = tuple(sorted(((s.name, round(s.score, 2)) for s in spam.symbols
                                if s.score), key=lambda item: -abs(item[1])))
        phished = [name for name, _ in symbols if name in PHISHING_SYMBOLS]
        if phished:
            signs = [*signs, new_sign("filter_phishing", 3.0, gettext_noop(
                "the spam filter's phishing checks: {symbols}"), symbols=", ".join(phished))]
            own += 3.0
    strong = any(sign.weight >= STRONG for sign in signs)
    generic = spam.action if spam is not None else ""
    offers = [sign for sign in signs if sign.code == "unsolicited_offer"]
    beside = _beside(signs)
    fraud = own - weight_of(offers)
    if strong or fraud >= PHISHING_AT:
        verdict = "phishing"
    elif generic in SPAM_ACTIONS or sum(sign.weight for sign in offers) >= OFFER_AT or (
            spam is not None and beside >= WARN_AT and spam.score + beside >= SPAM_LINE):
        # The filter's points and our signs on one scale: a mail the team taught the
        # filter to doubt (Bayes) that also carries a sign of our own.
        verdict = "spam"
    elif own >= WARN_AT:
        verdict = "risky"
    else:
        verdict = "clean"
    if generic in SPAM_ACTIONS:
        top = ", ".join(name for name, _ in symbols[:3])
        signs = [*signs, new_sign("filter_spam", 3.0, gettext_noop(
            "the spam filter scored it {score} ({symbols})"), score=f"{spam.score:.1f}",
            symbols=top)]
    if spam is not None:
        filters = " ".join(filter(None, ("rspamd", spam.version, "+ Leadqual's checks")))
    else:
        filters = "Leadqual's checks only" + (f" ({spam_error})" if spam_error else "")
    score = round(own + (spam.score if spam is not None else 0.0), 2)
    return Screening(verdict, score, tuple(signs), spam.score if spam is not None else None,
                     generic, symbols[:12], filters[:300])
