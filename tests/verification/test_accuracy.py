"""The accuracy harness runs end to end on the labelled scenario and meets the targets."""

import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_verification_report_meets_the_accuracy_targets():
    out = io.StringIO()
    call_command("verification_report", "--threads", "16", "--timeout", "0.5", stdout=out,
                 stderr=io.StringIO())
    text = out.getvalue()
    accuracy = {name: float(value) for name, value in
                re.findall(r"^(\w+)\s+accuracy (\d\.\d+)", text, re.M)}
    assert accuracy["email_status"] >= 0.97, text
    assert accuracy["website_status"] >= 0.97, text
    assert accuracy["target"] >= 0.90, text
    precision, recall = map(float, re.search(r"precision (\d\.\d+)\s+recall (\d\.\d+)",
                                             text).groups())
    assert precision >= 0.95 and recall >= 0.95, text
    assert "confusion: email_status" in text and "confusion: website_status" in text
