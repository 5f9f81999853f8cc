"""The team teaches the fit model: labels with who and when, a retraining that shows its
held-out figures, and a model that takes effect only when an admin accepts it."""

import pytest
from django.urls import reverse

from leads.models import Activity
from tests.leads.helpers import ingest
from verification import fittrain
from verification.keyword_editor import fit_model_decide
from verification.lists import fit_model
from verification.models import FitLabel, FitModel, RescoreRun, Verification
from verification.services import fit_label_set, fit_retrain_request, fit_retrain_run

pytestmark = pytest.mark.django_db

POOL_PAGE = ("Poolpflege Müller. Wir reinigen und warten private Schwimmbäder: Poolwasser "
             "messen, Filter spülen, UV-Anlagen tauschen, Chlor dosieren.")


@pytest.fixture(autouse=True)
def quick_training(monkeypatch):
    monkeypatch.setattr(fittrain, "C_CHOICES", (16.0,))


def labelled(rep, name, page, *, is_target, industry=""):
    inquiry = ingest(company=name, email=f"info@{name.split()[0].lower()}.example",
                     country="DE")
    Verification.objects.filter(inquiry=inquiry).update(
        status="done", verified_at=inquiry.received_at, website_status="reachable",
        website_title=name, website_text=page, website_language="de")
    fit_label_set(company=inquiry.company, is_target=is_target, industry=industry, user=rep)
    return inquiry.company


def test_a_label_is_kept_with_who_and_when_and_can_be_taken_back(rep):
    company = labelled(rep, "Poolpflege Müller", POOL_PAGE, is_target=True,
                       industry="water_treatment")
    label = FitLabel.objects.get(company=company)
    assert (label.is_target, label.industry, label.labelled_by) == (True, "water_treatment", rep)
    assert Activity.objects.filter(company=company, body__contains="target buyer").exists()
    fit_label_set(company=company, is_target=None, user=rep)
    assert not FitLabel.objects.filter(company=company).exists()


def test_a_rep_labels_a_company_from_its_page(client, rep):
    company = labelled(rep, "Poolpflege Müller", POOL_PAGE, is_target=False)
    company.owner = rep
    company.save()
    client.force_login(rep)
    response = client.post(reverse("leads:company-target", args=[company.pk]),
                           {"label": "target", "industry": "water_treatment"})
    assert response.status_code == 302
    assert FitLabel.objects.get(company=company).is_target


def test_a_retrained_model_waits_for_an_admin_and_then_takes_effect(
        rep, admin_user, django_capture_on_commit_callbacks):
    labelled(rep, "Poolpflege Müller", POOL_PAGE, is_target=True, industry="water_treatment")
    labelled(rep, "Schreinerei Holz", "Schreinerei Holz: Küchen, Schränke und Tische aus "
             "Eiche, nach Maß gefertigt in unserer Werkstatt.", is_target=False)
    shipped = fit_model()
    with django_capture_on_commit_callbacks(execute=False):
        run = fit_retrain_request(user=admin_user)
    assert run.status == "training"
    candidate = fit_retrain_run(model_id=run.pk)
    assert candidate.status == "candidate" and candidate.team_labels == 2
    assert {"accuracy", "precision", "recall"} <= candidate.after.keys()
    assert candidate.before["accuracy"] > 0  # the model in force, on the same pages
    assert fit_model() is shipped  # nothing changes before an admin decides
    assert not RescoreRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        fit_model_decide(model_id=candidate.pk, accept=True, user=admin_user)
    in_force = fit_model()
    assert in_force is not shipped and in_force.info["team_labels"] == 2
    assert RescoreRun.objects.filter(requested_by=admin_user).exists()
    with pytest.raises(ValueError):
        fit_model_decide(model_id=candidate.pk, accept=False, user=admin_user)


def test_a_rejected_model_changes_nothing(rep, admin_user, django_capture_on_commit_callbacks):
    labelled(rep, "Poolpflege Müller", POOL_PAGE, is_target=True, industry="water_treatment")
    shipped = fit_model()
    run = FitModel.objects.create()
    candidate = fit_retrain_run(model_id=run.pk)
    with django_capture_on_commit_callbacks(execute=True):
        fit_model_decide(model_id=candidate.pk, accept=False, user=admin_user)
    assert FitModel.objects.get(pk=candidate.pk).status == "rejected"
    assert fit_model() is shipped
    assert not RescoreRun.objects.exists()
