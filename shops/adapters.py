"""allauth adapters.

WeChat sign-in (allauth's `weixin` provider) keys a social account by `openid`, which is per
WeChat app. Decision: we match people by `openid` of the one website app ops configure and
keep `unionid` (when WeChat returns it) in `SocialAccount.extra_data`; we never merge two
accounts automatically on `unionid`, because a wrong merge would hand one person's brand
access to another. A member who wants WeChat sign-in connects it from their account page
while signed in. Staff accounts are made by invitation, so a WeChat sign-in with no
connected account does not open a new merchant account by itself.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        return super().get_login_redirect_url(request) or reverse("portal-home")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        # Only connecting an existing account, or the flow that already carries a verified email.
        return False
