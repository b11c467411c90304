"""Forms for authoring: one field per language for every translated text."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eduplatform.curriculum.schema import LANGUAGES
from eduplatform.forms import Form, choices

LEVEL_LABELS = {
    "basic": _l("Basic"),
    "intermediate": _l("Intermediate"),
    "advanced": _l("Advanced"),
}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "retired": _l("Retired")}
# The names of what a comparison of two versions found changed (curriculum/changes.py).
CHANGE_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "alignment": _l("Alignment"),
    "task": _l("Practical task"),
    "outcomes": _l("Learning outcomes"),
    "criteria": _l("Assessment criteria"),
    "theory_hours": _l("Theory hours"),
    "practice_hours": _l("Practice hours"),
    "safety_critical": _l("High-voltage work"),
    "prerequisites": _l("Prerequisites"),
}
UNIT_CHANGE_LABELS = {
    "added": _l("New unit"),
    "removed": _l("Unit removed"),
    "changed": _l("Unit changed"),
}
LINE_HELP = _l("One item per line; lines match across languages.")

# Literal labels so that extraction finds them: (group, language) -> label.
LABELS = {
    ("title", "id"): _l("Title in Indonesian"),
    ("title", "en"): _l("Title in English"),
    ("title", "zh"): _l("Title in Chinese"),
    ("summary", "id"): _l("Summary in Indonesian"),
    ("summary", "en"): _l("Summary in English"),
    ("summary", "zh"): _l("Summary in Chinese"),
    ("outcomes", "id"): _l("Learning outcomes in Indonesian"),
    ("outcomes", "en"): _l("Learning outcomes in English"),
    ("outcomes", "zh"): _l("Learning outcomes in Chinese"),
    ("task", "id"): _l("Practical task in Indonesian"),
    ("task", "en"): _l("Practical task in English"),
    ("task", "zh"): _l("Practical task in Chinese"),
    ("criteria", "id"): _l("Assessment criteria in Indonesian"),
    ("criteria", "en"): _l("Assessment criteria in English"),
    ("criteria", "zh"): _l("Assessment criteria in Chinese"),
}


def _add_translated(form_class, group, textarea=False, description=None):
    for lang in LANGUAGES:
        kind = TextAreaField if textarea else StringField
        field = kind(
            LABELS[(group, lang)],
            validators=[Optional(), Length(max=4000 if textarea else 300)],
            description=description,
            render_kw={"lang": lang},
        )
        setattr(form_class, f"{group}_{lang}", field)


def translated_data(form, group):
    """{lang: value} of a group of per-language fields."""
    return {lang: getattr(form, f"{group}_{lang}").data for lang in LANGUAGES}


def fill_translated(form, group, text, lines=False):
    """Put a stored text (or list of texts, one line each) into the per-language fields."""
    for lang in LANGUAGES:
        if lines:
            value = "\n".join(item.get(lang, "") for item in text if item.get(lang))
        else:
            value = (text or {}).get(lang, "")
        getattr(form, f"{group}_{lang}").data = value


class ModuleForm(Form):
    program_id = SelectField(_l("Program"), coerce=int, validators=[InputRequired()])
    code = StringField(
        _l("Module code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Capital letters, digits and hyphens, like EV-201."),
    )
    level = SelectField(_l("Level"), choices=choices(LEVEL_LABELS.items()))
    # A teacher of several schools chooses whose module it is (removed for everyone else).
    school_id = SelectField(_l("For the school"), coerce=int, validators=[Optional()])


_add_translated(ModuleForm, "title")
_add_translated(ModuleForm, "summary", textarea=True)


class DetailsForm(Form):
    level = SelectField(_l("Level"), choices=choices(LEVEL_LABELS.items()))
    alignment = TextAreaField(
        _l("Alignment"),
        validators=[Optional(), Length(max=4000)],
        description=_l("Standards this module aligns with, one per line. Cite only real ones."),
    )


_add_translated(DetailsForm, "title")
_add_translated(DetailsForm, "summary", textarea=True)


class UnitForm(Form):
    code = StringField(_l("Unit code"), validators=[DataRequired(), Length(max=40)])
    theory_hours = DecimalField(
        _l("Theory hours"),
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=999)],
        render_kw={"inputmode": "decimal"},
    )
    practice_hours = DecimalField(
        _l("Practice hours"),
        places=1,
        validators=[InputRequired(), NumberRange(min=0, max=999)],
        render_kw={"inputmode": "decimal"},
    )
    safety_critical = BooleanField(_l("Safety critical (work on high voltage)"))


_add_translated(UnitForm, "title")
_add_translated(UnitForm, "outcomes", textarea=True, description=LINE_HELP)
_add_translated(UnitForm, "task", textarea=True)
_add_translated(UnitForm, "criteria", textarea=True, description=LINE_HELP)


def unit_data(form):
    return {
        "code": form.code.data,
        "theory_hours": form.theory_hours.data,
        "practice_hours": form.practice_hours.data,
        "safety_critical": form.safety_critical.data,
        **{
            group: translated_data(form, group)
            for group in ("title", "outcomes", "task", "criteria")
        },
    }


class PrerequisitesForm(Form):
    prerequisites = SelectMultipleField(
        _l("Prerequisites"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Units a student must have verified before this one."),
    )
