"""Naming quality reviewers: an admin lists a university's lecturers with their reviewer
permission and grants or revokes it, each after a confirmation that says what it changes.

Admins do this, not the office (whose schools the reviewers sample) nor any lecturer (who could
name themselves): see README, "Naming quality reviewers".
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eduplatform.auth.access import roles_required
from eduplatform.db import get_session
from eduplatform.errors import Conflict, Invalid
from eduplatform.forms import ConfirmForm
from eduplatform.people.models import Role
from eduplatform.quality import service
from eduplatform.quality.blueprint import bp


def _university_or_404(db, university_id):
    return service.find_university(db, university_id) or abort(404)


def _member_or_404(db, university, user_id):
    """A lecturer of this university; anyone else's id answers like an unknown one."""
    return service.staff_member(db, university, user_id) or abort(404)


@bp.route("/quality/reviewers")
@roles_required(Role.ADMIN)
def reviewers():
    """Every partner university with its lecturers, reviewers and samples waiting."""
    db = get_session()
    rows = [
        {
            "university": university,
            "staff": len(staff := service.staff_of(db, university)),
            "reviewers": sum(1 for member in staff if member.reviewer and member.user.active),
            "waiting": service.waiting_samples(db, university.id),
        }
        for university in service.universities(db)
    ]
    return render_template("quality/reviewers.html", rows=rows)


@bp.route("/quality/reviewers/<int:university_id>")
@roles_required(Role.ADMIN)
def university_reviewers(university_id):
    """A university's lecturers with their reviewer permission, to grant or revoke it."""
    db = get_session()
    university = _university_or_404(db, university_id)
    return render_template(
        "quality/university_reviewers.html",
        university=university,
        staff=service.staff_of(db, university),
        waiting=service.waiting_samples(db, university.id),
        form=ConfirmForm(),
    )


def _change(university_id, user_id, grant):
    db = get_session()
    university = _university_or_404(db, university_id)
    member = _member_or_404(db, university, user_id)
    back = redirect(url_for("quality.university_reviewers", university_id=university.id), 303)
    form = ConfirmForm()
    if request.form.get("confirm") != "1" or not form.validate_on_submit():
        return render_template(  # ask once, saying what the change does
            "quality/confirm_reviewer.html",
            university=university,
            member=member,
            grant=grant,
            form=form,
            waiting=service.waiting_samples(db, university.id),
            others=service.active_reviewers(db, university.id) - (1 if member.reviewer else 0),
        )
    user = member.user
    try:
        if grant:
            service.grant_reviewer(db, actor=current_user, user=user)
        else:
            waiting = service.revoke_reviewer(db, actor=current_user, user=user).samples_waiting
    except (Invalid, Conflict) as refused:
        db.rollback()
        message = refused.errors[0]["message"] if isinstance(refused, Invalid) else refused
        flash(str(message), "error")
        return back
    if grant:
        flash(_("%(name)s is now a quality reviewer of %(university)s.",
                name=user.full_name, university=university.name), "success")  # fmt: skip
    else:
        flash(
            _("%(name)s is no longer a quality reviewer; their sample queue is closed.",
              name=user.full_name) + " "
            + ngettext("%(num)d sample waits for the university's other reviewers.",
                       "%(num)d samples wait for the university's other reviewers.", waiting),
            "success",
        )  # fmt: skip
    return back


@bp.route("/quality/reviewers/<int:university_id>/<int:user_id>/grant", methods=["POST"])
@roles_required(Role.ADMIN)
def grant_reviewer(university_id, user_id):
    return _change(university_id, user_id, grant=True)


@bp.route("/quality/reviewers/<int:university_id>/<int:user_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def revoke_reviewer(university_id, user_id):
    return _change(university_id, user_id, grant=False)
