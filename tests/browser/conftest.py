"""Browser journeys: Playwright's sync API driving Debian's Chromium against Django's live server.

One browser per test session; each test gets a fresh context (cookies, language) and page.
Playwright runs an event loop in the test thread, so Django's async-safety check must be off
for the ORM calls that arrange data: set before Playwright starts (CI exports it too).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = os.environ.get("MIDPAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
# A phone-sized viewport: the counter and shopper pages are built for phones first.
PHONE = {"width": 412, "height": 915}


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser journey (selectable with -m browser)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _new_page(browser, *, locale: str, viewport: dict | None, accept_downloads: bool = True):
    context = browser.new_context(
        locale=locale, viewport=viewport or {"width": 1280, "height": 900}, accept_downloads=accept_downloads
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    """A desktop page whose browser asks for Simplified Chinese (the product default)."""
    context, page = _new_page(browser, locale="zh-CN", viewport=None)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized page (shoppers and counter staff)."""
    context, page = _new_page(browser, locale="zh-CN", viewport=PHONE)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Factory for extra pages with their own cookies: new_page(locale="en-US", phone=True)."""
    contexts = []

    def make(*, locale: str = "zh-CN", phone: bool = False):
        context, page = _new_page(browser, locale=locale, viewport=PHONE if phone else None)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, journey: str) -> Path:
    """Save the journey's last page as tests/artifacts/<journey>.png (a CI artifact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{journey}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, live_server, email: str, password: str = "pw-for-tests-123", next_url: str = "/") -> None:
    """Sign in through allauth's real form (the journeys are about what a person does)."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action*='login'] [type=submit]").first.click()
    page.wait_for_load_state()
