"""Held-back mail and mail risks on the pages: the signs' names, the inbox's mark."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from leads.selectors import sign_label as _sign_label
from leads.selectors import sign_reasons

register = template.Library()


@register.filter
def sign_label(code: str) -> str:
    """The name of a screening sign's code (``lookalike_domain`` -> "Look-alike domain")."""
    return _sign_label(code)


@register.filter
def risk_lines(company, limit: int = 3) -> list[dict]:
    """Up to ``limit`` signs of the company's risky mail (``company.risk_mail``, from
    ``selectors.company_detail``), newest mail first: {mail, label, evidence}."""
    lines = []
    for mail in getattr(company, "risk_mail", ()):
        for label, evidence in sign_reasons(mail.screen_signs):
            if len(lines) >= limit:
                return lines
            lines.append({"mail": mail, "label": label, "evidence": evidence})
        if not mail.screen_signs and len(lines) < limit:
            lines.append({"mail": mail, "label": mail.get_screen_verdict_display(),
                          "evidence": ""})
    return lines


_MARKS: dict[str | None, str] = {}
_CELL = '<td class="companycell">'


@register.simple_tag
def risk_marked(row_html: str, company) -> str:
    """The inbox row (``leads_tags.inbox_row``) with a red mark before the company's name
    when a mail of the buyer carried a risk (``mail_risk``, annotated by
    ``selectors.company_list``)."""
    if not getattr(company, "mail_risk", False):
        return row_html
    language = get_language()
    if language not in _MARKS:
        text = _("A mail of this buyer carries a risk")
        _MARKS[language] = format_html(
            '<span class="riskmark" title="{}" aria-label="{}">⚠</span> ', text, text)
    return SafeString(row_html.replace(_CELL, _CELL + _MARKS[language], 1))
