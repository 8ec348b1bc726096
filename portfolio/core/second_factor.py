"""The admin's second factor: an authenticator app (TOTP) and single-use recovery codes.

django-otp keeps the devices, checks the codes and throttles each device; this module
adds what it leaves to the site: the pages between the admin's own password login and
the admin (enrolment at the first login, the code at every login, the recovery codes),
the middleware that keeps every admin page behind them, and django-axes' lockout for
wrong codes. docs/security.md tells the author's side, and the way back after a lost
phone (`manage.py reset_second_factor USERNAME`).
"""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset as reset_lockouts
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portfolio.core.security import client_limit_key, lockout_response

RECOVERY_CODE_COUNT = 10


def authenticator_of(user, confirmed=True):
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def new_recovery_codes(user):
    """Ten fresh single-use codes for `user`, replacing any left; returns the device."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=StaticToken.random_token())
        for _ in range(RECOVERY_CODE_COUNT)
    )
    return device


def remove_second_factor(user):
    """Forget every device of `user` (a lost phone): the next login enrols anew."""
    count = 0
    for model in (TOTPDevice, StaticDevice):
        count += model.objects.devices_for_user(user, confirmed=None).delete()[0]
    reset_lockouts(username=lockout_name(user))
    return count


def lockout_name(user):
    """The name django-axes counts wrong codes under, for the user and their address.

    Not the username itself: a right password resets axes' count for the username
    (AXES_RESET_ON_SUCCESS), which would let someone holding the password try codes
    forever, a few between each new login.
    """
    return f"{user.get_username()} (second factor)"


class SecondFactorMiddleware:
    """No admin page for staff who passed the password but not yet the second factor.

    It sends them to enrolment when they have no authenticator yet, to the code page
    otherwise, and back to the page they asked for afterwards. The admin's login and
    logout and the two second-factor pages stay open (after django-otp's middleware,
    which tells whether this session is verified).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not user.is_verified()
            and request.path.startswith(f"/{settings.ADMIN_PATH}/")
            and request.path not in open_admin_paths()
        ):
            step = "second_factor_verify" if authenticator_of(user) else "second_factor_enrol"
            return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def open_admin_paths():
    return {
        reverse(name)
        for name in ("admin:login", "admin:logout", "second_factor_verify", "second_factor_enrol")
    }


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


def next_url(request):
    url = request.POST.get("next", request.GET.get("next", ""))
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url("admin:index")


def page(request, template, **context):
    # The admin's look without its menus: this session may not see the admin yet.
    context = {**admin.site.each_context(request), "has_permission": False, **context}
    return render(request, template, {"next": next_url(request), **context})


def check_code(request, form, device):
    """True when `form` holds the device's code; counts and throttles the wrong ones.

    Every refused code, wrong or sent too soon, counts as a failed login for django-axes,
    per user and address; django-otp also makes each device wait longer after each miss.
    """
    if not form.is_valid():
        return False
    allowed, _details = device.verify_is_allowed()
    if allowed and device.verify_token(form.cleaned_data["token"]):
        reset_lockouts(ip=client_limit_key(request), username=lockout_name(request.user))
        return True
    if allowed:
        form.add_error("token", _("This code is not the right one."))
    else:
        form.add_error("token", _("Too many wrong codes: wait a moment, then try again."))
    user_login_failed.send(
        sender=__name__, credentials={"username": lockout_name(request.user)}, request=request
    )
    return False


def locked_out(request):
    return AxesProxyHandler.is_locked(request, {"username": lockout_name(request.user)})


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def verify(request):
    """The code at each login: from the authenticator app, or one recovery code."""
    authenticator = authenticator_of(request.user)
    if authenticator is None:
        return redirect(
            f"{reverse('second_factor_enrol')}?{urlencode({'next': next_url(request)})}"
        )
    if locked_out(request):
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        token = form.data.get("token", "").strip()
        recovery = StaticDevice.objects.devices_for_user(request.user, confirmed=True).first()
        device = authenticator if token.isdigit() or recovery is None else recovery
        if check_code(request, form, device):
            otp_login(request, device)
            return redirect(next_url(request))
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
    return page(request, "second_factor/verify.html", form=form, title=_("Login code"))


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def enrol(request):
    """First login: link an authenticator app, prove it with one code, get recovery codes."""
    if request.user.is_verified() or authenticator_of(request.user):
        return redirect(
            f"{reverse('second_factor_verify')}?{urlencode({'next': next_url(request)})}"
        )
    if locked_out(request):
        return lockout_response(request)
    device = authenticator_of(request.user, confirmed=False) or TOTPDevice.objects.create(
        user=request.user, name="authenticator", confirmed=False
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if check_code(request, form, device):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            new_recovery_codes(request.user)
            otp_login(request, device)
            codes = reverse("second_factor_recovery_codes")
            return redirect(f"{codes}?{urlencode({'next': next_url(request)})}")
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
    secret = b32encode(device.bin_key).decode()
    return page(
        request,
        "second_factor/enrol.html",
        form=form,
        title=_("Set up the login code"),
        qr_code=segno.make(device.config_url, error="m").svg_data_uri(scale=5, light="#fff"),
        secret=secret,
        secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
    )


@never_cache
@staff_member_required
def recovery_codes(request):
    """The recovery codes left, and new ones on demand (the old ones stop working)."""
    if request.method == "POST":
        device = new_recovery_codes(request.user)
    else:
        device = StaticDevice.objects.devices_for_user(request.user, confirmed=True).first()
        device = device or new_recovery_codes(request.user)
    codes = [token.token for token in device.token_set.order_by("pk")]
    context = {**admin.site.each_context(request), "codes": codes, "next": next_url(request)}
    return render(
        request, "second_factor/recovery_codes.html", {**context, "title": _("Recovery codes")}
    )
