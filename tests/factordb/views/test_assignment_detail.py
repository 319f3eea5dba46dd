from decimal import Decimal

import pytest
from django.urls import reverse

from factordb.constants import FactorStatus
from factordb.models import FactorVersion, GasAmount, ReviewAssignment, VersionSource
from tests.factories import GasFactory, SourcedPublishedVersionFactory, SourceFactory

from .helpers import messages_of, snapshot

pytestmark = pytest.mark.django_db


def url(assignment) -> str:
    return reverse("review:assignment", args=[assignment.pk])


def decision_of(assignment) -> str:
    return ReviewAssignment.objects.values_list("decision", flat=True).get(pk=assignment.pk)


def status_of(version) -> str:
    return FactorVersion.objects.values_list("status", flat=True).get(pk=version.pk)


def form_of(response, step: str):
    """The form of a step the page offers, as it is shown again after a refusal."""
    return {offer.name: offer.form for offer in response.context["offers"]}[step]


# --- Access -------------------------------------------------------------------------------


def test_it_requires_login(client, assignment):
    response = client.get(url(assignment))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_shows_another_reviewers_assignment_as_not_found(client, reviewers, in_review):
    other = ReviewAssignment.objects.get(version=in_review, reviewer=reviewers[1])
    client.force_login(reviewers[0])
    assert client.get(url(other)).status_code == 404


def test_it_answers_an_unknown_assignment_with_not_found(reviewer_client):
    assert reviewer_client.get(reverse("review:assignment", args=[999999])).status_code == 404
    assert reviewer_client.post(reverse("review:assignment", args=[999999]),
                                {"action": "reject", "reject-comment": "x"}).status_code == 404


def test_it_shows_nothing_to_an_outsider(client, outsider, assignment):
    client.force_login(outsider)
    assert client.get(url(assignment)).status_code == 404


# --- What the page shows ----------------------------------------------------------------


LEGACY_DERIVATIONS = [
    5, [1, 2], "NCV × CC × OF × 44/12", {"parameters": 5}, {"parameters": {"ncv": 20.9}},
    {"parameters": {"ncv": {"name": "x", "value": 20.9}}}, {"gases": [1]}, {"gases": {"CO2": 5}},
    {"gases": {"CO2": {"parameters": 5, "constant": 44, "unit_conversion": None, "result": 1.9}}},
    {"gases": {"CO2": {"parameters": [1, None], "constant": [44]}}},
]


@pytest.mark.parametrize("derivation", LEGACY_DERIVATIONS)
def test_it_shows_a_derivation_stored_in_any_legacy_shape(reviewer_client, in_review, assignment,
                                                          derivation):
    FactorVersion.objects.filter(pk=in_review.pk).update(derivation=derivation)
    response = reviewer_client.get(url(assignment))
    assert response.status_code == 200


def test_it_shows_the_identity_the_diff_sources_and_derivation(reviewer_client, in_review, assignment):
    published = SourcedPublishedVersionFactory(factor=in_review.factor, co2e_total=Decimal("0.6"))
    FactorVersion.objects.filter(pk=in_review.pk).update(
        co2e_total=Decimal("0.5366"),
        derivation={"parameters": {"net_calorific_value": {"value": "20.9", "unit": "GJ/t", "source": "GB"}},
                    "gases": {"CO2": {"parameters": ["net_calorific_value"], "constant": "44/12",
                                      "unit_conversion": "1", "result": "1.9"}}},
    )
    GasAmount.objects.create(version=in_review, gas=GasFactory(code="CH4", formula="CH4",
                                                                 name_zh="甲烷", name_en="Methane"),
                             amount=Decimal("0.001"))
    VersionSource.objects.filter(version=in_review).update(locator="Table 1.4")
    response = reviewer_client.get(url(assignment))
    assert response.status_code == 200
    body = response.content.decode()
    diff = response.context["diff"]
    assert diff.published == published
    total = next(row for row in diff.fields if row.name == "co2e_total")
    assert (total.published, total.proposed, total.changed) == ("0.6", "0.5366", True)
    gases = {row.gas.code: row for row in diff.gases}
    assert gases["CO2"].published == Decimal("0.6")
    assert gases["CO2"].proposed == Decimal("0.5366")
    assert gases["CO2"].change == Decimal("-0.0634")
    assert gases["CH4"].published is None
    for text in (in_review.factor.public_id, in_review.factor.name_zh, in_review.factor.name_en,
                 "Table 1.4", "net_calorific_value", "20.9", "GJ/t", "44/12", "declares_no_conflict"):
        assert text in body


def test_it_says_when_there_is_no_published_version(reviewer_client, assignment):
    response = reviewer_client.get(url(assignment))
    assert response.context["diff"].published is None
    assert "尚无发布版本" in response.content.decode()


# --- Decisions ----------------------------------------------------------------------------


def test_approving_records_the_decision_and_redirects(reviewer_client, assignment):
    response = reviewer_client.post(url(assignment), {
        "action": "approve", "approve-declares_no_conflict": "on", "approve-comment": "数据可靠",
    })
    assert response.status_code == 302
    assert response["Location"] == url(assignment)
    assignment.refresh_from_db()
    assert (assignment.decision, assignment.comment, assignment.conflict_of_interest) == (
        "approved", "数据可靠", False)


def test_approving_without_declaring_no_conflict_is_refused(reviewer_client, assignment):
    before = snapshot()
    response = reviewer_client.post(url(assignment), {"action": "approve"})
    assert response.status_code == 400
    assert form_of(response, "approve").errors["declares_no_conflict"]
    assert snapshot() == before


def test_the_second_approval_approves_the_version(client, reviewers, in_review):
    for reviewer in reviewers[:2]:
        client.force_login(reviewer)
        assignment = ReviewAssignment.objects.get(version=in_review, reviewer=reviewer)
        client.post(url(assignment), {"action": "approve", "approve-declares_no_conflict": "on"})
    assert status_of(in_review) == FactorStatus.APPROVED


@pytest.mark.parametrize(("action", "decision", "status"), [
    ("request_changes", "changes_requested", FactorStatus.CHANGES_REQUESTED),
    ("reject", "rejected", FactorStatus.REJECTED),
    ("declare_conflict", "recused", FactorStatus.IN_REVIEW),
])
def test_a_decision_with_a_comment_is_recorded(reviewer_client, assignment, action, decision, status):
    response = reviewer_client.post(url(assignment), {"action": action, f"{action}-comment": "理由"})
    assert response.status_code == 302
    assert decision_of(assignment) == decision
    assert status_of(assignment.version) == status


@pytest.mark.parametrize("action", ["request_changes", "reject", "declare_conflict"])
def test_a_decision_without_its_required_comment_is_refused(reviewer_client, assignment, action):
    before = snapshot()
    response = reviewer_client.post(url(assignment), {"action": action, f"{action}-comment": "  "})
    assert response.status_code == 400
    assert "此操作必须填写意见。" in form_of(response, action).errors["comment"]
    assert "此操作必须填写意见。" in response.content.decode()
    assert snapshot() == before


def test_a_double_submit_from_two_tabs_gets_a_conflict_and_changes_nothing(reviewer_client, assignment):
    data = {"action": "approve", "approve-declares_no_conflict": "on", "approve-comment": "first"}
    assert reviewer_client.post(url(assignment), data).status_code == 302
    before = snapshot()
    response = reviewer_client.post(url(assignment), {**data, "approve-comment": "second"})
    assert response.status_code == 409
    assert any("此评审已有结论" in m for m in messages_of(response))
    assert "此评审已有结论" in response.content.decode()
    assert snapshot() == before


def test_a_decision_on_a_version_no_longer_in_review_is_a_conflict(reviewer_client, assignment):
    FactorVersion.objects.filter(pk=assignment.version_id).update(status=FactorStatus.REJECTED)
    before = snapshot()
    response = reviewer_client.post(url(assignment), {"action": "reject", "reject-comment": "x"})
    assert response.status_code == 409
    assert snapshot() == before


def test_a_reviewer_who_is_the_author_is_refused(client, reviewer, in_review):
    FactorVersion.objects.filter(pk=in_review.pk).update(author=reviewer)
    assignment = ReviewAssignment.objects.get(version=in_review, reviewer=reviewer)
    client.force_login(reviewer)
    before = snapshot()
    response = client.post(url(assignment), {"action": "approve", "approve-declares_no_conflict": "on"})
    assert response.status_code == 403
    assert any("作者不能评审自己的版本" in m for m in messages_of(response))
    assert snapshot() == before


def test_an_unknown_action_is_a_bad_request(reviewer_client, assignment):
    before = snapshot()
    assert reviewer_client.post(url(assignment), {"action": "publish"}).status_code == 400
    assert snapshot() == before


def test_the_page_uses_the_source_citation(reviewer_client, assignment):
    VersionSource.objects.create(version=assignment.version, source=SourceFactory(title="中国能源统计年鉴"),
                                 locator="附录4")
    body = reviewer_client.get(url(assignment)).content.decode()
    assert "中国能源统计年鉴" in body
    assert "附录4" in body
