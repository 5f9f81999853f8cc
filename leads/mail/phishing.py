"""Exporters' own checks on a received message: what a generic spam filter does not know.

Pure: no Django. ``signs_of(message)`` reads one message (``email.message.EmailMessage``)
and returns the signs of phishing or fraud it carries, each a named reason with its
evidence (the host, the file, the sentence, in the mail's own language):

- **marketplace impersonation**: a display name, subject or body that claims Alibaba.com,
  Made-in-China.com, Global Sources, DHgate, Tencent Exmail, Alibaba Mail, Microsoft 365
  or a carrier, while the sending domain or the links are not theirs;
- **look-alike domains**: the brand's name written with confusable letters (Unicode
  confusables via the ``confusables`` package, punycode decoded), one letter changed
  (the permutations of ``dnstwist``), or inside another domain
  (``alibaba.com.secure-login.example``, ``alibaba-notice.example``);
- **credential lures**: a link that shows one host and goes to another, "sign in / verify
  / view the order" links away from the brand's hosts, forms that ask for a password;
- **dangerous attachments**: HTML/SVG with a form or script, disk images, executables and
  scripts, macro Office files, archives that hold any of these or are encrypted, double
  extensions;
- **payment diversion and advance fees**: "our bank account has changed", "pay the
  certification fee to receive the order", "send your email password";
- **authentication**: an ``Authentication-Results`` header (the receiving provider's, the
  topmost) that fails SPF/DKIM/DMARC, and a ``Reply-To`` on another domain than ``From``.

Each sign has a weight; ``leads.mail.screen`` turns the signs (and a generic filter's
answer, when one answered) into the verdict. A strong sign alone makes the mail phishing.

Each sign's evidence is an English sentence made of a template marked with
``gettext_noop`` and its params: the mail's own words (hosts, files, addresses, its
sentences, brand names), kept as they are, or other phrases (``Phrase``), translated too.
The pages show the sentence in the reader's language (``leads.selectors.sign_reasons``);
logs and tests read ``evidence``, the English one.
"""

import functools
import io
import ipaddress
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from leads.domains import registered_domain
from leads.mail.parse import part_text
from leads.mailproviders import is_free_mail

STRONG = 10.0  # one sign of this weight makes the mail phishing
PHISHING_AT = 6.0  # signs adding up to this make it phishing too
WARN_AT = 1.5  # below the hold, a sign this heavy is shown as a risk


def gettext_noop(text: str) -> str:
    """Marks an English sentence for the translation catalogue (Django's ``makemessages``
    extracts this name); it is translated where it is shown, not here: no Django."""
    return text


@dataclass(frozen=True)
class Phrase:
    """A translatable piece of a sign's sentence: a ``gettext_noop`` template with named
    ``{placeholders}`` and their params (the mail's own words, or other phrases).
    ``str()`` is the English text."""
    template: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"template": self.template, "params": _stored(self.params)}

    def __str__(self) -> str:
        return render(self.template, self.params)


def _phrase(template: str, **params) -> Phrase:
    return Phrase(template, params)


def _stored(params: dict) -> dict:
    """The params as JSON: a nested phrase as {"template": ..., "params": {...}}."""
    return {key: value.as_dict() if isinstance(value, Phrase) else value
            for key, value in params.items()}


def _nested(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("template"), str) and \
        isinstance(value.get("params", {}), dict)


def render(template: str, params: dict, translate: Callable[[str], str] | None = None) -> str:
    """The sentence: ``translate`` (``gettext``; none: English) applied to the template
    and to every nested phrase's, the params put in as they are. A template that does not
    fit its params (a translator's typo) raises KeyError, ValueError or IndexError."""
    values = {}
    for key, value in (params or {}).items():
        if isinstance(value, Phrase):
            value = value.as_dict()
        if _nested(value):
            value = render(value["template"], value.get("params") or {}, translate)
        values[key] = value
    return (translate(template) if translate else template).format(**values)


@dataclass(frozen=True)
class Sign:
    code: str  # marketplace_impersonation, lookalike_domain, credential_link, ...
    weight: float
    evidence: str  # what was seen, defanged where it is an address; English
    template: str = ""  # the evidence's sentence, for the catalogue ("" on old records)
    params: dict = field(default_factory=dict, compare=False)  # stored: JSON

    def as_dict(self) -> dict:
        return {"code": self.code, "weight": self.weight, "evidence": self.evidence,
                "template": self.template, "params": self.params}

    @property
    def phrase(self) -> Phrase:
        return Phrase(self.template, self.params)


def new_sign(code: str, weight: float, template: str, **params) -> Sign:
    """A sign whose evidence is ``template`` (marked with ``gettext_noop``) with ``params``
    in: the mail's own words, or phrases to translate too."""
    stored = _stored(params)
    return Sign(code, weight, render(template, stored), template, stored)


@dataclass(frozen=True)
class Brand:
    name: str
    claims: re.Pattern  # how a mail names it
    domains: frozenset[str]  # registered domains that are really theirs
    labels: tuple[str, ...]  # names whose look-alikes are looked for
    any_tld: bool = False  # dhl.de, dhl.co.uk: the name under any suffix is theirs


def _claims(*words: str) -> re.Pattern:
    return re.compile("|".join(words), re.IGNORECASE)


BRANDS = (
    Brand("Alibaba.com", _claims(r"alibaba(?!\s*mail)", "阿里巴巴", r"trade\s*assurance"),
          frozenset({"alibaba.com", "alibaba-inc.com", "alibaba.net", "alibabacloud.com",
                     "alicdn.com", "1688.com", "alibabagroup.com", "alibaba.com.cn",
                     "aliexpress.com", "aliexpress.ru", "taobao.com", "alipay.com"}),
          ("alibaba", "aliexpress", "alibabagroup", "1688")),
    Brand("Made-in-China.com", _claims(r"made[- ]in[- ]china\.com", "made-in-china",
                                       "中国制造网", "focus technology"),
          frozenset({"made-in-china.com", "made-in-china.net", "micstatic.com",
                     "focuschina.com"}),
          ("made-in-china", "madeinchina")),
    Brand("Global Sources", _claims(r"global\s?sources", "环球资源"),
          frozenset({"globalsources.com", "globalsources.com.cn"}), ("globalsources",)),
    Brand("DHgate", _claims(r"dhgate", "敦煌网"),
          frozenset({"dhgate.com", "dhresource.com", "dhstatic.com"}), ("dhgate",)),
    Brand("Tencent Exmail", _claims(r"tencent\s*(?:ex)?mail", r"\bexmail\b", "腾讯企业邮",
                                    "企业微信邮箱"),
          frozenset({"qq.com", "tencent.com", "exmail.qq.com", "foxmail.com"}),
          ("exmail", "tencent")),
    Brand("Alibaba Mail", _claims(r"alibaba\s*mail", r"aliyun\s*mail", r"\balimail\b",
                                  "阿里(?:企业)?邮箱", "阿里云邮"),
          frozenset({"aliyun.com", "alibaba-inc.com", "mxhichina.com", "alibabacloud.com",
                     "qiye.aliyun.com"}),
          ("aliyun", "mxhichina", "alimail")),
    Brand("Microsoft 365", _claims(r"microsoft", r"office\s*365", r"\bm365\b", r"onedrive",
                                   r"sharepoint", r"outlook\s+web", r"\bexchange\s+online"),
          frozenset({"microsoft.com", "office.com", "office365.com", "microsoftonline.com",
                     "sharepoint.com", "onedrive.com", "live.com", "outlook.com",
                     "office.net", "msft.net", "microsoft365.com", "azure.com"}),
          ("microsoft", "office365", "onedrive", "sharepoint", "microsoftonline")),
    Brand("DHL", _claims(r"\bDHL\b"), frozenset({"dhl.com", "dpdhl.com", "dhl.de"}),
          ("dhl",), any_tld=True),
    Brand("FedEx", _claims(r"\bfedex\b"), frozenset({"fedex.com"}), ("fedex",),
          any_tld=True),
    Brand("UPS", _claims(r"\bUPS\b(?! and)"), frozenset({"ups.com"}), ("ups",), any_tld=True),
    Brand("USPS", _claims(r"\bUSPS\b"), frozenset({"usps.com"}), ("usps",)),
    Brand("Aramex", _claims(r"aramex", "أرامكس"), frozenset({"aramex.com"}), ("aramex",),
          any_tld=True),
    Brand("SF Express", _claims(r"sf[\s-]?express", "顺丰"), frozenset({"sf-express.com"}),
          ("sf-express", "sfexpress")),
    Brand("DocuSign", _claims(r"docu\s?sign"), frozenset({"docusign.com", "docusign.net"}),
          ("docusign",)),
    Brand("WeTransfer", _claims(r"we\s?transfer"), frozenset({"wetransfer.com", "we.tl"}),
          ("wetransfer",)),
    Brand("Dropbox", _claims(r"dropbox"), frozenset({"dropbox.com", "dropboxusercontent.com"}),
          ("dropbox",)),
    Brand("Adobe", _claims(r"adobe\s+(?:sign|acrobat|document\s+cloud)"),
          frozenset({"adobe.com", "adobesign.com", "acrobat.com"}), ("adobe",)),
    Brand("PayPal", _claims(r"paypal"), frozenset({"paypal.com", "paypal.me"}), ("paypal",),
          any_tld=True),
)
# Names that are common words or parts of words: only an exact label counts for these.
SHORT = 5


# --- look-alike domains -------------------------------------------------------------


# dnstwist's names of its kinds of change, shown in the evidence ("one change from alibaba
# (transposition)") and translated there.
FUZZERS = (gettext_noop("addition"), gettext_noop("bitsquatting"), gettext_noop("homoglyph"),
           gettext_noop("hyphenation"), gettext_noop("insertion"), gettext_noop("omission"),
           gettext_noop("repetition"), gettext_noop("replacement"),
           gettext_noop("transposition"), gettext_noop("vowel-swap"))


@functools.lru_cache(maxsize=256)
def _fuzzed(label: str) -> tuple[tuple[str, str], ...]:
    """dnstwist's one-change permutations of a name, with the fuzzer's kind. Its homoglyphs
    are taken from the ASCII table only (rn for m, 1 for l, vv for w): Unicode look-alikes
    are read back by ``_skeletons`` instead, at a fraction of the cost."""
    import dnstwist

    fuzzer = dnstwist.Fuzzer(f"{label}.com")
    fuzzer.glyphs_idn_by_tld = {fuzzer.tld: {}}
    fuzzer.glyphs_unicode = {}
    fuzzer.generate(fuzzers=list(FUZZERS))
    found = []
    for item in fuzzer.domains:
        name = item["domain"].rsplit(".", 1)[0]
        if "." not in name and name.isascii() and name != label:
            found.append((name, item["fuzzer"]))
    return tuple(found)


@functools.cache
def _permutations() -> dict[str, tuple[Brand, str]]:
    """Every one-change permutation of the brands' names, the brand it imitates and the
    fuzzer's kind."""
    found: dict[str, tuple[Brand, str]] = {}
    for brand in BRANDS:
        for label in brand.labels:
            if len(label) >= SHORT:
                for name, fuzzer in _fuzzed(label):
                    found.setdefault(name, (brand, fuzzer))
    return found


def _unicode_host(host: str) -> str:
    host = host.strip().strip(".").lower()
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--")
                          else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def _skeletons(token: str) -> set[str]:
    """The token as its confusable letters read (``аlibaba`` with a Cyrillic а,
    ``a1ibaba``): the ``confusables`` package's readings, ASCII ones only."""
    from confusables import normalize

    if token.isascii() and token.isalpha():
        return {token}
    readings = normalize(token, prioritize_alpha=True)[:16]
    return {reading for reading in readings if reading.isascii()} | {token}


def brand_of_domain(domain: str) -> Brand | None:
    """The brand whose own domain this is (``message.alibaba.com`` -> Alibaba.com)."""
    registered = registered_domain(_unicode_host(domain))
    for brand in BRANDS:
        if registered in brand.domains:
            return brand
        if brand.any_tld and registered.split(".", 1)[0] in brand.labels:
            return brand
    return None


OWN_DOMAIN = gettext_noop("your own domain")  # the team's own domains as a brand's name


def own_brand(domains) -> tuple[Brand, ...]:
    """The team's own domains as a brand to protect ("your mailbox is full" on
    ``uvlamp-factory.test.mail-quota.example``); free-mail domains are nobody's own."""
    registered = {registered_domain(_unicode_host(d)) for d in domains if d}
    registered = {d for d in registered if "." in d and not is_free_mail(d)}
    labels = tuple(sorted({d.split(".", 1)[0] for d in registered}))
    if not labels:
        return ()
    return (Brand(OWN_DOMAIN, _claims(r"(?!)"), frozenset(registered), labels),)


def _brand_name(brand: Brand) -> str | Phrase:
    """The brand's name in a sentence: a name stays as it is; "your own domain" is words."""
    return _phrase(OWN_DOMAIN) if brand.name == OWN_DOMAIN else brand.name


def lookalike(host: str, extra: tuple[Brand, ...] = ()) -> tuple[Brand, Phrase] | None:
    """(the brand a host imitates, how: a phrase, ``str()`` its English) — or None for a
    brand's own host and for hosts that resemble no brand. ``extra``: more names to
    protect (the team's own domain, the host a link shows)."""
    host = _unicode_host(host)
    brands = BRANDS + extra
    registered = registered_domain(host) if host else ""
    if not host or any(registered in brand.domains for brand in extra) or \
            brand_of_domain(host) is not None:
        return None
    labels = [label for label in host.split(".") if label]
    tokens = []
    for label in labels:
        tokens.append(label)
        if "-" in label:
            tokens += label.split("-")
            tokens.append(label.replace("-", ""))
    joined = host.replace(".", "-")
    squeezed = [label.replace("-", "") for label in labels]
    for brand in brands:
        for name in brand.labels:
            if name in tokens or (len(name) >= SHORT and "-" in name and
                                  f"-{name}-" in f"-{joined}-") or (
                    len(name) >= 6 and any(name.replace("-", "") in label
                                           for label in squeezed)):
                return brand, _phrase(gettext_noop("the name {name} inside another domain"),
                                      name=name)
    permutations = _permutations()
    for token in tokens:
        if len(token) < SHORT:
            continue
        for reading in _skeletons(token) - {token}:
            for brand in brands:
                if reading in brand.labels:
                    return brand, _phrase(
                        gettext_noop("{name} written with look-alike letters"), name=reading)
        if token in permutations:
            brand, fuzzer = permutations[token]
            return brand, _phrase(gettext_noop("one change from {name} ({kind})"),
                                  name=brand.labels[0], kind=_phrase(fuzzer))
        for brand in extra:
            for label in brand.labels:
                if len(label) >= SHORT and label.isascii():
                    kind = dict(_fuzzed(label)).get(token)
                    if kind:
                        return brand, _phrase(
                            gettext_noop("one change from {name} ({kind})"), name=label,
                            kind=_phrase(kind))
    return None


# --- what the message holds ------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    href: str
    host: str  # lower case, "" for mailto: and relative links
    shown: str  # the text the reader sees


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)
_SHOWN_THEN_TARGET = re.compile(r"(https?://[^\s<>\"']+)\s*<(https?://[^\s<>\"']+)>")
_HOSTISH = re.compile(r"(?:https?://)?((?:[a-z0-9\u00a1-\uffff-]+\.)+[a-z\u00a1-\uffff]{2,})"
                      r"(?=[/:\s]|$)", re.IGNORECASE)


def _host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def text_parts(message: EmailMessage) -> tuple[list[str], list[str]]:
    """(html bodies, text bodies) of the message, attachments excluded."""
    html, text = [], []
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        if part.get_content_maintype() != "text":
            continue
        (html if part.get_content_subtype() == "html" else text).append(part_text(part))
    return html, text


def links_of(html_bodies: list[str], text_bodies: list[str]) -> list[Link]:
    links = []
    for html in html_bodies:
        tree = LexborHTMLParser(html)
        for node in tree.css("a[href]"):
            href = (node.attributes.get("href") or "").strip()
            links.append(Link(href, _host(href), " ".join(node.text(deep=True).split())))
        for node in tree.css("form[action]"):
            action = (node.attributes.get("action") or "").strip()
            links.append(Link(action, _host(action), "(a form)"))
    for text in text_bodies:
        for shown, target in _SHOWN_THEN_TARGET.findall(text):
            links.append(Link(target, _host(target), shown))
        for url in _URL.findall(text):
            links.append(Link(url, _host(url), url))
    return links


def attachments_of(message: EmailMessage) -> list[Attachment]:
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename() or ""
        if not name and part.get_content_disposition() != "attachment":
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except (ValueError, TypeError):
            data = b""
        found.append(Attachment(str(name), part.get_content_type(), data))
    return found


def defang(host_or_url: str) -> str:
    """``https://evil.example/x`` -> ``hxxps://evil[.]example/x``: shown, never clickable."""
    return (host_or_url.replace("http://", "hxxp://").replace("https://", "hxxps://")
            .replace(".", "[.]"))


# --- the signs ---------------------------------------------------------------------------


def signs_of(message: EmailMessage, *, from_name: str = "", from_address: str = "",
             subject: str = "", own_domains: tuple[str, ...] = (),
             own_names: tuple[str, ...] = ()) -> list[Sign]:
    """Every sign of phishing or fraud the message carries (``from_*`` and ``subject`` as
    the mail parser read them, decoded; read here from the headers when not given).
    ``own_domains``: the team's domains (its mailbox's), protected like a brand; the
    domains the mail was delivered to are added. ``own_names``: the team's names (a
    stranger's address under a colleague's name is how "the boss" asks for a transfer)."""
    if not from_address:
        pairs = getaddresses([str(message.get("From", ""))])
        from_name, from_address = pairs[0] if pairs else ("", "")
    subject = subject or str(message.get("Subject", ""))
    from_domain = from_address.rpartition("@")[2].lower()
    html, text = text_parts(message)
    links = links_of(html, text)
    attachments = attachments_of(message)
    words = "\n".join(text) or "\n".join(_html_text(body) for body in html)
    delivered = [a.rpartition("@")[2] for header in ("Delivered-To", "X-Original-To", "To")
                 for a in _addresses(message, header)]
    own = own_brand(tuple(own_domains) + tuple(delivered))
    claimed = _claimed_brands(from_name, subject, words)
    signs: list[Sign] = []
    signs += _lookalikes(message, from_domain, links, own, claimed)
    signs += _impersonation(claimed, from_name, from_address, from_domain, subject, links)
    signs += _link_signs(links, claimed, from_domain, own)
    signs += _lure_signs(from_name, from_domain, subject, words, links, own,
                         _addresses(message, "Delivered-To") + _addresses(message, "To"))
    signs += _form_signs(html, attachments)
    signs += _attachment_signs(attachments, words)
    signs += _fraud_signs(subject + "\n" + words)
    signs += _offer_signs(message, subject, words)
    signs += _authentication_signs(message, from_domain, own)
    signs += _reply_to_signs(message, from_domain, own)
    signs += _colleague_signs(from_name, from_address, from_domain, own, own_names)
    return _merged(signs)


def _html_text(html: str) -> str:
    tree = LexborHTMLParser(html)
    for node in tree.css("style,script,head"):
        node.decompose()
    root = tree.body or tree.root
    return root.text(deep=True, separator=" ") if root is not None else ""


def _merged(signs: list[Sign]) -> list[Sign]:
    """One sign per code and evidence; the heaviest of a kind first."""
    seen, merged = set(), []
    for sign in sorted(signs, key=lambda s: -s.weight):
        if (sign.code, sign.evidence) not in seen:
            seen.add((sign.code, sign.evidence))
            merged.append(sign)
    return merged


def _addresses(message: EmailMessage, header: str) -> list[str]:
    values = [str(value) for value in message.get_all(header, [])]
    return [address.lower() for _, address in getaddresses(values) if "@" in address]


def _lookalikes(message: EmailMessage, from_domain: str, links: list[Link],
               own: tuple[Brand, ...], claimed: dict[Brand, str]) -> list[Sign]:
    signs = []
    where = [(gettext_noop("sender {host}: imitates {brand} ({how})"), from_domain)]
    where += [(gettext_noop("Reply-To {host}: imitates {brand} ({how})"), a.rpartition("@")[2])
              for a in _addresses(message, "Reply-To")]
    where += [(gettext_noop("link {host}: imitates {brand} ({how})"), link.host)
              for link in links if link.host]
    for sentence, host in where:
        found = lookalike(host, own)
        if not found:
            continue
        brand, how = found
        if min(map(len, brand.labels)) < SHORT and brand not in claimed:
            continue  # "ups", "dhl" inside a name: only when the mail speaks for them
        signs.append(new_sign("lookalike_domain", STRONG, sentence, host=defang(host),
                           brand=_brand_name(brand), how=how))
    return signs


def _claimed_brands(from_name: str, subject: str, words: str) -> dict[Brand, str]:
    """The brands the mail speaks for, and where it says so."""
    claimed = {}
    for brand in BRANDS:
        if brand.claims.search(from_name):
            claimed[brand] = "sender name"
        elif brand.claims.search(subject):
            claimed[brand] = "subject"
        elif brand.claims.search(words):
            claimed[brand] = "text"
    return claimed


_FORWARD = re.compile(r"^\s*(?:fwd?|fw|tr|wg|rv|enc|i|pd|转发|轉寄|пересл)\s*[:：]",
                      re.IGNORECASE)


def _impersonation(claimed: dict[Brand, str], from_name: str, from_address: str,
                   from_domain: str, subject: str, links: list[Link]) -> list[Sign]:
    signs = []
    sender_brand = brand_of_domain(from_domain) if from_domain else None
    forwarded = bool(_FORWARD.search(subject))
    for brand, where in claimed.items():
        if sender_brand is brand and not is_free_mail(from_domain):
            continue
        foreign = [link for link in links if link.host and _credential(link, paths=False)
                   and brand_of_domain(link.host) is not brand]
        if where == "sender name":
            signs.append(new_sign("marketplace_impersonation", STRONG, gettext_noop(
                'the sender calls itself "{name}" but writes from {address}'),
                name=from_name, address=defang(from_address)))
        elif where == "subject" and not forwarded and foreign:
            signs.append(new_sign("marketplace_impersonation", STRONG, gettext_noop(
                "the subject speaks for {brand}; its sign-in link goes to {host}"),
                brand=brand.name, host=defang(foreign[0].host)))
        elif foreign:  # newsletters speak of Microsoft too: shown, not held, alone
            signs.append(new_sign("marketplace_impersonation", 2.0, gettext_noop(
                "the text speaks for {brand}; a link to act goes to {host}"),
                brand=brand.name, host=defang(foreign[0].host)))
    return signs


_ACT = re.compile("|".join((
    r"sign[\s-]?in", r"log[\s-]?in", r"log[\s-]?on", r"verify", r"verification", r"validate",
    r"confirm (?:your|account|identity|now)", r"view (?:the |your )?(?:purchase |)"
    r"(?:order|po|document|file|invoice|inquiry|message|details|rfq|quotation)",
    r"update (?:your |now|account|payment|details)", r"unlock", r"reactivate", r"restore",
    r"download (?:the |your )?(?:document|file|order|invoice|po)", r"access (?:the |your )?"
    r"(?:document|file|order|account|mailbox)", r"open (?:the )?(?:document|file|order)",
    r"review (?:the )?(?:document|order|invoice)", r"keep (?:my |your )?password",
    r"release (?:the |your )?(?:messages?|mail|order)", r"upgrade (?:your )?mailbox",
    "登录", "登陆", "验证", "查看订单", "查看询盘", "查看详情", "立即查看", "立即验证", "升级邮箱",
    "解冻", "确认账户", r"cancel (?:the |this )?(?:request|deactivation|deletion|closure)",
    "iniciar sesi[oó]n", "verificar", r"ver (?:el |la )?(?:pedido|orden)",
    "acceder", "confirmar", "entrar", "fazer login", "acessar", "войти", "подтверд", "провер",
    r"просмотр", "открыть документ", "giriş yap", "oturum aç", "doğrula", "görüntüle",
    "se connecter", "connexion", "vérifier", r"voir (?:la )?commande", "consulter",
    "تسجيل الدخول", "تحقق", "عرض الطلب", "anmelden", "einloggen", "bestätigen",
    "verifizieren", "ansehen", "đăng nhập", "xác minh", "xem đơn", "masuk", "verifikasi",
    "lihat pesanan")), re.IGNORECASE)


_ACT_PATH = re.compile(r"log-?in|sign-?in|log-?on|signon|verif|auth|account|passw|webmail|"
                       r"\bowa\b|release|unlock|\bpay\b|payment|acceso|vhod|giris|connexion|"
                       r"entrar|masuk|download|session|secure|update", re.IGNORECASE)
# A page that takes a password: stricter, for links that already show another host
_LOGIN_PATH = re.compile(r"log-?in|sign-?in|log-?on|signon|verif|passw|webmail|\bowa\b|"
                         r"acceso|vhod|giris|connexion|wallet", re.IGNORECASE)


def _credential(link: Link, *, paths: bool = True) -> bool:
    """A link that asks the reader to act: its words, or (``paths``) a sign-in or pay
    path. Newsletters' links carry "update" and "download" too: the paths count only
    where the mail also lures."""
    if link.shown and link.shown != link.href and _ACT.search(link.shown):
        return True
    if not paths:
        return False
    return bool(_ACT_PATH.search(_path(link.href)))


def _path(href: str) -> str:
    try:
        parts = urlsplit(href)
    except ValueError:
        return ""
    return f"{parts.path}?{parts.query}"


def _ip_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _link_signs(links: list[Link], claimed: dict[Brand, str], from_domain: str,
                own: tuple[Brand, ...]) -> list[Sign]:
    signs = []
    for link in links:
        if not link.host:
            continue
        target = registered_domain(_unicode_host(link.host))
        shown_host = shown_elsewhere(link)
        if shown_host:
            shown_domain = registered_domain(shown_host)
            label = shown_domain.split(".", 1)[0]
            imitated = lookalike(link.host, (Brand(shown_domain, _claims(r"(?!)"),
                                                   frozenset({shown_domain}), (label,)),))
            # Click counters show a host and go through their own: risky, not held,
            # unless the page behind takes a password or the host shown is protected.
            strong = imitated is not None or brand_of_domain(shown_host) is not None \
                or any(shown_domain in brand.domains for brand in own) \
                or bool(_LOGIN_PATH.search(_path(link.href)))
            signs.append(new_sign("credential_link", STRONG if strong else 2.5,
                               gettext_noop("a link shows {shown} but goes to {host}"),
                               shown=defang(shown_host), host=defang(link.host)))
            continue
        if _ip_host(link.host):
            signs.append(new_sign("credential_link", 4.0 if _credential(link) else 2.0,
                               gettext_noop("a link goes to the bare address {host}"),
                               host=defang(link.host)))
        elif _credential(link, paths=False) and link.shown != "(a form)" and \
                brand_of_domain(link.host) is None and not any(
                    target in brand.domains for brand in own):
                signs.append(new_sign("credential_link", 2.0 if claimed else 1.0,
                                   gettext_noop('"{shown}" goes to {host}'),
                                   shown=(link.shown or link.href)[:60],
                                   host=defang(link.host)))
    return signs[:4]


# "Your mailbox is full", "your password expires", "your parcel is held": the lures of
# mail providers, file shares and carriers, in the languages the team receives.
_ACCOUNT_LURE = re.compile("|".join((
    r"mailbox (?:is |has )?(?:full|almost full|over|exceeded|reached|storage|quota)",
    r"storage (?:limit|quota|is full|full)", r"quota (?:exceeded|reached|is full|full|limit)",
    r"password (?:will |is about to |has |is going to )?(?:expire|expired|expires)",
    r"(?:account|mailbox|e-?mail) (?:will be |is being |has been |is )?(?:suspended|"
    r"deactivated|disabled|closed|blocked|locked|terminated|deleted|shut ?down)",
    r"deactivat\w* (?:request|notice)", r"(?:messages?|e-?mails?) (?:are |were |have been |"
    r"is )?(?:held|pending|on hold|quarantined|blocked|undelivered)", r"in quarantine",
    r"(?:incoming|new) (?:messages|e-?mails) (?:will be |are being )?(?:rejected|returned|"
    r"bounced|deleted|suspended)", r"unusual (?:sign-in|login|log-in) activity",
    r"sent you (?:\d+ )?(?:files?|a document|documents)", r"shared (?:a |\d+ )?(?:files?|"
    r"documents?) with you", r"(?:package|parcel|shipment) .{0,40}(?:held|on hold|could not "
    r"be delivered|awaiting|pending|undeliver)", r"(?:redelivery|customs|delivery) (?:fee|"
    r"charge|duty)", r"review and sign", r"verify your (?:wallet|account|identity|e-?mail|"
    r"mailbox|payment)", r"confirm your (?:account|identity|wallet)", r"(?:wallet|account) "
    r"(?:verification|suspension|suspended|locked)", r"prevent (?:the )?suspension",
    r"unusual activity", r"new device", r"(?:seed|recovery) phrase",
    r"acesso a sua conta", r"novo dispositivo", r"nuevo dispositivo",
    r"(?:copyright|trademark|intellectual property) (?:infringement|violation) (?:notice|"
    r"complaint|claim)", r"\bdmca (?:notice|takedown|complaint)", r"abmahnung",
    r"(?:marken|urheber)rechtsverletzung", "侵权(?:投诉|通知)", "知识产权投诉",
    r"violaci[oó]n de (?:derechos|marca)", r"contrefa[çc]on", r"нарушени\w+ авторск",
    "著作権侵害", r"telif hakk[ıi] ihlali",
    "邮箱(?:已满|容量|空间不足|即将|将被|冻结|过期|停用)", "密码(?:即将|已)?过期",
    "账户(?:将被|已被)?(?:冻结|停用|注销)",
    "隔离邮件", "包裹.{0,10}(?:滞留|无法派送|扣留)", "清关费", "派送失败",
    r"buz[oó]n .{0,25}(?:lleno|l[ií]mite)", r"contrase[ñn]a .{0,15}(?:caduca|expira)",
    r"cuenta .{0,15}(?:suspendida|desactivada|bloqueada)", r"paquete .{0,25}retenido",
    r"tasa (?:aduanera|de aduana)", r"caixa (?:postal|de correio) .{0,25}(?:cheia|limite)",
    r"senha .{0,15}expira", r"conta .{0,15}(?:suspensa|desativada|bloqueada)",
    r"encomenda .{0,25}retida", r"taxa alfandeg",
    r"(?:почтов\w+ ящик|уч[её]тн\w+ запис\w+) .{0,40}(?:заблокир|переполн|отключ|удал)",
    r"превышени\w+ квот", r"пароль .{0,20}истека", r"посылк\w* .{0,25}(?:задержан|не может)",
    r"таможенн\w+ (?:пошлин|сбор)", r"e-posta kota", r"kotanız", r"hesabınız .{0,25}"
    r"(?:askıya|kapatılacak|engellen)", r"şifrenizin süresi", r"kargo.{0,30}(?:teslim "
    r"edilemedi|bekliyor)", r"gümrük (?:vergisi|ücreti)", r"bo[iî]te (?:aux lettres|mail|de "
    r"r[ée]ception) .{0,25}(?:pleine|satur)", r"mot de passe .{0,15}expir",
    r"compte .{0,15}(?:suspendu|d[ée]sactiv|bloqu)", r"colis .{0,30}(?:en attente|retenu|"
    r"bloqu)", r"frais de (?:douane|livraison|r[ée]exp[ée]dition)",
    "صندوق البريد .{0,20}(?:ممتلئ|امتلأ)", "كلمة المرور .{0,15}(?:تنتهي|انتهت)",
    "حسابك .{0,20}(?:تعليق|إيقاف|تجميد)", "شحنتك .{0,20}معلقة", "رسوم جمركية",
    r"postfach .{0,25}(?:voll|überschritten|speicher)", r"passwort .{0,15}(?:läuft ab|"
    r"abgelaufen)", r"konto .{0,20}(?:gesperrt|deaktiviert)", r"zollgeb[üu]hr",
    r"hộp thư .{0,20}(?:đầy|hết dung lượng)", r"mật khẩu .{0,15}hết hạn",
    r"tài khoản .{0,20}(?:bị khóa|tạm ngưng)", r"phí hải quan", r"kotak surat .{0,20}penuh",
    r"kata sandi .{0,15}kedaluwarsa", r"akun .{0,20}(?:diblokir|ditangguhkan)",
    r"biaya bea cukai")), re.IGNORECASE)
_ADMIN_NAME = re.compile(
    r"(?:e-?mail|webmail|mail|mailbox|it|system|account|server) ?(?:admin|administrator|"
    r"support|team|helpdesk|help desk|service|quarantine|security|center|centre)|postmaster|"
    r"help ?desk|administrador|suporte|администратор|поддержка|yönetici|destek|管理员|邮件中心|"
    r"系统通知|administrateur|support informatique|مسؤول|الدعم|quarantine|mail ?guard",
    re.IGNORECASE)


def shown_elsewhere(link: Link) -> str:
    """The host a link shows, when it goes to another domain ("" otherwise)."""
    shown = _HOSTISH.search(link.shown) if link.shown != link.href else None
    if not shown:
        return ""
    host = _unicode_host(shown.group(1))
    return host if registered_domain(host) != registered_domain(
        _unicode_host(link.host)) else ""


def _names_reader(href: str, names: set[str]) -> bool:
    """``?u=sales``, ``?acc=sales@…``: a link made for this reader's mailbox."""
    query = urlsplit(href).query.lower() if "?" in href else ""
    values = {v.partition("@")[0] for part in query.split("&") for v in [part.partition("=")[2]]}
    return bool(values & names)


# A legal threat (an infringement notice) sends the reader to its "evidence": any link away
# is the lure's.
_LEGAL_THREAT = re.compile(r"infringement|violation|complaint|dmca|abmahnung|verletzung|侵权|投诉|"
                           r"violaci|contrefa|нарушени|著作権|ihlali", re.IGNORECASE)


def _lure_signs(from_name: str, from_domain: str, subject: str, words: str,
                links: list[Link], own: tuple[Brand, ...], mailboxes: list[str]) -> list[Sign]:
    """A mail about the reader's mailbox, password, files or parcel, from someone else than
    the team's own domain, with a link to act (or one that carries the reader's name)."""
    # A lure says it first; a newsletter's article on expiring passwords says it later.
    lure = _ACCOUNT_LURE.search(f"{subject}\n{words[:800]}")
    legal = bool(lure) and bool(_LEGAL_THREAT.search(lure.group(0)))
    ours = from_domain and any(registered_domain(from_domain) in b.domains for b in own)
    admin = bool(_ADMIN_NAME.search(from_name)) and not ours
    if not lure and not admin:
        return []
    names = {m.partition("@")[0] for m in mailboxes if len(m.partition("@")[0]) >= 3}
    away = [link for link in links if link.host
            and (legal or _credential(link) or _names_reader(link.href, names)
                 or shown_elsewhere(link))
            and brand_of_domain(link.host) is None
            and not any(registered_domain(_unicode_host(link.host)) in b.domains
                        for b in own)]
    said = _said(" ".join(lure.group(0).split())[:80] if lure else None, from_name)
    if away:
        return [new_sign("credential_link", STRONG,
                      gettext_noop("“{said}” and a link to act at {host}"), said=said,
                      host=defang(away[0].host))]
    return [new_sign("account_lure", 2.0 if lure else 1.0, gettext_noop("“{said}”"), said=said)]


def _said(lure: str | None, from_name: str) -> str | Phrase:
    """What the lure says (the mail's words), or who says it: 80 characters at most, as
    the English has always been cut."""
    if lure is not None:
        return lure
    if len(from_name) <= 80 - len('the sender ""'):
        return _phrase(gettext_noop('the sender "{name}"'), name=from_name)
    # Translators: the sender's name, too long, cut short (no closing quote).
    return _phrase(gettext_noop('the sender "{name}'),
                   name=from_name[:80 - len('the sender "')])


_PASSWORD_FIELD = re.compile(r"pass(?:word|wd)?\b|\bpwd\b|密码|contrase|senha|пароль|şifre|"
                             r"mot de passe|كلمة|kennwort|mật khẩu|kata sandi", re.IGNORECASE)


def _asks_password(html: str) -> bool:
    tree = LexborHTMLParser(html)
    for form in tree.css("form"):
        for box in form.css("input"):
            kind = (box.attributes.get("type") or "").lower()
            name = " ".join(filter(None, (box.attributes.get("name"),
                                          box.attributes.get("placeholder"),
                                          box.attributes.get("id"))))
            if kind == "password" or _PASSWORD_FIELD.search(name):
                return True
    return False


def _form_signs(html: list[str], attachments: list[Attachment]) -> list[Sign]:
    if any(_asks_password(body) for body in html):
        return [new_sign("password_form", STRONG,
                      gettext_noop("the mail itself holds a form that asks for a password"))]
    return []


# --- attachments ---------------------------------------------------------------------------

EXECUTABLE = {"exe", "scr", "com", "pif", "cpl", "msi", "msp", "bat", "cmd", "ps1", "psm1",
              "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "lnk", "jar", "reg", "iqy",
              "chm", "dll", "appx", "msix", "url", "scf", "xll", "gadget", "application"}
DISK_IMAGE = {"iso", "img", "vhd", "vhdx", "dmg"}
MACRO_OFFICE = {"docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppam", "sldm"}
WEB = {"html", "htm", "shtml", "shtm", "xhtml", "svg", "mht", "mhtml"}
ARCHIVE = {"zip", "rar", "7z", "gz", "tgz", "tar", "cab", "ace", "arj", "z", "lzh", "r00",
           "bz2", "xz", "uue"}
DOCUMENT = {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "csv", "jpg", "jpeg",
            "png", "gif", "rtf", "odt", "ods", "dwg", "dxf", "step", "stp"}
ENCRYPTED = gettext_noop("an encrypted archive, which no check can look into")
_ACTIVE_WEB = re.compile(rb"<form|<script|javascript:|window\.location|document\.location|"
                         rb"\batob\(|\beval\(|http-equiv=[\"']?refresh", re.IGNORECASE)


def _extensions(name: str) -> list[str]:
    parts = name.lower().strip().rstrip(". ").split(".")
    return [part.strip() for part in parts[1:]]


def danger_of(name: str, data: bytes, depth: int = 0) -> Phrase | None:
    """Why a file is dangerous (a phrase to translate), or None."""
    extensions = _extensions(name)
    last = extensions[-1] if extensions else ""
    if len(extensions) >= 2 and extensions[-2] in DOCUMENT and last in (EXECUTABLE | DISK_IMAGE
                                                                         | WEB | ARCHIVE):
        return _phrase(gettext_noop("a double extension ({name}): a .{ext} dressed as a "
                                    ".{posing}"), name=name, ext=last, posing=extensions[-2])
    if last in EXECUTABLE:
        return _phrase(gettext_noop("a program or script (.{ext})"), ext=last)
    if last in DISK_IMAGE:
        return _phrase(gettext_noop("a disk image (.{ext}), which opens past the mail "
                                    "program's protection"), ext=last)
    if last in MACRO_OFFICE:
        return _phrase(gettext_noop("an Office file with macros (.{ext})"), ext=last)
    if last in ("docx", "xlsx", "pptx") and b"vbaProject.bin" in data:
        return _phrase(gettext_noop("an Office file with macros inside (.{ext})"), ext=last)
    if last in ("doc", "xls", "ppt") and (b"_VBA_PROJECT" in data or b"V\x00B\x00A" in data):
        return _phrase(gettext_noop("an old Office file with macros (.{ext})"), ext=last)
    if last in WEB and _ACTIVE_WEB.search(data[:500_000]):
        return _phrase(gettext_noop("a web page (.{ext}) with a form or script"), ext=last)
    if last == "zip" or data[:4] == b"PK\x03\x04" and last not in ("docx", "xlsx", "pptx",
                                                                   "odt", "ods", "jar"):
        return _zip_danger(data, depth)
    if last == "rar" or data[:4] == b"Rar!":
        return _rar_danger(data, depth)
    return None  # 7z, ace, arj, cab: shown as a risk (the checks cannot open them)


def _holding(name: str, why: Phrase) -> Phrase:
    return _phrase(gettext_noop("an archive holding {name}: {why}"), name=name, why=why)


def _rar_danger(data: bytes, depth: int) -> Phrase | None:
    """A RAR archive's list of files (``rarfile`` reads the headers itself; nothing is
    unpacked): an encrypted one, or one that holds a dangerous file, is dangerous."""
    import rarfile

    try:
        archive = rarfile.RarFile(io.BytesIO(data))
        if archive.needs_password():
            return _phrase(ENCRYPTED)
        names = archive.namelist()
    except (rarfile.Error, OSError, ValueError, EOFError):
        return None
    for name in names[:200]:
        why = danger_of(name.rsplit("/", 1)[-1], b"", depth + 1)
        if why is not None:
            return _holding(name.rsplit("/", 1)[-1], why)
    return None


def _zip_danger(data: bytes, depth: int) -> Phrase | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        return None
    if any(member.flag_bits & 0x1 for member in members):
        return _phrase(ENCRYPTED)
    for member in members[:200]:
        if member.is_dir():
            continue
        inner = b""
        if depth < 2 and member.file_size < 5_000_000:
            try:
                inner = archive.read(member)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError):
                inner = b""
        why = danger_of(member.filename.rsplit("/", 1)[-1], inner, depth + 1)
        if why is not None:
            return _holding(member.filename.rsplit("/", 1)[-1], why)
    return None


_PASSWORD_WORD = re.compile(r"pass(?:word|wort)|\bpwd\b|密码|密碼|解压码|contrase[ñn]a|senha|"
                            r"пароль|şifre|mot de passe|كلمة (?:المرور|السر)|mật khẩu|"
                            r"kata sandi|parola|hasło", re.IGNORECASE)


# The password itself in the mail ("password: order123", "密码：2026"), not a mention of one.
_PASSWORD_GIVEN = re.compile(
    rf"(?:{_PASSWORD_WORD.pattern})(?:[ \t]+[^\s:：=]{{1,12}}){{0,3}}\s*"
    r"(?:[:：=]|\bis\b|\bes\b|\bé\b|\best\b|\bist\b|为|是|—|-)"
    r"\s*[\"'“«]?(?=\S*\d)[^\s\"'”»]{3,24}", re.IGNORECASE)


def _attachment_signs(attachments: list[Attachment], words: str) -> list[Sign]:
    signs = []
    password_given = bool(_PASSWORD_GIVEN.search(words))
    for attachment in attachments:
        name = attachment.name or f"(unnamed {attachment.content_type})"
        shown = attachment.name or _phrase(gettext_noop("(unnamed {type})"),
                                           type=attachment.content_type)
        why = danger_of(attachment.name or "", attachment.data)
        if why is not None and why.template == ENCRYPTED and not password_given:
            # Buyers lock drawings too and send the password apart; malware campaigns put
            # it in the same mail, or the reader could not open the archive.
            signs.append(new_sign("risky_attachment", 2.0, gettext_noop(
                "{name}: {why} (its password is not in this mail)"), name=shown, why=why))
        elif why is not None:
            signs.append(new_sign("dangerous_attachment", STRONG, gettext_noop("{name}: {why}"),
                               name=shown, why=why))
        elif _extensions(name) and _extensions(name)[-1] in WEB:
            signs.append(new_sign("risky_attachment", 2.0,
                               gettext_noop("{name}: a web page attached"), name=shown))
        elif _extensions(name) and _extensions(name)[-1] in ("rar", "7z", "ace", "arj", "cab"):
            if password_given:
                signs.append(new_sign("dangerous_attachment", STRONG, gettext_noop(
                    "{name}: a locked archive with its password in the mail (how malware "
                    "gets past mail filters)"), name=shown))
            else:
                signs.append(new_sign("risky_attachment", 1.5, gettext_noop(
                    "{name}: an archive the checks cannot open"), name=shown))
        if _extensions(name) and _extensions(name)[-1] in WEB and _asks_password(
                attachment.data.decode("utf-8", "replace")):
            signs.append(new_sign("password_form", STRONG,
                               gettext_noop("{name}: a page that asks for a password"),
                               name=shown))
    return signs


# --- payment diversion, advance fees, credentials by mail ------------------------------------

_DIVERSION = re.compile("|".join((
    r"\b(?:our|my) (?:company'?s? )?(?:bank(?:ing)?|beneficiary|remittance|payment) "
    r"(?:account|details|information|info|instructions?)(?: \w+){0,3} (?:has|have|had) "
    r"(?:been |just )?(?:changed|updated|modified|replaced)",
    r"\bwe (?:have |had )?(?:changed|updated|switched) (?:our|the) (?:bank|banking|account)",
    r"\bnew (?:bank(?:ing)?|beneficiary|receiving) (?:account|details|information)",
    r"\b(?:change|update) (?:of|in|to) (?:our |the )?(?:bank(?:ing)?|beneficiary|account) "
    r"(?:details|account|information)",
    r"\b(?:old|previous|former) (?:bank )?account (?:is |has been )?(?:no longer|not|closed|"
    r"suspended|frozen|under (?:audit|review))",
    r"(?:pay|remit|transfer|send)\w* .{0,60}\b(?:to|into) (?:our|the) new (?:bank )?account",
    r"\b(?:changed|change of|switched) (?:its|our) (?:receiving |beneficiary )?bank",
    r"\b(?:use|to) our new (?:bank |receiving )?account", r"\b(?:do not|don't|never) (?:use|"
    r"pay (?:to|into)|send (?:to|into)) (?:the|our) (?:old|previous|former) account",
    r"\boverpa(?:id|yment)\b.{0,200}\brefund", r"\brefund (?:the|this) (?:difference|excess|"
    r"extra)", "حسابنا المصرفي", "الحساب الجديد فقط", "عدم استخدام الحساب القديم",
    r"cuenta (?:original|anterior) est[aá] bloqueada", r"conta (?:original|anterior) est[aá] "
    r"bloqueada", r"(?:original|old|previous) account (?:is|was|has been) (?:blocked|frozen)",
    "原账户.{0,6}(?:冻结|被封)",
    "银行账户.{0,6}(?:变更|更改|更换|改为)",
    "(?:变更|更改|更换)(?:了)?.{0,6}(?:银行账户|收款账户|账户信息)",
    "新(?:的)?(?:银行|收款)?账户", "旧账户.{0,10}(?:停用|冻结|审计|不再)",
    r"(?:nueva|nuevos?) (?:cuenta|datos) bancari", r"cambi\w+ (?:de |nuestra |la )?"
    r"(?:cuenta|datos) bancari", r"nova conta banc[aá]ria",
    r"(?:mudan[çc]a|altera[çc][aã]o) (?:de|dos|da|nos|na) (?:conta|dados) banc",
    r"dados banc[aá]rios (?:foram )?(?:alterados|atualizados)",
    r"(?:nossa|minha) conta banc[aá]ria (?:foi )?(?:alterada|mudou|atualizada)",
    r"para a nova conta", r"(?:a|en|con) (?:la |nuestra )?nueva cuenta",
    r"на (?:наш )?нов\w+ сч[её]т",
    r"yeni hesab\w+ (?:yapın|gönderin|ödeyin)", r"sur (?:le |notre )?nouveau compte",
    r"auf (?:das|unser) neue(?:s)? konto", r"vào tài khoản mới", r"ke rekening baru",
    "(?:汇|转|付)(?:款|到|入|至).{0,8}新(?:的)?账户",
    r"(?:нов\w+|изменил\w*|изменен\w*|обновл[её]нн\w+) (?:банковск\w+ )?реквизит",
    r"реквизит\w* .{0,25}измен", r"нов\w+ (?:расч[её]тн\w+|банковск\w+) сч[её]т",
    r"yeni (?:banka )?hesab", r"banka (?:hesap )?bilgilerimiz (?:değişti|güncellendi)",
    r"nouvel\w* coordonn[ée]es bancaires", r"changement (?:de|des) (?:compte|coordonn[ée]es) "
    r"bancaires?", r"nouveau rib", r"notre (?:compte|rib) (?:bancaire )?a chang",
    "تغيير (?:الحساب|حسابنا) البنكي", "حساب بنكي جديد", "تم تغيير .{0,20}البنكي",
    "البيانات المصرفية الجديدة", r"neue(?:n|s)? (?:bank|konto)verbindung",
    r"bankverbindung (?:hat sich )?ge[äa]ndert", r"neues (?:bank)?konto",
    r"tài khoản ngân hàng mới", r"thay đổi tài khoản ngân hàng", r"rekening (?:bank )?baru",
    r"perubahan (?:nomor )?rekening",
)), re.IGNORECASE)

_ADVANCE_FEE = re.compile("|".join((
    r"\b(?:registration|certification|vendor|supplier|processing|approval|membership|"
    r"inspection|enrol+ment|onboarding|clearance|pre-?qualification|tender|contract|"
    r"activation|escrow|unlock|transfer|"
    r"verification|release|handling|bidding|documentation)[- ](?:fees?|charges?|deposit)\b"
    r".{0,120}\b(?:pay|paid|remit|transfer|settle|before|prior|required|receive|release)",
    r"\b(?:pay|remit|transfer|settle)\w* .{0,60}(?:registration|certification|vendor|"
    r"supplier|processing|approval|inspection|clearance|customs|release|handling|"
    r"documentation)[- ](?:fees?|charges?|deposit)",
    r"\b(?:send|provide|give|confirm|share|enter)\w* (?:us |me )?(?:with )?your (?:company )?"
    r"(?:e-?mail|mailbox|webmail|account|login|portal)(?: account)? ?(?:password|"
    r"credentials|login details)",
    r"\b(?:password|credentials) (?:of|for|to) your (?:e-?mail|mailbox|webmail|company "
    r"account|portal|account)",
    "(?:注册|认证|入围|供应商|审核|保证|会员|入驻|资质)费",
    "(?:提供|发送|告知|填写).{0,10}(?:邮箱|邮件|企业邮箱|账户|账号)密码",
    r"(?:tarifa|cuota|tasa|pago|costo) de (?:registro|certificaci[oó]n|inscripci[oó]n|"
    r"proveedor|homologaci[oó]n)", r"contrase[ñn]a de (?:su|tu) (?:correo|cuenta|e-?mail)",
    r"taxa de (?:registro|registo|certifica[çc][aã]o|cadastro|inscri[çc][aã]o|homologa)",
    r"senha do (?:seu )?(?:e-?mail|correio|webmail)",
    r"(?:регистрационн\w+|вступительн\w+) (?:взнос|сбор)",
    r"оплат\w+ .{0,30}(?:сертификац|регистрац|аккредитац)", r"пароль от (?:вашей )?(?:почты|ящика)",
    r"(?:kayıt|sertifika|tedarikçi|tedarikci) (?:ücreti|bedeli)", r"e-?posta şifren",
    r"frais (?:de |d['’])(?:inscription|enregistrement|homologation|certification|dossier)",
    r"mot de passe de votre (?:messagerie|bo[iî]te|e-?mail|compte)",
    "رسوم (?:ال)?(?:تسجيل|شهادة|اعتماد|تأهيل)",
    r"\b(?:registration|certification|accreditation|vendor|supplier|soncap|coc)\b.{0,60}"
    r"\b(?:costs?|fees?|charges?)\b.{0,20}(?:usd|us\$|\$|eur|€|ngn|₦)\s?[\d,.]+",
    "رسوم (?:ال)?تفعيل", r"rembourser la diff[ée]rence", r"reembolsar la diferencia",
    r"devolver a diferen[çc]a", r"differenz (?:zur[üu]ck)?(?:erstatten|[üu]berweisen)",
    r"вернуть разницу", "退还差额", "退回多付", r"fark[ıi] iade",
    r"\bfees?\b.{0,80}\bto (?:receive|release|unlock) (?:the |your )?(?:funds|payment|money|"
    r"order|transfer)",
    r"\b(?:e-?mail|mailbox|webmail) (?:account )?password\b(?! (?:of|for) the (?:zip|"
    r"archive|file|drawings?))", r"\b(?:pay|remit)\w* .{0,40}\b(?:fee|charge)s? .{0,40}(?:to "
    r"(?:receive|release|confirm|get) (?:the |your )?(?:order|contract|po|purchase order|"
    r"payment|parcel|package|shipment))", "كلمة (?:مرور|السر) (?:بريدك|البريد)",
    r"(?:registrierungs|zertifizierungs|anmelde|lieferanten)geb[üu]hr",
    r"passwort (?:ihres|ihrer|deines) (?:e-?mail|postfach|konto)",
    r"phí (?:đăng ký|chứng nhận|chứng chỉ)", r"mật khẩu email",
    r"biaya (?:pendaftaran|registrasi|sertifikasi)", r"kata sandi email",
)), re.IGNORECASE | re.DOTALL)
_SENTENCE = re.compile(r"(?<=[.!?。！？\n])\s*")
# Credentials asked for by mail: a request, then a password and an account nearby.
_ASK = (r"(?:reply with|send (?:us|me)|provide|share|submit|forward|responda com|envie|"
        r"env[ií]e|proporcione|请提供|请发送|请回复|пришлите|отправьте|сообщите|gönderin|"
        r"iletin|envoyez|communiquez|senden sie|teilen sie|kirimkan|gửi cho)")
_ACCOUNT = (r"(?:e-?mail|mailbox|account|login|portal|conta|cuenta|compte|konto|аккаунт|"
            r"уч[её]тн|почт|hesap|akun|tài khoản|账户|账号|邮箱|帐号)")
_CREDENTIALS_ASKED = re.compile(
    rf"{_ASK}.{{0,300}}?(?:{_PASSWORD_WORD.pattern}).{{0,120}}?{_ACCOUNT}|"
    rf"{_ASK}.{{0,300}}?{_ACCOUNT}.{{0,120}}?(?:{_PASSWORD_WORD.pattern})",
    re.IGNORECASE | re.DOTALL)


# "I am in a meeting, pay this today, tell no one": the boss's name on a stranger's mail.
_BOSS = re.compile("|".join((
    r"(?:i'?m|i am) in a meeting.{0,200}(?:wire|transfer|payment|gift cards?)",
    r"(?:在开会|开会中|不方便接电话).{0,80}(?:转账|付款|汇款|打款)",
    r"(?:estoy en una reuni[oó]n|estou em reuni[aã]o).{0,200}(?:transferencia|pago|"
    r"transfer[eê]ncia|pagamento)",
)), re.IGNORECASE | re.DOTALL)


def _fraud_signs(text: str) -> list[Sign]:
    signs = []
    boss = _BOSS.search(text)
    if boss:
        signs.append(new_sign("payment_diversion", STRONG, gettext_noop("“{text}”"),
                              text=" ".join(boss.group(0).split())[:160]))
    asked = _CREDENTIALS_ASKED.search(text)
    if asked:
        signs.append(new_sign("advance_fee", STRONG,
                           gettext_noop("asks for an account's password: “{text}”"),
                           text=" ".join(asked.group(0).split())[:160]))
    for sentence in _SENTENCE.split(" ".join(text.split(" "))):
        sentence = " ".join(sentence.split())
        if not sentence or sentence.endswith(("?", "？", "؟")):
            continue  # a question ("has your bank account changed?") asks, it does not tell
        if _DIVERSION.search(sentence):
            signs.append(new_sign("payment_diversion", STRONG, gettext_noop("“{text}”"),
                               text=sentence[:160]))
        elif _ADVANCE_FEE.search(sentence):
            signs.append(new_sign("advance_fee", STRONG, gettext_noop("“{text}”"),
                               text=sentence[:160]))
    return signs[:3]


# --- unsolicited offers ---------------------------------------------------------------------
# What fills an exporter's mailbox besides buyers: SEO and web-design pitches, "buyer
# databases", loans and crypto, pills, casinos, lotteries, sale adverts, trade-show booths,
# freight offers, other factories' adverts. One of the first four holds the mail as spam
# (``NO_BUYER_WRITES``); another is shown as a sign, and two together (or one in bulk
# mail) hold it.
OFFERS = {
    gettext_noop("search ranking or marketing"): (
        r"first page (?:of|on) google", r"(?:rank|ranking|position)\w* (?:on|in) google",
        r"\bseo\b (?:services?|expert|agency|package|audit|ready|and)", r"backlinks?\b",
        r"guest posts?", r"google maps? (?:ranking|listing|top)", r"top 3 on google maps",
        r"(?:five|5)[- ]star reviews", r"more (?:traffic|leads|clients|customers) (?:for|to|in)",
        r"digital marketing (?:agency|services|experts?)", r"email marketing (?:software|tool|"
        r"service)", r"bulk (?:e-?mail|sms|whatsapp)", r"(?:website|web) (?:re)?design (?:offer|"
        r"services?|package)", r"we (?:design|build|develop) (?:fast |modern |professional )?"
        r"(?:mobile-friendly )?websites", r"primera p[aá]gina de google",
        r"posicionamiento (?:web|seo|garantizado|en google)", r"primeira p[aá]gina do google",
        r"tr[aá]fego pago", r"marketing digital", r"продвижени\w* сайт", r"в топ-?\d+",
        r"поисков\w+ (?:систем|выдач)", r"seo hizmet", r"google'da ilk sayfa",
        r"web tasar[ıi]m", r"r[ée]f[ée]rencement", r"premi[èe]re page de google",
        r"suchmaschinenoptimierung", r"erste seite (?:bei|von) google", "تحسين محركات البحث",
        "الصفحة الأولى (?:في|على) جوجل", r"dịch vụ seo", r"jasa seo", "谷歌排名", "网站优化",
        r"thiết kế (?:website|web)", r"jasa (?:sosmed|social media|pembuatan website|iklan)",
        r"social media (?:marketing|management) (?:services?|package|agency)",
        r"(?:instagram|facebook|tiktok) (?:followers|marketing|ads management)",
        "SEO対策", "上位表示", "검색엔진 최적화", "해외 바이어 발굴", "海外バイヤー",
        r"pozycjonowanie", r"strony internetowe", r"app (?:development|développement)",
        r"d[ée]veloppement d'applications", r"sviluppo (?:app|siti)",
        "seo优化", "邮件群发", "自动群发", "开发信", "搜索全球采购商", "获客"),
    gettext_noop("contact lists for sale"): (
        r"(?:importer|buyer|customer|b2b|email|e-mail|company|contact|distributor)s?'? "
        r"(?:e-?mail )?(?:database|data ?base|list|leads|directory) (?:for sale|available|of|"
        r"includes|with|in \d+)", r"verified (?:importer|buyer|b2b|e-?mail|contact)s?",
        r"\d[\d,.]* (?:million )?(?:verified )?(?:importer|buyer|email|contact)s?\b.{0,40}"
        r"(?:usd|\$|eur|price|only)", r"customs data", r"база?\w* (?:данных )?(?:клиентов|"
        r"покупателей|импортеров|предприятий)", r"базы данных", r"base de (?:dados|datos) de "
        r"(?:compradores|importadores|clientes|empresas)", "海关数据", "买家数据", "客户名录",
        "采购商邮箱", r"dane celne", r"données douanières", r"datos aduaneros",
        r"b2b (?:leads|database)", "수출입 데이터"),
    gettext_noop("loans, investment or crypto"): (
        r"(?:business|working capital|personal|instant|fast|quick) (?:loans?|funding|capital)",
        r"pre-?approved", r"guaranteed (?:returns?|profits?|results?|income)",
        r"(?:crypto|bitcoin|btc|forex|ai) (?:trading|investment|profits?|robot|bot|wealth)",
        r"trading (?:bot|robot)", r"passive income", r"earn \$?[\d,.]+ (?:per|a|each) (?:day|"
        r"week|month)", r"turn \$?[\d,.]+ into", r"bad credit", r"no collateral",
        r"pr[ée]stamo", r"empr[ée]stimo", r"cr[ée]dito r[aá]pido", r"кредит\w* (?:для бизнеса|"
        r"без|до)", r"без залога", r"\bkredi\b", r"cr[ée]dit (?:rapide|entreprise|sans)",
        r"financement (?:jusqu|rapide|sans)", "تداول العملات الرقمية", "الكريبتو", "贷款",
        "投资回报", r"vay (?:tiền|nhanh|vốn)", r"pinjaman", r"kredit tanpa"),
    gettext_noop("pills, casino or lottery"): (
        r"\bv[i1!|]-?a-?g-?r-?a\b", r"\bc[i1!|]-?a-?l-?i-?s\b", r"no prescription",
        r"online pharmacy", r"cheap (?:meds|pills)", r"\bcasino\b", r"free spins",
        r"\bjackpot\b", r"you(?:'ve| have)? (?:won\b(?!')|been selected)", r"\blottery\b",
        r"prize winner", r"claim your (?:prize|bonus)", r"(?:lonely|single) (?:women|ladies) "
        r"(?:near|in) you", r"dating (?:site|profile)",
        r"loterie|gagnant", r"loter[ií]a|ganador", r"loteria|pr[êe]mio", r"лотере", r"piyango",
        "يانصيب", "جائزة نقدية", "中奖", "彩票", "代开.{0,6}发票", "代.开"),
    gettext_noop("sale advert"): (
        r"black friday", r"cyber monday", r"(?:up to|hasta|até|jusqu'à|bis zu|до) -?\d{2}\s?%",
        r"\d{2}\s?% (?:off|de descuento|de desconto|de réduction|rabatt|скидк)",
        r"%\d{2}'?[ey]? varan indirim", r"shop now", r"comprar ahora", r"compre agora",
        r"acheter maintenant", r"jetzt kaufen", r"купить сейчас", r"alışverişe başla",
        "تسوق الآن", "خصومات تصل", "限时优惠", "立即购买", r"efsane cuma", "الجمعة البيضاء"),
    gettext_noop("trade show or directory listing"): (
        r"(?:book|reserve|réservez|reserve su|reserve seu) (?:your |votre |su |seu )?"
        r"(?:booth|stand|stand space)", r"booth (?:space|available)", r"exhibition stand",
        r"(?:company|business) listing", r"export directory", "展位", "展团", "招商",
        r"messestand", r"fuar stand", r"stand (?:espositivo|fieristico)", r"stoisko targowe",
        r"gian hàng triển lãm", r"(?:advertis\w+|pubblicit\w+|anzeige\w*|publicidad) (?:in|"
        r"nella|auf|en) (?:our|la nostra|unserer|nuestra) (?:magazine|rivista|zeitschrift|"
        r"revista)"),
    gettext_noop("freight offer"): (
        r"(?:best|cheap|competitive|lowest) (?:freight|shipping|sea freight|air freight) "
        r"(?:rates?|prices?)", r"we (?:are|is) (?:a |an )?(?:professional |leading )?"
        r"(?:freight forwarder|shipping agent|logistics company)", r"door to door (?:service|"
        r"also available)", "货代", "海运费优惠", "运价表", "海运价格", "运费报价",
        r"freight (?:price|rate) list"),
    gettext_noop("another factory's advert"): (
        r"this is \w+ from (?:a |an )?(?:\w+ ){0,3}(?:factory|manufacturer|supplier)",
        r"we (?:are|have been) (?:a |an )?(?:professional |leading )?(?:\w+ ){0,3}"
        r"(?:factory|manufacturer) .{0,60}(?:free samples?|price list|moq|catalog)",
        r"would you like (?:to get )?our (?:price list|catalog|catalogue)",
        r"oferta (?:współpracy|na opakowania)", "工厂直销", "源头工厂", r"we are a (?:leading )?"
        r"(?:packaging|printing|mould|mold) (?:factory|manufacturer|company)"),
}
# Offers no buyer of UV lamps makes: one is enough to hold the mail as spam.
NO_BUYER_WRITES = {"search ranking or marketing", "contact lists for sale",
                   "loans, investment or crypto", "pills, casino or lottery"}
_OFFER = {family: re.compile("|".join(words), re.IGNORECASE)
          for family, words in OFFERS.items()}
_BULK = re.compile(r"bulk|list|junk", re.IGNORECASE)


def _offer_signs(message: EmailMessage, subject: str, words: str) -> list[Sign]:
    text = f"{subject}\n{words[:3000]}"
    found = []
    for family, pattern in _OFFER.items():
        match = pattern.search(text)
        if match:
            weight = 3.0 if family in NO_BUYER_WRITES else 2.0
            found.append(new_sign("unsolicited_offer", weight, gettext_noop("{offer}: “{text}”"),
                               offer=_phrase(family),
                               text=" ".join(match.group(0).split())[:60]))
    found.sort(key=lambda sign: -sign.weight)
    bulk = bool(message.get("List-Unsubscribe")) or bool(
        _BULK.search(str(message.get("Precedence", ""))))
    if found and (bulk or len(found) >= 2):
        if bulk:
            found[0] = new_sign("unsolicited_offer", 3.0, gettext_noop("{offer} in bulk mail"),
                             offer=found[0].phrase)
        else:
            found[0] = new_sign("unsolicited_offer", 3.0, gettext_noop("{offer} and {count} more"),
                             offer=found[0].phrase, count=len(found) - 1)
    return found[:3]


# --- authentication ---------------------------------------------------------------------------

_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)


def authentication_results(message: EmailMessage) -> dict[str, list[str]]:
    """The receiving provider's verdicts (the topmost Authentication-Results header, which
    the last server, the team's provider, wrote): {"spf": ["pass"], "dkim": [...], ...}."""
    headers = message.get_all("Authentication-Results", [])
    if not headers:
        return {}
    results: dict[str, list[str]] = {}
    for method, result in _RESULT.findall(" ".join(str(headers[0]).split())):
        results.setdefault(method.lower(), []).append(result.lower())
    return results


def _authentication_signs(message: EmailMessage, from_domain: str,
                          own: tuple[Brand, ...]) -> list[Sign]:
    results = authentication_results(message)
    failed = []
    if "fail" in results.get("dmarc", []):
        failed.append("DMARC")
    if set(results.get("spf", [])) & {"fail", "softfail"} and "pass" not in results.get(
            "dkim", []):
        failed.append("SPF")
    if "fail" in results.get("dkim", []) and "pass" not in results.get("dkim", []):
        failed.append("DKIM")
    if not failed:
        return []
    brand = brand_of_domain(from_domain) if from_domain else None
    mine = [b for b in own if registered_domain(from_domain or "-") in b.domains]
    checks = ", ".join(failed)
    if mine:
        return [new_sign("auth_fail", STRONG, gettext_noop(
            "{checks} fail for {domain}, the team's own domain: a forged sender"),
            checks=checks, domain=from_domain)]
    if brand is not None and not is_free_mail(from_domain):
        return [new_sign("auth_fail", STRONG, gettext_noop(
            "{checks} fail for {domain}, a domain of {brand}: a forged sender"),
            checks=checks, domain=from_domain, brand=brand.name)]
    weight = 4.0 if "DMARC" in failed else 2.0
    return [new_sign("auth_fail", weight, gettext_noop("{checks} fail for {domain}"),
                  checks=checks, domain=defang(from_domain))]


def _name_key(name: str) -> str:
    return "".join(name.casefold().split()).strip("\"'")


def _colleague_signs(from_name: str, from_address: str, from_domain: str,
                     own: tuple[Brand, ...], own_names: tuple[str, ...]) -> list[Sign]:
    """A colleague's name on an address outside the team's domains."""
    key = _name_key(from_name)
    if len(key) < 2 or not own or any(registered_domain(from_domain or "-") in brand.domains
                                      for brand in own):
        return []
    if key in {_name_key(name) for name in own_names if len(_name_key(name)) >= 2}:
        return [new_sign("colleague_impersonation", 4.0, gettext_noop(
            'the sender uses the name of a colleague, "{name}", but writes from {address}'),
            name=from_name, address=defang(from_address))]
    return []


def _reply_to_signs(message: EmailMessage, from_domain: str,
                    own: tuple[Brand, ...]) -> list[Sign]:
    """Replies that go elsewhere: weak alone (buyers' assistants, CRMs), stronger when
    the sender's own domain disowns the mail (DMARC fails, and no mailing list sent it).
    Mail from the team's own domain that passes (the website's contact form) answers the
    visitor: no sign."""
    forged = "fail" in authentication_results(message).get("dmarc", []) and \
        not message.get("List-Id")
    if not forged and from_domain and any(registered_domain(from_domain) in brand.domains
                                          for brand in own):
        return []
    signs = []
    for address in _addresses(message, "Reply-To"):
        domain = address.rpartition("@")[2]
        if not from_domain or registered_domain(domain) == registered_domain(from_domain):
            continue
        weight = 2.0 if forged or (is_free_mail(domain) and not is_free_mail(from_domain)) \
            else 1.0
        signs.append(new_sign("reply_to_mismatch", weight,
                           gettext_noop("replies go to {address}, not to {domain}"),
                           address=defang(address), domain=defang(from_domain)))
    return signs[:1]
