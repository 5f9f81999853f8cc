from django.db import migrations

# The ranking from the sales playbook (../shared/CONTEXT.md), most used first.
# Facebook and Messenger are one channel here ("Facebook / Messenger").
RANKINGS = {
    "US": ["facebook", "twitter", "snapchat", "whatsapp", "skype", "google_hangouts"],
    "GB": ["whatsapp", "facebook", "snapchat", "skype", "discord"],
    "FR": ["facebook", "whatsapp", "snapchat", "twitter", "skype"],
    "DE": ["whatsapp", "facebook", "apple_messages", "skype", "telegram"],
    "ES": ["whatsapp", "facebook", "telegram", "skype", "google_hangouts"],
    "IT": ["whatsapp", "facebook", "twitter", "skype", "snapchat"],
    "IN": ["whatsapp", "facebook", "snapchat", "skype", "discord"],
}


def seed(apps, schema_editor):
    ChannelRanking = apps.get_model("followup", "ChannelRanking")
    for country, channels in RANKINGS.items():
        for rank, channel in enumerate(channels, start=1):
            ChannelRanking.objects.get_or_create(
                country=country, channel=channel, defaults={"rank": rank}
            )


def unseed(apps, schema_editor):
    ChannelRanking = apps.get_model("followup", "ChannelRanking")
    ChannelRanking.objects.filter(country__in=RANKINGS).delete()


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
