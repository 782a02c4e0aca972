"""Accounts: registration, activation, login, logout, password reset and
the mitra's profile (issue 3).

The account forms check their own CSRF token (``csrf.exempt`` here), so a
form sent after its token expired comes back with what was typed and a
message instead of a bare error page; every one of these views validates
its form before it changes anything.
"""

import json
import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from kerapu.auth.access import mitra_required
from kerapu.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    ProfileForm,
    RegistrationForm,
    StatusMailForm,
)
from kerapu.extensions import csrf, db, limiter, login_manager
from kerapu.models import Role
from kerapu.services import accounts
from kerapu.services.accounts import (
    Activation,
    EmailChange,
    EmailConfirmation,
    Login,
    Registered,
)
from kerapu.services.uploads import discard_images
from kerapu.web import accepts_uploads, is_htmx, render_page, see_other

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/akun")


# -- Sessions, redirects and limits ------------------------------------------


@login_manager.user_loader
def load_user(session_id):
    return accounts.load_session_user(session_id)


@login_manager.unauthorized_handler
def unauthorized():
    """Send a logged-out visitor to the login page, then back.

    htmx gets 401 with HX-Redirect, so the login page is never swapped into
    a part of the page; the way back is the page the user was on."""
    if is_htmx():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        back = safe_next(current.path + (f"?{current.query}" if current.query else ""))
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("auth.login", next=back)
        return response
    if request.method in ("GET", "HEAD"):
        flash(_("Silakan masuk terlebih dahulu."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # A form sent after the session ended: its address takes no GET, so
    # after login go back to the page the form was on.
    flash(
        _(
            "Sesi Anda sudah berakhir, jadi kiriman tadi belum diproses. "
            "Silakan masuk, lalu ulangi."
        ),
        "info",
    )
    back = same_site_path(request.referrer) or url_for("mitra.programs")
    return redirect(url_for("auth.login", next=back))


def same_site_path(url):
    """The path and query of ``url`` if it is a page of this site."""
    parts = urlsplit(url or "")
    if parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def safe_next(target):
    """``target`` if it is a path on this site, else None."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if any(ord(char) < 32 or char == "\\" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    if target.startswith("//"):
        return None
    return target


def landing_url(user):
    """Where a user goes after login when no page was asked for."""
    if user.role is Role.MITRA:
        return url_for("mitra.programs")
    return url_for("public.index")


def typed_email():
    """The email a posted form names: the per-account limit's key."""
    email = accounts.normalise_email(request.form.get("email", ""))[:254]
    return f"email:{email}" if email else f"ip:{request.remote_addr}"


def limits_off():
    """True where this app switched limits off (RATELIMIT_ENABLED): the
    limiter is one object shared by every app of the process."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


per_ip = limiter.limit(
    lambda: current_app.config["RATELIMIT_ACCOUNT_FORMS_PER_IP"],
    methods=["POST"],
    scope="account-forms-ip",
    exempt_when=limits_off,
)
per_email = limiter.limit(
    lambda: current_app.config["RATELIMIT_ACCOUNT_FORMS_PER_EMAIL"],
    key_func=typed_email,
    methods=["POST"],
    exempt_when=limits_off,
)
#: For login only failures count: a good login is not an attack.
per_email_failures = limiter.limit(
    lambda: current_app.config["RATELIMIT_ACCOUNT_FORMS_PER_EMAIL"],
    key_func=typed_email,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 303,
    exempt_when=limits_off,
)


def no_referrer(response):
    """Pages whose address holds a token never pass it on."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- Registration and activation ---------------------------------------------


@bp.route("/daftar", methods=["GET", "POST"])
@accepts_uploads
@csrf.exempt
@per_ip
@per_email
def register():
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = RegistrationForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_page("auth/register.html", "content", status, form=form)

    logo = form.logo.store()
    registration = accounts.Registration(
        **form.mitra_values(),
        email=form.email.data,
        logo=logo,
        password=form.password.data,
        key=form.key.data,
    )
    outcome = register_once(registration)
    if outcome is not Registered.CREATED:
        discard_images([logo])
    session["registered_email"] = accounts.normalise_email(form.email.data)
    return see_other("auth.registered")


def register_once(registration):
    """Register and commit; a lost race (the same form twice, or the same
    email at once) is retried, where the service sees the winner."""
    for attempt in range(2):
        try:
            outcome, _user = accounts.register_mitra(registration)
            db.session.commit()
            return outcome
        except IntegrityError:
            db.session.rollback()
            log.info("registration raced another one (attempt %d)", attempt + 1)
    return Registered.DUPLICATE


@bp.get("/daftar/terkirim")
def registered():
    email = session.get("registered_email")
    return render_page("auth/registered.html", "content", email=email)


@bp.get("/aktivasi/<token>")
def activate(token):
    outcome, user = accounts.activate_account(token)
    db.session.commit()
    resend = EmailForm(formdata=None)
    if outcome is Activation.EXPIRED:
        resend.email.data = user.email
    response = render_page(
        "auth/activation.html",
        "content",
        400 if outcome in (Activation.EXPIRED, Activation.INVALID) else 200,
        outcome=outcome.value,
        form=resend,
    )
    return no_referrer(response)


@bp.route("/aktivasi/kirim-ulang", methods=["GET", "POST"])
@csrf.exempt
@per_ip
@per_email
def resend_activation():
    form = EmailForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args.get("email", "")[:254]
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_page("auth/resend.html", "content", status, form=form)
    accounts.resend_activation(form.email.data)
    db.session.commit()
    flash(
        _(
            "Jika email itu terdaftar dan akunnya belum aktif, tautan aktivasi "
            "baru sudah kami kirim. Periksa juga folder spam."
        ),
        "ok",
    )
    return see_other("auth.login")


# -- Login and logout --------------------------------------------------------


@bp.route("/masuk", methods=["GET", "POST"])
@csrf.exempt
@per_ip
@per_email_failures
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if current_user.is_authenticated:
        return redirect(safe_next(form.next.data) or landing_url(current_user))
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_page(
            "auth/login.html", "content", status, form=form, refusal=None, email=None
        )

    outcome, user = accounts.authenticate(form.email.data, form.password.data)
    if outcome is not Login.OK:
        db.session.rollback()
        return render_page(
            "auth/login.html",
            "content",
            422,
            form=form,
            refusal=outcome.value,
            email=form.email.data,
        )
    session.clear()  # a fresh session: nothing carried over from before
    login_user(user, remember=form.remember.data)
    db.session.commit()
    return redirect(safe_next(form.next.data) or landing_url(user), 303)


@bp.post("/keluar")
@csrf.exempt
def logout():
    form = LogoutForm()
    if current_user.is_authenticated and form.validate_on_submit():
        accounts.log_out(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Anda sudah keluar dari semua perangkat."), "ok")
    elif current_user.is_authenticated:
        flash(_("Sesi formulir sudah berakhir. Klik Keluar sekali lagi."), "error")
    return see_other("public.index")


# -- Password reset ----------------------------------------------------------


@bp.route("/lupa-password", methods=["GET", "POST"])
@csrf.exempt
@per_ip
@per_email
def forgot_password():
    form = EmailForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_page("auth/forgot.html", "content", status, form=form)
    accounts.request_password_reset(form.email.data)
    db.session.commit()
    flash(
        _(
            "Jika email itu terdaftar, tautan untuk mengganti password sudah kami "
            "kirim. Tautan berlaku satu jam."
        ),
        "ok",
    )
    return see_other("auth.login")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@csrf.exempt
@per_ip
def reset_password(token):
    user = accounts.user_for_reset(token)
    if user is None:
        response = render_page(
            "auth/reset.html", "content", 400, form=None, token=token
        )
        return no_referrer(response)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        response = render_page(
            "auth/reset.html", "content", status, form=form, token=token
        )
        return no_referrer(response)
    accounts.reset_password(user, form.password.data)
    db.session.commit()
    flash(_("Password sudah diganti. Silakan masuk dengan password baru."), "ok")
    return see_other("auth.login")


# -- Profile -----------------------------------------------------------------


def profile_page(status=200, **forms):
    """The profile page with its four forms; ``forms`` replaces the blank
    ones with those that came back with errors."""
    mitra = current_user.mitra
    if "profile" not in forms:
        forms["profile"] = ProfileForm(formdata=None, data=profile_data(mitra))
    forms.setdefault("password", ChangePasswordForm(formdata=None))
    forms.setdefault("email", ChangeEmailForm(formdata=None))
    forms.setdefault("delete", DeleteAccountForm(formdata=None))
    forms.setdefault(
        "status_mail",
        StatusMailForm(formdata=None, data={"status_mail": mitra.notify_by_email}),
    )
    return render_page("auth/profile.html", "content", status, mitra=mitra, forms=forms)


def profile_data(mitra):
    data = {
        "name": mitra.name,
        "business_field": mitra.business_field_id,
        "address": mitra.address,
        "provinsi": mitra.province_code,
        "kabupaten": mitra.regency_code,
        "contact_name": mitra.contact_name,
        "whatsapp": mitra.whatsapp,
        "contact_position": mitra.contact_position,
        "estimated_value": mitra.estimated_value_idr,
    }
    return data


@bp.route("/profil", methods=["GET", "POST"])
@accepts_uploads
@csrf.exempt
@mitra_required
def profile():
    if request.method == "GET":
        return profile_page()
    form = ProfileForm()
    if not form.validate():
        return profile_page(422, profile=form)
    new_logo = form.logo.store()
    old_logo = accounts.update_profile(current_user, form.mitra_values(), new_logo)
    db.session.commit()
    discard_images([old_logo])
    flash(_("Profil sudah disimpan."), "ok")
    return see_other("auth.profile")


@bp.post("/profil/password")
@csrf.exempt
@mitra_required
def change_password():
    form = ChangePasswordForm()
    if not form.validate():
        return profile_page(422, password=form)
    user = current_user._get_current_object()
    if not accounts.change_password(
        user, form.current_password.data, form.password.data
    ):
        form.current_password.errors.append(_("Password saat ini salah."))
        return profile_page(422, password=form)
    db.session.commit()
    # Every session ended with the change; this one starts afresh.
    session.clear()
    login_user(user)
    flash(_("Password sudah diganti. Sesi di perangkat lain sudah diakhiri."), "ok")
    return see_other("auth.profile")


@bp.post("/profil/email")
@csrf.exempt
@mitra_required
def change_email():
    form = ChangeEmailForm()
    if not form.validate():
        return profile_page(422, email=form)
    outcome = accounts.request_email_change(
        current_user, form.new_email.data, form.password.data
    )
    if outcome is EmailChange.NOT_OWNER:
        form.password.errors.append(_("Password saat ini salah."))
        return profile_page(422, email=form)
    if outcome is EmailChange.SAME:
        form.new_email.errors.append(_("Ini sudah email akun Anda."))
        return profile_page(422, email=form)
    db.session.commit()
    flash(
        _(
            "Tautan konfirmasi sudah dikirim ke %(email)s. Email akun berubah "
            "setelah tautan itu dibuka.",
            email=accounts.normalise_email(form.new_email.data),
        ),
        "ok",
    )
    return see_other("auth.profile")


@bp.post("/profil/notifikasi")
@csrf.exempt
@mitra_required
def change_status_mail():
    form = StatusMailForm()
    if not form.validate():
        return profile_page(422, status_mail=form)
    accounts.set_status_mail(current_user, form.status_mail.data)
    db.session.commit()
    if form.status_mail.data:
        flash(_("Email pemberitahuan status program diaktifkan."), "ok")
    else:
        flash(_("Email pemberitahuan status program dimatikan."), "ok")
    return see_other("auth.profile", _anchor="notifikasi")


@bp.get("/email/<token>")
def confirm_email(token):
    outcome, _user = accounts.confirm_email_change(token)
    db.session.commit()
    status = (
        200
        if outcome in (EmailConfirmation.CHANGED, EmailConfirmation.ALREADY)
        else 400
    )
    response = render_page(
        "auth/email_confirmed.html", "content", status, outcome=outcome.value
    )
    return no_referrer(response)


@bp.get("/profil/data.<any(json, csv):kind>")
@mitra_required
def download_data(kind):
    user = current_user
    if kind == "json":
        body = json.dumps(accounts.personal_data(user), ensure_ascii=False, indent=2)
        mimetype = "application/json"
    else:
        body = accounts.personal_data_csv(user)
        mimetype = "text/csv"
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = (
        f'attachment; filename="data-pribadi-kerapu.{kind}"'
    )
    response.headers["Cache-Control"] = "no-store"
    log.info("personal data downloaded: user %s (%s)", user.id, kind)
    return response


@bp.post("/profil/hapus")
@csrf.exempt
@mitra_required
def delete_account():
    form = DeleteAccountForm()
    if not form.validate():
        return profile_page(422, delete=form)
    user = current_user._get_current_object()
    if not accounts.password_matches(user, form.password.data):
        form.password.errors.append(_("Password saat ini salah."))
        return profile_page(422, delete=form)
    logo = accounts.delete_account(user)
    db.session.commit()
    discard_images([logo])
    logout_user()
    session.clear()
    flash(_("Akun dan data pribadi Anda sudah dihapus."), "ok")
    return see_other("public.index")
