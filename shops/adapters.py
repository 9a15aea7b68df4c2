"""allauth adapters.

WeChat sign-in (allauth's `weixin` provider) keys a social account by `openid`, which is per
WeChat app. Decision: we match people by `openid` of the one website app ops configure and
keep `unionid` (when WeChat returns it) in `SocialAccount.extra_data`; we never merge two
accounts automatically on `unionid`, because a wrong merge would hand one person's brand
access to another. A member who wants WeChat sign-in connects it from their account page
(Connected accounts) while signed in. Staff accounts are made by invitation and brand
accounts by email sign-up, so a WeChat sign-in with no connected account does not open a
new account by itself: it shows "sign-up closed" and creates nothing.
(Shoppers are not users at all: they are identified per merchant by a cookie, see
shops.shoppers, so the unionid question does not arise for them here.)
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.db.models import Q
from django.http import Http404
from django.urls import reverse


class SocialAppNotConfigured(Http404, SocialApp.DoesNotExist):
    """A provider URL was opened before ops entered its app: a 404, not a server error.
    Still a `SocialApp.DoesNotExist`, so allauth code that catches that keeps working."""


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request) or reverse("portal-home")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # WeChat signs in accounts it was connected to; it never creates one.
        return False

    def list_apps(self, request, provider=None, client_id=None):
        # Midpage serves one site, so ticking "sites" on the app in /ops/ is ceremony that is
        # easy to forget (and then the WeChat button silently never shows): an app with no
        # site ticked counts as this site's.
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        unsited = SocialApp.objects.filter(sites__isnull=True)
        if provider:
            unsited = unsited.filter(Q(provider=provider) | Q(provider_id=provider))
        if client_id:
            unsited = unsited.filter(client_id=client_id)
        known = {app.pk for app in apps if app.pk}
        return apps + [app for app in unsited if app.pk not in known]

    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise SocialAppNotConfigured(f"{provider} sign-in is not configured") from None
