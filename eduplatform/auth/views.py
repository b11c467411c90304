"""Sign in, sign out, and the profile page (password and language)."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from eduplatform.auth import service, throttle
from eduplatform.auth.access import login_required
from eduplatform.auth.forms import ActivationForm, LanguageForm, LoginForm, PasswordForm
from eduplatform.db import adopt, get_engine, get_session, lock_free_reads
from eduplatform.errors import Invalid
from eduplatform.extensions import login_manager
from eduplatform.forms import apply_errors
from eduplatform.people.activation import activate as activate_account
from eduplatform.people.activation import find_student_by_nisn
from eduplatform.people.service import change_password, set_locale

bp = Blueprint("auth", __name__)


def send_session_check():
    """The first of every request's hooks, for a request with a session cookie: the session
    check goes to the database now, and load_user() reads its answer when the request first
    asks for the user. The database works on it while the worker runs the other hooks, rather
    than the worker waiting for it (on PostgreSQL; nothing is sent ahead on SQLite)."""
    app = current_app._get_current_object()
    if app.session_interface.get_cookie_name(app) not in request.cookies:
        return
    g.session_check = service.send_session_check(
        get_engine(app), user_id=session.get("_user_id"), token=session.get("sid")
    )


def close_session_check(_exc=None):
    """A session check sent ahead that no one read (the request never asked for the user)."""
    sent = g.pop("session_check", None)
    if sent is not None:
        sent.close()


def init_app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, send_session_check)
    app.teardown_appcontext(close_session_check)


@login_manager.user_loader
def load_user(user_id):
    """The signed-in user, checked against the session's row on every request."""
    checked = service.check_session(
        get_engine(),
        user_id=user_id,
        token=session.get("sid"),
        config=current_app.config,
        sent=g.pop("session_check", None),
    )
    if checked is None:
        return None
    user, touch, unread = checked
    user = adopt(user)
    g.unread_notifications = unread  # the header's bell (notifications.views.unread_count)
    if touch is not None:
        service.touch_session(get_session(), **touch)
    return user


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


def _sign_in(db, user):
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    reset_at = user.reset_notice_at
    session["sid"] = service.start_session(db, user=user)
    login_user(user)
    if reset_at is not None:
        flash(
            _(
                "Your password was reset on %(when)s with a new activation code from your school, "
                "and every device was signed out. If you did not ask for a new code, tell your "
                "teacher.",
                when=format_datetime(reset_at, "long"),
            ),
            "warning",
        )


def _begin_attempt(db, scope, user, typed):
    key = throttle.account_key(user, typed)
    db.rollback()  # no transaction (SQLite's write lock) held while counting
    return throttle.begin(
        scope,
        account=key,
        per_account="RATELIMIT_LOGIN_PER_ACCOUNT",
        per_address="RATELIMIT_LOGIN_PER_ADDRESS",
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        db = get_session()
        with lock_free_reads(db) as reads:  # an attempt refused by the limits writes nothing
            account = service.find_login(reads, form.login.data)
        attempt = _begin_attempt(db, "login", account, form.login.data)
        user = service.authenticate(
            db, account=account, login=form.login.data, password=form.password.data
        )
        if user is not None:
            attempt.refund()  # only wrong passwords count
            _sign_in(db, user)
            return redirect(safe_next(form.next.data) or url_for("core.home"))
        form.login.errors.append(_("Email/NISN or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """A student's first sign-in: NISN and the code from the teacher, then a new password."""
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = ActivationForm()
    if form.validate_on_submit():
        db = get_session()
        with lock_free_reads(db) as reads:
            student = find_student_by_nisn(reads, form.nisn.data)
        attempt = _begin_attempt(db, "activate", student, form.nisn.data)
        try:
            user = activate_account(
                db, nisn=form.nisn.data, code=form.code.data, password=form.password.data
            )
        except Invalid as refused:
            if not refused.for_field("code"):
                attempt.refund()  # refused before the code was checked: not a guess
            apply_errors(form, refused)
        else:
            attempt.refund()
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
