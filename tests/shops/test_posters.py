"""Posters: the printed code decodes to the scan URL; downloads are scoped to the merchant."""

import io
import shutil
import subprocess

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image

from shops import entry_points, posters
from shops.models import EntryPoint, Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    merchant = factories.MerchantFactory(name="茶语 Chayu", slug="chayu")
    store = factories.StoreFactory(merchant=merchant, name="静安寺店")
    staff = Membership.objects.get(user=factories.member(merchant, "staff", stores=[store]))
    staff.display_name = "小陈"
    staff.save()
    return merchant, store, staff


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_png_is_300_dpi_at_least_8_cm_and_decodes_to_the_scan_url(brand, settings):
    merchant, store, _staff = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    image = Image.open(io.BytesIO(posters.code_png(code)))
    assert round(image.info["dpi"][0]) == 300
    assert image.width / 300 * 2.54 >= 8
    assert _decode(image) == [f"{settings.SITE_URL}/s/{code.token}"]


def test_svg_is_an_svg_of_the_code(brand):
    merchant, store, _staff = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    svg = posters.code_svg(code).decode()
    assert "<svg" in svg and "<path" in svg


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils (CI installs it)")
@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_pdf_poster_rasterised_decodes_to_the_scan_url(brand, settings, tmp_path, paper):
    merchant, store, staff = brand
    staff_code = entry_points.staff_entry_point(membership=staff)
    store_code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(posters.posters_pdf([staff_code, store_code], paper))
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    expected = [f"{settings.SITE_URL}/s/{c.token}" for c in (staff_code, store_code)]
    assert [_decode(Image.open(page)) for page in pages] == [[url] for url in expected]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for word in ("茶语 Chayu", "静安寺店", "小陈", "扫码找我", "Scan to shop with me", "扫码进店"):
        assert word in text


def test_qr_is_at_least_8_cm_on_a4():
    assert posters.QR_WIDTH_ON_A4 / 72 * 2.54 >= 8


def test_backoffice_downloads_are_scoped(client, brand):
    merchant, store, _staff = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="pay", store=store)
    foreign = factories.EntryPointFactory()
    client.force_login(factories.member(merchant, "manager", stores=[store]))
    for fmt, content_type in (
        ("a4.pdf", "application/pdf"),
        ("a5.pdf", "application/pdf"),
        ("png", "image/png"),
    ):
        response = client.get(reverse("backoffice:shops_entrypoint_poster", args=[code.pk, fmt]))
        assert response.status_code == 200 and response["Content-Type"] == content_type
    assert client.get(reverse("backoffice:shops_entrypoint_poster", args=[code.pk, "exe"])).status_code == 404
    assert (
        client.get(reverse("backoffice:shops_entrypoint_poster", args=[foreign.pk, "png"])).status_code == 404
    )
    entry_points.revoke_entry_point(entry_point=code)
    assert client.get(reverse("backoffice:shops_entrypoint_poster", args=[code.pk, "png"])).status_code == 404
    # The change page links the posters.
    live = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    page = client.get(reverse("backoffice:shops_entrypoint_change", args=[live.pk]))
    assert reverse("backoffice:shops_entrypoint_poster", args=[live.pk, "a4.pdf"]) in page.content.decode()


def test_staff_see_and_print_their_own_code_only(client, brand):
    merchant, store, staff = brand
    store_code = entry_points.create_entry_point(merchant=merchant, kind="store", store=store)
    other_store = factories.StoreFactory(merchant=merchant)
    other_staff = Membership.objects.get(user=factories.member(merchant, "staff", stores=[other_store]))
    other_code = entry_points.staff_entry_point(membership=other_staff)
    client.force_login(staff.user)
    page = client.get(reverse("my-code"))
    assert page.status_code == 200
    own = EntryPoint.objects.get(staff=staff, is_active=True)
    assert page.context["own"] == own and "<svg" in page.content.decode()
    assert page.context["store_codes"] == [store_code]
    assert client.get(reverse("my-code-download", args=[own.pk, "a4.pdf"])).status_code == 200
    assert client.get(reverse("my-code-download", args=[store_code.pk, "png"])).status_code == 200
    assert client.get(reverse("my-code-download", args=[other_code.pk, "png"])).status_code == 404
    client.logout()
    assert client.get(reverse("my-code")).status_code == 302


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils (CI installs it)")
def test_campaign_poster_without_a_store_prints_its_label(brand, settings, tmp_path):
    merchant, _store, _staff = brand
    code = entry_points.create_entry_point(merchant=merchant, kind="campaign", label="双十一 领券")
    pdf = tmp_path / "campaign.pdf"
    pdf.write_bytes(posters.posters_pdf([code], "A4"))
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "c")], check=True)
    (page,) = sorted(tmp_path.glob("c-*.png"))
    assert _decode(Image.open(page)) == [f"{settings.SITE_URL}/s/{code.token}"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "双十一 领券" in text and "扫码领取优惠" in text
