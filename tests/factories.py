from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from leads.models import Company, CompanyKey, Inquiry, Platform

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@leadqual.test")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Aqua Systems {n} Ltd")
    domain = factory.Sequence(lambda n: f"aqua{n}.example")
    country = "DE"

    @factory.post_generation
    def key(company, create, extracted, **kwargs):
        if create and company.domain:
            CompanyKey.objects.get_or_create(key=f"domain:{company.domain}", company=company)


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inquiry

    company = factory.SubFactory(CompanyFactory)
    platform = Platform.ALIBABA
    platform_ref = factory.Sequence(lambda n: f"AL{n:010d}")
    received_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    buyer_name = "Jonas Weber"
    company_name = factory.LazyAttribute(lambda i: i.company.name)
    country = "DE"
    email = factory.LazyAttribute(lambda i: f"jonas@{i.company.domain}")
    product = "UV germicidal lamp T5 36W"
    message = "Please quote 500 pieces FOB Shanghai."
    dedup_key = factory.LazyAttribute(lambda i: f"ref:{i.platform}:{i.platform_ref}")
