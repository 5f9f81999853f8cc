"""What parked domains and placeholder pages look like.

Patterns are matched against the folded page text (lower case, accents
removed, whitespace collapsed; see ``fold``), so write them that way.
Each list says in a comment where its entries come from; add languages by
adding lines, not code.
"""

import re
import unicodedata

# Phrases only a for-sale or parking page writes.
PARKED_PHRASES = [
    # English: registrars' and marketplaces' landers
    r"(this|the) domain (name )?(\S+ )?(is|may be|might be|could be) (for sale|available)",
    r"domain (name )?(is )?for sale", r"buy (this|the) domain", r"make (an|us an) offer",
    r"(this|the) domain (name )?(has been|was) (recently )?registered",
    r"domain (is )?parked", r"parked (free|domain|page)", r"domain parking",
    r"inquire about (this|the) domain", r"(this|the) domain has expired",
    r"(is|was) registered (at|with|by) [\w.]+ and (is|has) (parked|not yet)",
    r"get this domain", r"own this domain", r"interested in (this|the) domain",
    r"related (searches|links)", r"sponsored (listings|links)",
    # German
    r"diese domain (kann|steht|ist) .{0,30}(erworben|verkauf|zu verkaufen|geparkt)",
    r"domain (kaufen|erwerben)", r"domain (ist )?geparkt",
    # Spanish / Portuguese / Italian / French
    r"(este|el) dominio (\S+ )?(esta|puede estar) (a la venta|en venta)", r"dominio en venta",
    r"(este|o) dominio (\S+ )?(esta|pode estar) a venda", r"dominio a venda",
    r"questo dominio (\S+ )?(e|potrebbe essere) in vendita", r"dominio in vendita",
    r"(ce|le) (nom de )?domaine (\S+ )?(est|peut etre) (a vendre|en vente)",
    r"nom de domaine a vendre",
    # Russian, Turkish, Vietnamese, Indonesian
    r"домен (\S+ )?(продается|продаётся|выставлен на продажу)", r"купить (этот )?домен",
    r"bu alan adi (\S+ )?satilik", r"alan adi satilik",
    r"ten mien (\S+ )?(nay )?(dang duoc ban|dang rao ban|can ban)",
    r"domain (\S+ )?(ini )?(dijual|sedang dijual)",
    # Chinese
    r"域名(出售|转让|正在出售|待售)", r"(此|该|这个)域名(正在|可以)?(出售|转让)",
    r"购买(此|该)域名",
]

# Name servers and redirect targets of parking services and domain marketplaces.
PARKING_HOSTS = (
    "sedoparking.com", "sedo.com", "parkingcrew.net", "bodis.com", "above.com", "dan.com",
    "afternic.com", "hugedomains.com", "uniregistrymarket.link", "parklogic.com",
    "domainmarket.com", "buydomains.com", "undeveloped.com", "atom.com", "squadhelp.com",
    "parked.com", "dsredirection.com", "namebrightdns.com", "voodoo.com", "parkingspa.com",
    "domainnamesales.com", "brandbucket.com", "efty.com", "epik.com", "smartname.com",
    "cashparking.com", "domainsponsor.com", "rookmedia.net", "parkpage.foundationapi.com",
)

# Default pages of web servers and hosting panels, and "coming soon" pages.
PLACEHOLDER_PHRASES = [
    r"welcome to nginx", r"welcome to openresty", r"^it works!?$", r"^it works! ",
    r"apache2? (\S+ )?default page", r"apache (http server )?test page",
    r"this page is used to test the proper operation of", r"testing 123",
    r"iis windows( server)?", r"internet information services", r"default web site page",
    r"domain default page", r"web server'?s default page", r"litespeed web server",
    r"congratulations!? (your|the) (website|site|server) is (up|working|ready)",
    r"caddy works", r"your (new )?(web ?site|web server) is (ready|working|set up)",
    r"this is the default (web )?page", r"if you are the owner of this website",
    r"^index of /", r"just another wordpress site", r"^hello world!",
    # "Coming soon" / "under construction" in the languages of our buyers
    r"coming soon", r"under construction", r"launching soon", r"site (is )?under maintenance",
    r"(website|site) (is )?(currently )?being (built|updated|developed)",
    r"en construccion", r"proximamente", r"en mantenimiento",
    r"em construcao", r"em breve",
    r"(site )?en construction", r"bientot (disponible|en ligne)", r"prochainement",
    r"im aufbau", r"in kurze (online|verfugbar)", r"demnachst (online|verfugbar)",
    r"in costruzione", r"in allestimento", r"prossimamente",
    r"(сайт )?в разработке", r"сайт (находится )?на реконструкции", r"скоро (открытие|запуск)",
    r"yapim asamasinda", r"yakinda (hizmetinizde|yayinda)",
    r"dang (xay dung|phat trien)", r"sap ra mat",
    r"(sedang )?dalam (pembangunan|perbaikan|pengembangan)", r"segera hadir",
    r"(الموقع )?(قيد|تحت) (الانشاء|الإنشاء|التطوير|الصيانة)", r"قريبا",
    r"网站(建设|维护|升级)中", r"(即将|敬请)(上线|期待)", r"建设中",
]

def strip_marks(text: str) -> str:
    """Accents and other combining marks removed: "dominio está" -> "dominio esta"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("ı", "i").replace("đ", "d").replace("Đ", "D").replace("ß", "ss")


def fold(text: str) -> str:
    """Lower case, marks removed (letters of every script kept), spaces collapsed."""
    text = strip_marks(text.casefold())
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _compile(patterns: list[str]) -> re.Pattern:
    # Patterns get the same folding as the text, so they may be written with accents.
    return re.compile("|".join(f"(?:{strip_marks(p)})" for p in patterns), re.M)


_PARKED = _compile(PARKED_PHRASES)
_PLACEHOLDER = _compile(PLACEHOLDER_PHRASES)


def parked_phrases(folded: str) -> list[str]:
    """The parking phrases found, in the order they appear."""
    return list(dict.fromkeys(m.group(0) for m in _PARKED.finditer(folded)))


def placeholder_phrases(folded: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in _PLACEHOLDER.finditer(folded)))


def is_parking_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in PARKING_HOSTS)
