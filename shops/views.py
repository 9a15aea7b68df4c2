"""Portal pages around the back office: landing, merchant creation, switching, invitations."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shops import services
from shops.access import Block, backoffice_block_reason
from shops.forms import AcceptInvitationForm, MerchantCreateForm
from shops.middleware import SESSION_KEY
from shops.models import Invitation, Membership

User = get_user_model()


def portal_home(request):
    """Where everyone lands after signing in: their dashboard, or why not yet."""
    reason = backoffice_block_reason(request)
    if reason is None:
        return redirect("portal-dashboard")
    if reason == Block.ANONYMOUS:
        return redirect(f"{reverse('account_login')}?next=/")
    if reason == Block.NO_MERCHANT:
        return redirect("merchant-create")
    if reason == Block.MFA_REQUIRED:
        messages.warning(
            request, _("Your brand requires two-factor sign-in for owners. Set up an authenticator app.")
        )
        return redirect("mfa_activate_totp")
    status = 403 if reason == Block.SUSPENDED else 200
    return render(request, "shops/merchant_status.html", {"reason": reason.value}, status=status)


@login_required
def merchant_create(request):
    if (
        Membership.objects.filter(user=request.user, role=Membership.Role.OWNER).exists()
        and request.method == "GET"
    ):
        messages.info(request, _("You already own a brand; creating another one starts a separate account."))
    form = MerchantCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        merchant = services.create_merchant(
            owner=request.user,
            name=form.cleaned_data["name"],
            contact_phone=form.cleaned_data["contact_phone"],
        )
        request.session[SESSION_KEY] = merchant.pk
        return redirect("portal-home")
    return render(request, "shops/merchant_create.html", {"form": form})


@login_required
@require_POST
def merchant_switch(request):
    """Make another of the user's brands the current one (kept in the session), then go back
    to `next` (a local URL, e.g. the back office) or the portal home."""
    try:
        merchant_id = int(request.POST.get("merchant", ""))
    except ValueError:
        merchant_id = None
    if (
        merchant_id
        and Membership.objects.filter(user=request.user, merchant_id=merchant_id, is_active=True).exists()
    ):
        request.session[SESSION_KEY] = merchant_id
    else:
        messages.error(request, _("You are not a member of that brand."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("portal-home")
    return HttpResponseRedirect(next_url)


def invitation_accept(request, token: str):
    """Join a brand from an emailed link: confirm (signed in as the invited address), sign in
    first (an account with that address exists), or set a password (new person)."""
    invitation = Invitation.objects.select_related("merchant").filter(token=token).first()
    if invitation is None or not invitation.is_usable:
        return render(request, "shops/invitation_invalid.html", status=404)
    signed_in_as_invitee = (
        request.user.is_authenticated and request.user.email.lower() == invitation.email.lower()
    )
    account_exists = not signed_in_as_invitee and User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if not signed_in_as_invitee and not account_exists:
        form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and not account_exists:
        membership = None
        try:
            if signed_in_as_invitee:
                membership = services.accept_invitation(invitation=invitation, user=request.user)
            elif form.is_valid():
                membership = services.accept_invitation(
                    invitation=invitation,
                    password=form.cleaned_data["password1"],
                    name=form.cleaned_data["name"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        if membership is not None:
            request.session[SESSION_KEY] = membership.merchant_id
            messages.success(request, _("Welcome to %(brand)s.") % {"brand": membership.merchant.name})
            return redirect("portal-home")
    return render(
        request,
        "shops/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "existing": signed_in_as_invitee,
            "account_exists": account_exists,
        },
    )
