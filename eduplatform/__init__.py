"""eduplatform: EV-mechanic training for vocational schools and their partner university."""

from flask import Flask

from eduplatform import config as settings


def create_app(config=None):
    """Build the app: defaults, instance/config.py, EDUPLATFORM_* environment, then `config`."""
    app = Flask(__name__, instance_relative_config=True)
    settings.load(app, config)
    register_extensions(app)
    register_operations(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_web_protections(app)
    register_templates(app)
    register_commands(app)
    return app


def register_extensions(app):
    from eduplatform import db, models  # noqa: F401 - the registry makes every table known
    from eduplatform.extensions import babel, csrf, limiter, login_manager
    from eduplatform.i18n import select_locale

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are server-side records, see auth.service


def register_operations(app):
    from eduplatform.ops import logs, metrics

    logs.init_app(app)
    metrics.init_app(app)


def register_blueprints(app):
    from eduplatform.api.token_views import bp as api_tokens_bp
    from eduplatform.api.views import bp as api_bp
    from eduplatform.audit.views import bp as audit_bp
    from eduplatform.auth.views import bp as auth_bp
    from eduplatform.core.views import bp as core_bp
    from eduplatform.curriculum.views import bp as curriculum_bp
    from eduplatform.dashboard.views import bp as dashboard_bp
    from eduplatform.exchange.views import bp as exchange_bp
    from eduplatform.people.cohort_views import bp as cohorts_bp
    from eduplatform.people.roster_views import bp as rosters_bp
    from eduplatform.people.school_views import bp as schools_bp
    from eduplatform.people.views import bp as people_bp
    from eduplatform.privacy.views import bp as privacy_bp
    from eduplatform.training.public import bp as public_bp
    from eduplatform.training.teaching import bp as teaching_bp
    from eduplatform.training.views import bp as training_bp

    for blueprint in (
        core_bp,
        auth_bp,
        curriculum_bp,
        people_bp,
        privacy_bp,
        schools_bp,
        cohorts_bp,
        rosters_bp,
        audit_bp,
        exchange_bp,
        training_bp,
        teaching_bp,
        public_bp,
        api_bp,
        api_tokens_bp,
        dashboard_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app):
    from werkzeug.exceptions import HTTPException

    from eduplatform.core.views import error_page

    app.register_error_handler(HTTPException, error_page)

    @app.errorhandler(Exception)
    def unexpected(error):
        app.logger.exception("unhandled error")
        return error_page(error)


def register_web_protections(app):
    from eduplatform.web import refuse_nul_characters, security_headers, trust_proxies

    trust_proxies(app)
    app.before_request(refuse_nul_characters)
    app.after_request(security_headers)


def register_templates(app):
    from eduplatform.i18n import template_globals

    app.context_processor(template_globals)


def register_commands(app):
    from eduplatform.cli import register

    register(app)
