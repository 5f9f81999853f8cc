from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from verification.lists import bump
from verification.models import Industry, Keyword, MailList


@receiver([post_save, post_delete], sender=MailList)
def _mail_lists_changed(**kwargs):
    bump("mail")


@receiver([post_save, post_delete], sender=Keyword)
@receiver([post_save, post_delete], sender=Industry)
def _keywords_changed(**kwargs):
    bump("keywords")
