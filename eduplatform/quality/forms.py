"""Forms of the quality pages; the services check the rules, these carry the input."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from eduplatform.forms import Form, choices


class ReviewSampleForm(Form):
    agrees = RadioField(
        _l("Your opinion of the teacher's decision"),
        choices=choices([("yes", _l("I agree")), ("no", _l("I disagree"))]),
        validate_choice=False,
    )
    rating = RadioField(
        _l("Rating of the decision"),
        choices=choices(
            [
                ("4", _l("4: fully justified by the evidence")),
                ("3", _l("3: justified, small gaps")),
                ("2", _l("2: weakly justified")),
                ("1", _l("1: not justified")),
            ]
        ),
        validate_choice=False,
    )
    feedback = TextAreaField(
        _l("Feedback for the teacher"),
        description=_l("Required when you disagree; at most 2000 characters."),
        render_kw={"maxlength": 2000, "rows": 4},
    )


class AnswerActionForm(Form):
    response = TextAreaField(
        _l("Your answer"),
        description=_l(
            "What you did after re-reviewing the unit with the student. The university's "
            "reviewer reads it without the student's name: write about the work."
        ),
        render_kw={"maxlength": 2000, "rows": 4},
    )


def _rate(label, description=None):
    return StringField(
        label,
        description=description or _l("Percent, 0 to 100; empty turns the rule off."),
        render_kw={"inputmode": "numeric", "min": 0, "max": 100},
    )


class PlanForm(Form):
    program_id = SelectField(_l("Programme"), validate_choice=False)
    academic_year = SelectField(_l("Academic year"), validate_choice=False)
    term = SelectField(
        _l("Term"),
        choices=choices([("1", _l("1 (July to December)")), ("2", _l("2 (January to June)"))]),
        validate_choice=False,
    )
    new_teacher_rate = _rate(_l("New teachers: sampling rate"))
    new_teacher_units = StringField(
        _l("New teachers: experienced after this many verified units"),
        description=_l("A teacher in their first term, or with fewer verified units, is new."),
        render_kw={"inputmode": "numeric", "min": 1},
    )
    minimum_rate = _rate(_l("Every teacher: minimum rate"))
    one_per_module = BooleanField(_l("At least one sample from each module a teacher verifies"))
    safety_critical_rate = _rate(_l("Safety-critical units: rate"))
    disputed_rate = _rate(
        _l("After a dispute or a disagreement: rate"),
        _l(
            "Percent, 0 to 100, after a student disputed a teacher's decision or a reviewer "
            "disagreed with one, until the teacher is back in line; empty turns the rule off. "
            "The disputed decision itself is always sampled."
        ),
    )
    back_in_line_after = StringField(
        _l("Back in line after this many agreements in a row"),
        render_kw={"inputmode": "numeric", "min": 1},
    )
    agreement_threshold = _rate(
        _l("Agreement needed for the endorsement"),
        _l("Percent of reviewed decisions the reviewers agree with."),
    )
    minimum_reviews = StringField(
        _l("Reviewed decisions needed for the endorsement"),
        render_kw={"inputmode": "numeric", "min": 1},
    )
    action_days = StringField(
        _l("Days a teacher has to answer an action"),
        render_kw={"inputmode": "numeric", "min": 1},
    )
    dispute_days = StringField(
        _l("Days a student has to dispute a decision"),
        description=_l("Counted from the teacher's decision; 30 when empty."),
        render_kw={"inputmode": "numeric", "min": 1, "max": 365},
    )


class DisputeForm(Form):
    reason = TextAreaField(
        _l("Why do you think the decision is wrong?"),
        description=_l(
            "A short reason for the university's reviewer, at most 500 characters. The reviewer "
            "does not see your name."
        ),
        render_kw={"maxlength": 500, "rows": 4},
    )
