"""Sign in, sign out, and the profile page (password and language)."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from eduplatform.auth import service
from eduplatform.auth.access import login_required
from eduplatform.auth.forms import ActivationForm, LanguageForm, LoginForm, PasswordForm
from eduplatform.db import get_session
from eduplatform.errors import Invalid
from eduplatform.extensions import limiter, login_manager
from eduplatform.forms import apply_errors
from eduplatform.people.activation import activate as activate_account
from eduplatform.people.service import change_password, set_locale

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id):
    return service.load_session_user(get_session(), user_id=user_id, token=session.get("sid"))


def safe_next(target):
    """Only same-site paths: never send a user on to another host after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _login_key():
    return "login:" + (request.form.get("login") or "").strip().casefold()


def _failed(response):
    return response.status_code != 302


def sign_in_limits(name, account_key):
    """Throttle failed attempts per account and per client address; successes cost nothing."""
    per_account = limiter.limit(
        lambda: current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"],
        key_func=account_key,
        methods=["POST"],
        deduct_when=_failed,
        scope=f"{name}-account",
    )
    per_address = limiter.limit(
        lambda: current_app.config["RATELIMIT_LOGIN_PER_ADDRESS"],
        methods=["POST"],
        deduct_when=_failed,
        scope=f"{name}-address",
    )
    return lambda view: per_account(per_address(view))


def _sign_in(db, user):
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    session["sid"] = service.start_session(db, user=user)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_limits("login", _login_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        db = get_session()
        user = service.authenticate(db, login=form.login.data, password=form.password.data)
        if user is not None:
            _sign_in(db, user)
            return redirect(safe_next(form.next.data) or url_for("core.home"))
        form.login.errors.append(_("Email/NISN or password is not correct."))
    return render_template("auth/login.html", form=form)


def _activation_key():
    return "activate:" + (request.form.get("nisn") or "").strip()


@bp.route("/activate", methods=["GET", "POST"])
@sign_in_limits("activate", _activation_key)
def activate():
    """A student's first sign-in: NISN and the code from the teacher, then a new password."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = ActivationForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            user = activate_account(
                db, nisn=form.nisn.data, code=form.code.data, password=form.password.data
            )
        except Invalid as refused:
            apply_errors(form, refused)
        else:
            _sign_in(db, user)
            flash(_("Your account is ready. Welcome!"), "success")
            return redirect(url_for("core.home"))
    return render_template("auth/activate.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    token = session.get("sid")
    if token:
        service.end_session(get_session(), token=token)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    password_form = PasswordForm(prefix="pw")
    language_form = LanguageForm(prefix="lang", locale=current_user.locale or "id")
    db = get_session()
    if request.method == "POST" and "pw-submit" in request.form and password_form.validate():
        try:
            change_password(
                db,
                user=current_user,
                current_password=password_form.current_password.data,
                new_password=password_form.new_password.data,
                keep_session=service.hash_token(session.get("sid", "")),
            )
        except Invalid as refused:
            apply_errors(password_form, refused)
        else:
            flash(_("Your password was changed. Other devices were signed out."), "success")
            return redirect(url_for("auth.profile"))
    if request.method == "POST" and "lang-submit" in request.form and language_form.validate():
        set_locale(
            db,
            user=current_user,
            locale=language_form.locale.data,
            languages=current_app.config["LANGUAGES"],
        )
        flash(_("Language saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template(
        "auth/profile.html", password_form=password_form, language_form=language_form
    )
