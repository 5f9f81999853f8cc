"""Free-mail providers: their addresses belong to a person, not a company.

Inquiries from a company domain are grouped by domain; from a free-mail
provider or a disposable domain, by address. (The verification step adds an admin-editable list on
top of these defaults.)
"""

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS

FREE_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.in yahoo.fr yahoo.de yahoo.es
    yahoo.it yahoo.com.br yahoo.co.jp ymail.com rocketmail.com outlook.com hotmail.com
    hotmail.co.uk hotmail.fr hotmail.de hotmail.it hotmail.es live.com live.co.uk live.fr
    msn.com aol.com icloud.com me.com mac.com protonmail.com proton.me gmx.com gmx.de gmx.net
    web.de t-online.de freenet.de orange.fr wanadoo.fr free.fr laposte.net sfr.fr libero.it
    virgilio.it alice.it tiscali.it mail.ru bk.ru inbox.ru list.ru yandex.ru yandex.com ya.ru
    rambler.ru ukr.net qq.com foxmail.com 163.com 126.com yeah.net sina.com sina.cn sohu.com
    aliyun.com 139.com naver.com daum.net hanmail.net rediffmail.com zoho.com zohomail.com
    seznam.cz wp.pl o2.pl interia.pl onet.pl bol.com.br uol.com.br terra.com.br
    mail.com email.com usa.com tutanota.com hushmail.com fastmail.com inbox.com
    """.split()
)


def is_free_mail(domain: str) -> bool:
    return domain.lower().rstrip(".") in FREE_MAIL_DOMAINS


def is_personal_mail(domain: str) -> bool:
    """Free-mail or disposable: the address, not the domain, identifies the buyer."""
    domain = domain.lower().rstrip(".")
    return domain in FREE_MAIL_DOMAINS or domain in DISPOSABLE_DOMAINS
