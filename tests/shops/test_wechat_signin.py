"""WeChat sign-in through allauth's `weixin` provider, with WeChat's HTTP API mocked.

Ops configure the app in /ops/; the login page then offers the button. A WeChat identity
signs in only the Midpage account it was connected to (see shops/adapters.py).
"""

import json
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser that asks for English, so assertions read the source strings (the pages
    default to Simplified Chinese once catalogues are compiled)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


APP_ID = "wx1234567890abcdef"
APP_SECRET = "s3cret-from-open-weixin"
OPENID = "oWx_openid_for_this_app"
UNIONID = "oUn_unionid_across_apps"


class FakeWeChat:
    """Answers the two calls allauth makes: code → access token (with openid), then userinfo."""

    def __init__(self, token_payload=None):
        self.calls = []
        self.token_payload = token_payload or {
            "access_token": "ACCESS-TOKEN",
            "expires_in": 7200,
            "refresh_token": "REFRESH",
            "openid": OPENID,
            "scope": "snsapi_login",
            "unionid": UNIONID,
        }

    def install(self, monkeypatch):
        def request(session, method, url, params=None, data=None, **kwargs):
            return self.answer(method, url, params=params, data=data)

        monkeypatch.setattr(requests.Session, "request", request)
        return self

    def answer(self, method, url, params=None, data=None):
        self.calls.append((method, url, params or data))
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        if url.startswith("https://api.weixin.qq.com/sns/oauth2/access_token"):
            payload = self.token_payload
        elif url.startswith("https://api.weixin.qq.com/sns/userinfo"):
            payload = {
                "openid": OPENID,
                "nickname": "茶友",
                "sex": 1,
                "province": "Shanghai",
                "city": "Shanghai",
                "country": "CN",
                "headimgurl": "https://thirdwx.qlogo.cn/mmopen/x/132",
                "unionid": UNIONID,
            }
        else:  # pragma: no cover - anything else would be a real network call
            raise AssertionError(f"unexpected request to {url}")
        response._content = json.dumps(payload, ensure_ascii=False).encode()
        return response


@pytest.fixture
def wechat(monkeypatch):
    return FakeWeChat().install(monkeypatch)


@pytest.fixture
def configured(client):
    """Ops enter the WeChat app in /ops/ (the admin add form for social applications)."""
    ops = factories.UserFactory(is_staff=True, is_superuser=True)
    ops_client = client.__class__()
    ops_client.force_login(ops)
    response = ops_client.post(
        reverse("admin:socialaccount_socialapp_add"),
        {
            "provider": "weixin",
            "provider_id": "",
            "name": "Midpage WeChat login",
            "client_id": APP_ID,
            "secret": APP_SECRET,
            "key": "",
            "settings": "{}",
            "sites": [Site.objects.get_current().pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return SocialApp.objects.get(provider="weixin")


def _start(client, process="login"):
    """Press the WeChat button; returns the state allauth put in WeChat's QR-login URL."""
    response = client.post(reverse("weixin_login"), {"process": process})
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://open.weixin.qq.com/connect/qrconnect"
    query = parse_qs(target.query)
    assert query["appid"] == [APP_ID]
    assert query["scope"] == ["snsapi_login"]
    assert query["response_type"] == ["code"]
    assert urlparse(query["redirect_uri"][0]).path == reverse("weixin_callback")
    return query["state"][0]


def test_button_shows_only_once_ops_configure_the_app(client):
    assert "Sign in with WeChat" not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("weixin_login")).status_code == 404
    assert not SocialAccount.objects.exists()


def test_configured_app_shows_the_button(client, configured):
    body = client.get(reverse("account_login")).content.decode()
    assert "Sign in with WeChat" in body
    assert f'action="{reverse("weixin_login")}' in body
    # Sign-up never offers WeChat: it cannot create accounts.
    assert reverse("weixin_login") not in client.get(reverse("account_signup")).content.decode()


def test_app_entered_without_ticking_the_site_still_counts(client):
    SocialApp.objects.create(provider="weixin", name="WeChat", client_id=APP_ID, secret=APP_SECRET)
    assert "Sign in with WeChat" in client.get(reverse("account_login")).content.decode()
    assert _start(client)


def test_connected_wechat_signs_in_its_member(client, configured, wechat):
    merchant = factories.MerchantFactory()
    owner = factories.member(merchant, "owner")
    SocialAccount.objects.create(user=owner, provider="weixin", uid=OPENID)

    state = _start(client)
    response = client.get(reverse("weixin_callback"), {"code": "CODE-FROM-WECHAT", "state": state})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    # The code was exchanged with the app's own credentials, then the profile fetched.
    token_call = wechat.calls[0]
    assert token_call[2]["appid"] == APP_ID
    assert token_call[2]["secret"] == APP_SECRET
    assert token_call[2]["code"] == "CODE-FROM-WECHAT"
    assert wechat.calls[1][2] == {"access_token": "ACCESS-TOKEN", "openid": OPENID}
    account = SocialAccount.objects.get(uid=OPENID)
    assert account.extra_data["unionid"] == UNIONID  # kept, never used to merge accounts
    assert client.get(reverse("backoffice:index")).status_code == 200


def test_unknown_wechat_user_gets_no_account(client, configured, wechat):
    users_before = get_user_model().objects.count()
    state = _start(client)
    response = client.get(reverse("weixin_callback"), {"code": "CODE", "state": state}, follow=True)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert "signup_closed" in " ".join(t.name for t in response.templates)
    assert "not connected" in response.content.decode()


def test_member_connects_wechat_while_signed_in(client, configured, wechat):
    user = factories.UserFactory(email="connector@example.com")
    client.post(reverse("account_login"), {"login": user.email, "password": "pw-for-tests-123"})
    state = _start(client, process="connect")
    response = client.get(reverse("weixin_callback"), {"code": "CODE", "state": state})
    assert response.status_code == 302
    account = SocialAccount.objects.get(provider="weixin")
    assert (account.user, account.uid) == (user, OPENID)

    # From now on WeChat alone signs them in.
    client.post(reverse("account_logout"))
    state = _start(client)
    client.get(reverse("weixin_callback"), {"code": "CODE2", "state": state})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_forged_state_is_refused(client, configured, wechat):
    SocialAccount.objects.create(user=factories.UserFactory(), provider="weixin", uid=OPENID)
    _start(client)
    response = client.get(reverse("weixin_callback"), {"code": "CODE", "state": "forged"})
    assert response.status_code == 401
    assert "authentication_error" in " ".join(t.name for t in response.templates)
    assert "_auth_user_id" not in client.session
    assert wechat.calls == []  # the code is never exchanged


def test_wechat_error_answer_is_a_friendly_page(client, configured, monkeypatch):
    FakeWeChat(token_payload={"errcode": 40029, "errmsg": "invalid code"}).install(monkeypatch)
    state = _start(client)
    response = client.get(reverse("weixin_callback"), {"code": "BAD", "state": state})
    assert response.status_code == 401
    assert "_auth_user_id" not in client.session
    assert "authentication_error" in " ".join(t.name for t in response.templates)


def test_user_cancelled_on_wechat(client, configured, wechat):
    _start(client)
    # WeChat redirects back without a code when the user declines.
    response = client.get(reverse("weixin_callback"), {"state": "x"})
    assert response.status_code in (200, 401)
    assert "authentication_error" in " ".join(t.name for t in response.templates)
    assert "_auth_user_id" not in client.session
    assert wechat.calls == []
