"""Follow-up reads and writes used by the leads screens."""

from dataclasses import dataclass

from followup.models import ChannelRanking
from leads.models import ChannelKind

# Channels the playbook says overseas buyers commonly use, for countries the
# ranking does not cover yet (../shared/CONTEXT.md).
COMMON_CHANNELS = ("whatsapp", "facebook", "twitter", "instagram", "tiktok", "youtube",
                   "skype", "google_hangouts")


@dataclass(frozen=True)
class Suggestion:
    channel: str
    rank: int
    on_file: bool
    from_ranking: bool

    @property
    def label(self) -> str:
        return ChannelKind(self.channel).label


def suggested_channels(country: str, on_file: set[str]) -> list[Suggestion]:
    """The channels buyers in ``country`` use most, first; marks those the company has."""
    ranked = list(ChannelRanking.objects.filter(country=country.upper())
                  .order_by("rank").values_list("channel", flat=True)) if country else []
    channels, from_ranking = (ranked, True) if ranked else (list(COMMON_CHANNELS), False)
    return [Suggestion(channel, rank, channel in on_file, from_ranking)
            for rank, channel in enumerate(channels, start=1)]
