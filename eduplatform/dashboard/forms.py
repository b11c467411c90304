"""The dashboard's filter form (a GET form: it reads the query string, no CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField

from eduplatform.dashboard.periods import year_start
from eduplatform.forms import Form, choices


class FilterForm(Form):
    class Meta:
        csrf = False

    year = SelectField(_l("Academic year"), validate_choice=False)
    school = SelectField(_l("School"), validate_choice=False)
    program = SelectField(_l("Program"), validate_choice=False)
    module = SelectField(_l("Module"), validate_choice=False)
    since = StringField(_l("From month"), render_kw={"type": "month", "placeholder": "YYYY-MM"})
    until = StringField(_l("To month"), render_kw={"type": "month", "placeholder": "YYYY-MM"})


def filter_form(args, options, *, with_school, translate, every_school=True):
    """The form filled from the query string, its choices from the database."""
    form = FilterForm(args)
    years = list(options["years"])
    if form.year.data and year_start(form.year.data) is not None and form.year.data not in years:
        # A year of events without a class of that year: shown chosen, as the note says.
        years = sorted([*years, form.year.data], reverse=True)
    form.year.choices = choices([(y, y) for y in years], blank=_l("Every year"))
    form.program.choices = choices(
        [(p.code, f"{p.code} · {translate(p.title)}") for p in options["programs"]],
        blank=_l("Every program"),
    )
    form.module.choices = choices(
        [(m.code, f"{m.code} · {translate(v.title) if v else ''}") for m, v in options["modules"]],
        blank=_l("Every module"),
    )
    if with_school:
        form.school.choices = choices(
            [(s.id, s.name) for s in options["schools"]],
            blank=_l("Every school") if every_school else None,
        )
    else:
        del form.school
    return form
