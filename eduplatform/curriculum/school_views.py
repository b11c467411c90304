"""A school's own modules: "Adapt for my school", the schools' modules the university sees,
and adopting one into the shared programme (asked once, then audited).

The rules live in adaptation.py; loading a module here goes through views.load_module, so that
another school's own module answers 404 like an unknown code.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eduplatform import scope
from eduplatform.auth.access import roles_required
from eduplatform.curriculum import adaptation, service
from eduplatform.curriculum.views import bp, load_module
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import ConfirmForm
from eduplatform.people.memberships import school_ids
from eduplatform.people.models import Role


@bp.route("/modules/<code>/adapt", methods=["POST"])
@roles_required(Role.TEACHER)
def adapt(code):
    """Make (or open) the chosen school's adaptation of a shared module, then edit its draft."""
    db = get_session()
    module = load_module(code)
    school = scope.form_id("school_id", "school")
    if school is None:
        own = sorted(school_ids(current_user, db))
        if len(own) != 1:
            flash(_("Choose the school to adapt the module for."), "error")
            return redirect(url_for("curriculum.module", code=module.code, _anchor="adapt"))
        school_id = own[0]
    else:
        school_id = school.id
    try:
        adapted, draft, created = adaptation.adapt_module(
            db, actor=current_user, module=module, school_id=school_id
        )
    except Invalid as refused:
        db.rollback()
        for error in refused.errors:
            flash(error["message"], "error")
        return redirect(url_for("curriculum.module", code=module.code))
    if created:
        flash(
            _(
                "%(code)s is your school's adaptation of %(original)s: a draft only your "
                "school's teachers see. Add or change units, then publish it for your classes.",
                code=adapted.code,
                original=module.code,
            ),
            "success",
        )
    else:
        flash(_("Your school has adapted this module already: here it is."), "info")
    if draft is not None:
        return redirect(url_for("curriculum.draft", version_id=draft.id))
    return redirect(url_for("curriculum.module", code=adapted.code))


@bp.route("/school-modules")
@roles_required(*service.ALL_MODULES_ROLES)
def school_modules():
    """Every school's own modules: which schools adapted which module, and what they made."""
    return render_template(
        "curriculum/school_modules.html",
        entries=adaptation.school_modules(get_session()),
        can_adopt=current_user.role == Role.AUTHOR,
    )


@bp.route("/modules/<code>/adopt", methods=["GET", "POST"])
@roles_required(Role.AUTHOR)
def adopt(code):
    """Adopt a school's module into the shared programme, after one confirmation."""
    db = get_session()
    module = load_module(code)
    if module.shared:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit() and request.form.get("confirm"):
        try:
            adaptation.adopt_module(db, actor=current_user, module=module)
        except Conflict:
            db.rollback()
            flash(_("This module is already in the shared programme."), "info")
        except Invalid as refused:
            db.rollback()
            for error in refused.errors:
                flash(error["message"], "error")
        else:
            flash(
                _("%(code)s is now in the shared programme: every school sees it.", code=code),
                "success",
            )
        return redirect(url_for("curriculum.module", code=module.code))
    entry = next(e for e in adaptation.school_modules(db) if e.module.id == module.id)
    return render_template("curriculum/confirm_adopt.html", entry=entry, form=form)
