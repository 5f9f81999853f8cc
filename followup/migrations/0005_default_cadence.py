from django.db import migrations

# Offsets in the buyer's business days after the first contact (issue 6).
STEPS = [
    (1, "Dear {buyer},\n\nthank you for your inquiry about {product}. Our catalogue and price "
        "list are attached. Could you tell us the quantity and the destination port, so that "
        "we can quote exactly?\n\nBest regards,\n{rep}", "", 7),
    (3, "Dear {buyer},\n\ndid our catalogue reach you? We can send samples of {product} "
        "within three days, and answer any technical question about lamp life, wattage or "
        "certificates (CE, RoHS).\n\nBest regards,\n{rep}", "", 7),
    (7, "Dear {buyer},\n\nfor orders confirmed by {offer_until}: {offer}. Just reply with "
        "the quantity and we will send the proforma invoice the same day.\n\nBest regards,\n"
        "{rep}", "5% off the first order and free samples", 10),
    (14, "Dear {buyer},\n\nare you still looking for {product}? If your plans have changed, "
         "a short word helps us too.\n\nBest regards,\n{rep}", "", 7),
    (30, "Dear {buyer},\n\nwe have new models and prices this season. Shall I send the "
         "updated catalogue for {company}?\n\nBest regards,\n{rep}", "", 7),
]


def seed(apps, schema_editor):
    Cadence = apps.get_model("followup", "Cadence")
    CadenceStep = apps.get_model("followup", "CadenceStep")
    cadence, created = Cadence.objects.get_or_create(
        name="Default: 1, 3, 7, 14, 30 business days", defaults={"is_default": True})
    if created:
        for offset, template, offer, offer_days in STEPS:
            CadenceStep.objects.create(cadence=cadence, offset_days=offset, template=template,
                                       offer=offer, offer_days=offer_days)


class Migration(migrations.Migration):
    dependencies = [("followup", "0004_cadences")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
