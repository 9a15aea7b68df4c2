"""Batch printing: all posters of some stores in one PDF, built by a task, progress visible."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shops import entry_points, poster_batches
from shops.models import EntryPoint, Membership, PosterBatch
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory()
    a = factories.StoreFactory(merchant=merchant, name="A")
    b = factories.StoreFactory(merchant=merchant, name="B")
    staff_a = Membership.objects.get(user=factories.member(merchant, "staff", stores=[a]))
    return merchant, a, b, staff_a


def test_action_queues_a_batch_that_builds_every_poster_of_the_stores(
    client, brand, django_capture_on_commit_callbacks
):
    merchant, a, b, staff_a = brand
    client.force_login(factories.member(merchant, "manager", stores=[a, b]))
    url = reverse("backoffice:shops_store_changelist")
    data = {"action": "print_store_posters", "_selected_action": [a.pk]}
    assert client.post(url, data).status_code == 200  # the paper size form
    assert not PosterBatch.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "apply": "1", "paper": "A5"})
    batch = PosterBatch.objects.get()
    assert response["Location"] == reverse("backoffice:shops_posterbatch_change", args=[batch.pk])
    # Store code + pay code + a code for each of the two people working in A (staff and manager).
    assert EntryPoint.objects.filter(store=a, kind__in=["store", "pay"], is_active=True).count() == 2
    assert EntryPoint.objects.get(staff=staff_a).store == a
    assert not EntryPoint.objects.filter(store=b).exists()
    assert (batch.status, batch.done, batch.total, batch.paper) == ("done", 4, 4, "A5")
    progress = client.get(reverse("backoffice:shops_posterbatch_progress", args=[batch.pk])).json()
    assert progress["status"] == "done" and progress["percent"] == 100 and progress["download_url"]
    page = client.get(response["Location"])
    assert page.status_code == 200 and "batch-progress" in page.content.decode()
    pdf = client.get(progress["download_url"])
    assert pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b(?!s)", body)) == 4


def test_building_twice_changes_nothing(brand):
    merchant, a, _b, _staff = brand
    batch = poster_batches.request_poster_batch(merchant=merchant, stores=[a])
    first = poster_batches.build_poster_batch(batch_id=batch.pk)
    name = first.file.name
    second = poster_batches.build_poster_batch(batch_id=batch.pk)
    assert second.status == "done" and second.file.name == name


def test_a_stale_running_batch_is_rebuilt_a_live_one_is_left_alone(brand):
    merchant, a, _b, _staff = brand
    batch = poster_batches.request_poster_batch(merchant=merchant, stores=[a])
    PosterBatch.objects.filter(pk=batch.pk).update(status="running", started_at=timezone.now())
    assert poster_batches.build_poster_batch(batch_id=batch.pk).status == "running"
    PosterBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert poster_batches.build_poster_batch(batch_id=batch.pk).status == "done"


def test_failure_is_recorded(brand, monkeypatch):
    merchant, a, _b, _staff = brand
    batch = poster_batches.request_poster_batch(merchant=merchant, stores=[a])

    def boom(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(poster_batches.posters, "posters_pdf", boom)
    with pytest.raises(RuntimeError):
        poster_batches.build_poster_batch(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and "printer on fire" in batch.error


def test_foreign_store_and_bad_paper_are_refused(brand):
    merchant, a, _b, _staff = brand
    with pytest.raises(ValidationError):
        poster_batches.request_poster_batch(merchant=merchant, stores=[a, factories.StoreFactory()])
    with pytest.raises(ValidationError):
        poster_batches.request_poster_batch(merchant=merchant, stores=[a], paper="A3")
    with pytest.raises(ValidationError):
        poster_batches.request_poster_batch(merchant=merchant, stores=[])
    assert not PosterBatch.objects.exists()


def test_another_merchants_batch_is_404(client, brand):
    merchant, a, _b, _staff = brand
    batch = poster_batches.request_poster_batch(merchant=merchant, stores=[a])
    poster_batches.build_poster_batch(batch_id=batch.pk)
    client.force_login(factories.member(factories.MerchantFactory(), "owner"))
    for name in ("progress", "download", "change"):
        assert client.get(reverse(f"backoffice:shops_posterbatch_{name}", args=[batch.pk])).status_code == 404


def test_revoked_codes_are_not_printed(brand):
    merchant, a, _b, staff = brand
    batch = poster_batches.request_poster_batch(merchant=merchant, stores=[a])
    entry_points.revoke_entry_point(entry_point=EntryPoint.objects.get(staff=staff))
    assert poster_batches.build_poster_batch(batch_id=batch.pk).total == 2
