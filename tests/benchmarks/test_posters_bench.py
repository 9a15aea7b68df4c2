"""Batch of 1,000 posters (one PDF): prints the seconds; the goal is under 20 s on 2 cores."""

import time

import pytest

from shops import poster_batches
from shops.models import EntryPoint, PosterBatch, new_entry_token
from tests import factories


@pytest.mark.django_db
def test_batch_of_1000_posters(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    merchant = factories.MerchantFactory(name="北岭服饰 Beiling Apparel")
    stores = [factories.StoreFactory(merchant=merchant, name=f"三里屯店 {i}") for i in range(10)]
    EntryPoint.objects.bulk_create(
        [
            EntryPoint(merchant=merchant, kind="store", store=store, token=new_entry_token())
            for store in stores
            for _ in range(100)
        ]
    )
    batch = PosterBatch.objects.create(merchant=merchant, paper="A4")
    batch.stores.set(stores)
    started = time.perf_counter()
    built = poster_batches.build_poster_batch(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    size_mb = built.file.size / 1e6
    print(
        f"\n[bench] {built.total} A4 posters in one PDF: {seconds:.1f} s ({built.total / seconds:.0f}/s, {size_mb:.1f} MB); goal < 20 s"
    )
    assert built.status == "done" and built.total == 1000
