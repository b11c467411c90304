"""eduplatform: EV-mechanic training for vocational schools and their partner university."""

from eduplatform import config as settings


def create_app(config=None):
    """Build the app: defaults, instance/config.py, EDUPLATFORM_* environment, then `config`."""
    from eduplatform import ids
    from eduplatform.extensions import scope_rate_limit_checks
    from eduplatform.web import App

    app = App(__name__, instance_relative_config=True)
    ids.install(app)  # ids in paths bounded to the database's range
    settings.load(app, config)
    register_extensions(app)
    register_operations(app)
    register_blueprints(app)
    scope_rate_limit_checks(app)
    register_receivers(app)
    register_errorhandlers(app)
    register_web_protections(app)
    register_templates(app)
    register_commands(app)
    register_session_check(app)
    return app


def register_extensions(app):
    from eduplatform import db, mail, models  # noqa: F401 - the registry makes every table known
    from eduplatform.extensions import babel, csrf, limiter, login_manager
    from eduplatform.i18n import select_locale

    db.init_app(app)
    mail.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are server-side records, see auth.service
    # Flask-Login hashes the client's address and browser into an identifier on every request,
    # used only by the session protection switched off above: not worked out at all.
    login_manager._session_identifier_generator = str


def register_operations(app):
    from eduplatform.ops import logs, metrics

    logs.init_app(app)
    metrics.init_app(app)


def register_blueprints(app):
    from eduplatform.api.token_views import bp as api_tokens_bp
    from eduplatform.api.views import bp as api_bp
    from eduplatform.audit.views import bp as audit_bp
    from eduplatform.auth.recovery_views import bp as account_bp
    from eduplatform.auth.views import bp as auth_bp
    from eduplatform.core.views import bp as core_bp
    from eduplatform.credentials.views import bp as credentials_bp
    from eduplatform.curriculum.views import bp as curriculum_bp
    from eduplatform.dashboard.views import bp as dashboard_bp
    from eduplatform.exchange.views import bp as exchange_bp
    from eduplatform.notifications.views import bp as notifications_bp
    from eduplatform.offline.views import bp as offline_bp
    from eduplatform.people.cohort_views import bp as cohorts_bp
    from eduplatform.people.roster_views import bp as rosters_bp
    from eduplatform.people.school_views import bp as schools_bp
    from eduplatform.people.teacher_import_views import bp as teacher_imports_bp
    from eduplatform.people.views import bp as people_bp
    from eduplatform.placements.routes import bp as placements_bp
    from eduplatform.placements.routes import supervisor_bp
    from eduplatform.privacy.views import bp as privacy_bp
    from eduplatform.quality.routes import bp as quality_bp
    from eduplatform.training.public import bp as public_bp
    from eduplatform.training.teaching import bp as teaching_bp
    from eduplatform.training.views import bp as training_bp

    for blueprint in (
        core_bp,
        auth_bp,
        account_bp,
        curriculum_bp,
        people_bp,
        privacy_bp,
        schools_bp,
        teacher_imports_bp,
        cohorts_bp,
        rosters_bp,
        audit_bp,
        exchange_bp,
        training_bp,
        teaching_bp,
        public_bp,
        credentials_bp,
        api_bp,
        api_tokens_bp,
        dashboard_bp,
        notifications_bp,
        offline_bp,
        quality_bp,
        placements_bp,
        supervisor_bp,
    ):
        app.register_blueprint(blueprint)


def register_receivers(app):
    """Areas downstream of training that act on its signals, inside the same transaction."""
    from eduplatform.quality import (  # noqa: F401 - draws, endorsements, dispute panels
        credentials,
        disputes,
        sampling,
    )


def register_errorhandlers(app):
    from werkzeug.exceptions import HTTPException

    from eduplatform.core.views import error_page

    app.register_error_handler(HTTPException, error_page)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        return error_page(error)


def register_web_protections(app):
    from eduplatform.web import install_security_headers, refuse_nul_characters, trust_proxies

    trust_proxies(app)
    app.before_request(refuse_nul_characters)
    install_security_headers(app)


def register_session_check(app):
    from eduplatform.auth import views

    views.init_app(app)  # last: its hook runs before every other one


def register_templates(app):
    from eduplatform import once
    from eduplatform.forms import kept_fields
    from eduplatform.i18n import (
        finalize,
        install_cached_formats,
        install_template_gettext,
        template_globals,
    )
    from eduplatform.urls import public_url

    install_template_gettext(app)
    install_cached_formats(app)
    app.context_processor(template_globals)
    app.jinja_env.globals["public_url"] = public_url
    app.jinja_env.globals["kept_fields"] = kept_fields
    app.jinja_env.globals["once_key"] = once.new_key  # a form that acts once (eduplatform.once)
    app.jinja_env.finalize = finalize


def register_commands(app):
    from eduplatform.cli import register

    register(app)
