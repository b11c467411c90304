"""Extension objects, bound to the app in create_app with init_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)

# Blueprints with a limit of their own (limit_blueprint): the only requests, with the routes that
# carry a @limiter.limit decorator (those check inside the decorator), that have a limit to
# check while no default or application-wide limit is configured (scope_rate_limit_checks).
LIMITED_BLUEPRINTS = set()
APP_WIDE_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def limit_blueprint(blueprint, *args, **kwargs):
    """limiter.limit(...) for every route of a blueprint."""
    limiter.limit(*args, **kwargs)(blueprint)
    LIMITED_BLUEPRINTS.add(blueprint.name)


def scope_rate_limit_checks(app):
    """Run Flask-Limiter's before-request check only where a limit can apply.

    It runs before every request (a tenth of a millisecond spent finding that a page has no
    limit). Limits exist on the blueprints of LIMITED_BLUEPRINTS and on decorated routes (the
    decorator checks them itself); with a default, application-wide or meta limit configured,
    every request keeps the check.
    """
    if any(app.config.get(name) for name in APP_WIDE_LIMITS):
        return
    # A blueprint limited with limiter.limit(blueprint) directly (not limit_blueprint), or a
    # Flask-Limiter that keeps its limits elsewhere: the check stays on every request.
    manager = getattr(limiter, "limit_manager", None)
    registered = getattr(manager, "_blueprint_limits", None)
    if not isinstance(registered, dict) or set(registered) - LIMITED_BLUEPRINTS:
        return
    check = limiter._check_request_limit  # what Limiter.init_app registered for every request
    everywhere = app.before_request_funcs.get(None, [])
    if check not in everywhere:
        return
    everywhere.remove(check)
    for name in LIMITED_BLUEPRINTS:
        app.before_request_funcs.setdefault(name, []).insert(0, check)
