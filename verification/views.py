"""The admins' keyword editor: industries, keywords per language, a try-it box."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from leads.forms import form_errors
from leads.roles import require_admin
from verification import keyword_editor, services
from verification.forms import BulkKeywordForm, IndustryForm, KeywordForm, TryForm
from verification.lists import fit_model
from verification.models import FitLabel, FitModel, Industry, Keyword, KeywordChange, RescoreRun


@login_required
def keywords(request):
    require_admin(request.user)
    try_form, try_result = TryForm(), None
    if request.method == "POST":  # the try-it box without JavaScript
        try_form = TryForm(request.POST)
        if try_form.is_valid():
            try_result = keyword_editor.try_text(try_form.cleaned_data["text"])
    industries = list(Industry.objects.annotate(n=Count("keywords")).order_by("name"))
    return render(request, "verification/keywords.html", {
        "industries": industries,
        "keywords": Keyword.objects.select_related("industry").order_by(
            "negative", "industry__name", "language", "term"),
        "keyword_form": KeywordForm(),
        "bulk_form": BulkKeywordForm(),
        "try_form": try_form,
        "try_result": try_result,
        "run": RescoreRun.objects.first(),
        "history": KeywordChange.objects.select_related("user")[:30],
        "fit_model": fit_model(),
        "fit_sources": {"corpus development part": _("the corpus's development part"),
                        "retrained": _("retrained with the team's labels")},
        "fit_runs": FitModel.objects.defer("data").select_related("decided_by")[:6],
        "fit_labels": FitLabel.objects.count(),
    })


@login_required
@require_POST
def keyword_try(request):
    """htmx: the matches and the fit of a pasted text."""
    require_admin(request.user)
    form = TryForm(request.POST)
    result = keyword_editor.try_text(form.cleaned_data["text"]) if form.is_valid() else None
    return render(request, "verification/_try_result.html", {"try_result": result})


@login_required
@require_POST
def keyword_add(request):
    require_admin(request.user)
    form = KeywordForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    elif keyword_editor.keyword_add(user=request.user, industry=form.industry(),
                                    term=form.cleaned_data["term"],
                                    language=form.cleaned_data["language"],
                                    weight=form.cleaned_data["weight"],
                                    negative=form.negative):
        messages.success(request, _("Keyword added; every inquiry is being rescored."))
    else:
        messages.error(request, _("That keyword is already in the list."))
    return redirect("verification:keywords")


@login_required
@require_POST
def keyword_bulk(request):
    require_admin(request.user)
    form = BulkKeywordForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("verification:keywords")
    added, existing = keyword_editor.keywords_bulk_add(
        user=request.user, industry=form.industry(), language=form.cleaned_data["language"],
        text=form.cleaned_data["text"], weight=form.cleaned_data["weight"],
        negative=form.negative)
    messages.success(request, _("%(added)s keywords added, %(existing)s already there.")
                     % {"added": added, "existing": existing})
    return redirect("verification:keywords")


@login_required
@require_POST
def keyword_delete(request, pk: int):
    require_admin(request.user)
    keyword_editor.keyword_delete(user=request.user, keyword=get_object_or_404(Keyword, pk=pk))
    messages.success(request, _("Keyword removed; every inquiry is being rescored."))
    return redirect("verification:keywords")


@login_required
@require_POST
def industry_update(request, pk: int):
    require_admin(request.user)
    industry = get_object_or_404(Industry, pk=pk)
    form = IndustryForm(request.POST)
    if form.is_valid():
        keyword_editor.industry_update(user=request.user, industry=industry,
                                       weight=form.cleaned_data["weight"],
                                       active=form.cleaned_data["active"])
        messages.success(request, _("%(name)s saved.") % {"name": industry.name})
    else:
        messages.error(request, form_errors(form))
    return redirect("verification:keywords")


@login_required
def rescore_progress(request):
    """htmx: the latest rescoring run, polled until it finishes."""
    require_admin(request.user)
    return render(request, "verification/_rescore.html", {"run": RescoreRun.objects.first()})


@login_required
@require_POST
def fit_retrain(request):
    """An admin asks for a candidate fit model now (it trains in the background)."""
    require_admin(request.user)
    services.fit_retrain_request(user=request.user)
    messages.success(request, _("Retraining started: the candidate appears below with its "
                                "figures, and takes effect only when you accept it."))
    return redirect("verification:keywords")


@login_required
@require_POST
def fit_decide(request, pk: int):
    require_admin(request.user)
    accept = request.POST.get("decision") == "accept"
    try:
        keyword_editor.fit_model_decide(model_id=pk, accept=accept, user=request.user)
    except ValueError:
        messages.error(request, _("That model is no longer waiting for a decision."))
    else:
        messages.success(request, _("Model accepted: it scores every inquiry from now on, and "
                                    "all are being rescored.") if accept
                         else _("Model rejected: the model in force stays."))
    return redirect("verification:keywords")
