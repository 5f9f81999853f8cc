"""Train the fit model shipped with Leadqual from the corpus (verification/corpus/).

    python manage.py fit_train             # writes verification/data/fit_model.npz
    python manage.py fit_train --dry-run   # trains and reports, writes nothing

It learns from the corpus's development part and the default keyword lists, never from
the held-out part, and prints the held-out figures of the model it trained (the bench,
``bench/fit_accuracy.py``, prints them in full). Admins retrain with the team's labels
in the keyword editor instead; this command is for the developers' shipped model.
"""

from django.core.management.base import BaseCommand

from verification import corpus, fitmodel, fittrain
from verification.lists import default_keywords, default_matcher


class Command(BaseCommand):
    help = "Train the shipped fit model from the corpus's development part."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run=False, **options):
        pages = corpus.load()
        matcher = default_matcher()
        development = [fittrain.sample_of(p) for p in corpus.development(pages)]
        held_out = [fittrain.sample_of(p) for p in corpus.held_out(pages)]
        self.stdout.write(f"training on {len(development)} pages "
                          f"({sum(s.is_target for s in development)} targets) and the "
                          "default keyword lists ...")
        model = fittrain.train(development, matcher,
                               extra=fittrain.keyword_samples(default_keywords()),
                               info={"source": "corpus development part"})
        figures = fittrain.evaluate(model, held_out, matcher)
        self.stdout.write(
            f"held-out ({figures.n} pages): accuracy {figures.accuracy:.3f}, precision "
            f"{figures.precision:.3f}, recall {figures.recall:.3f}; trained in "
            f"{model.info['seconds']} s with C={model.info['C']}")
        if dry_run:
            return
        data = model.to_bytes()
        fitmodel.MODEL_FILE.write_bytes(data)
        self.stdout.write(f"wrote {fitmodel.MODEL_FILE} ({len(data) / 1024:.0f} KB)")
