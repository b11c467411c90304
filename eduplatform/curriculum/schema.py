"""The curriculum file format: the schema of program.yaml and of one YAML file per module.

curricula/README.md documents it field by field. Errors name the file, the line and the field
path (``units[2].outcomes[0].zh``) so that an author can fix a file without reading Python.
"""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

LANGUAGES = ("id", "en", "zh")
CODE_PATTERN = r"^[A-Z0-9]+(-[A-Z0-9]+)*$"


def _not_blank(value):
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _one_decimal(value):
    if round(value * 10) != value * 10:
        raise ValueError("use at most one decimal place, for example 1.5")
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Code = Annotated[str, Field(max_length=40, pattern=CODE_PATTERN)]
Reference = Annotated[str, Field(max_length=200), AfterValidator(_not_blank)]
Hours = Annotated[float, Field(ge=0, le=999), AfterValidator(_one_decimal)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class TranslatedText(Strict):
    """The same text in Indonesian, English and Chinese; all three are required in files."""

    id: Text
    en: Text
    zh: Text


class UnitFile(Strict):
    code: Code
    title: TranslatedText
    outcomes: list[TranslatedText] = Field(min_length=1)
    task: TranslatedText
    criteria: list[TranslatedText] = Field(min_length=1)
    theory_hours: Hours
    practice_hours: Hours
    safety_critical: bool
    prerequisites: list[Code] = Field(default_factory=list)
    alignment: list[Reference] = Field(default_factory=list)


class ModuleFile(Strict):
    code: Code
    program: Code
    level: Literal["basic", "intermediate", "advanced"]
    title: TranslatedText
    summary: TranslatedText
    alignment: list[Reference] = Field(default_factory=list)
    units: list[UnitFile] = Field(min_length=1)


class ProgramFile(Strict):
    code: Code
    title: TranslatedText
    summary: TranslatedText
    modules: list[Code] = Field(min_length=1)


# Plain words for the errors an author meets most; pydantic's own message otherwise.
MESSAGES = {
    "missing": "this key is required but missing",
    "extra_forbidden": "unknown key (check its spelling and indentation)",
    "string_type": "must be text (put quotes around values such as yes, no, on or numbers)",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "list_type": "must be a list",
    "model_type": "must be a mapping of keys to values",
    "dict_type": "must be a mapping of keys to values",
    "too_short": "must not be empty",
    "string_pattern_mismatch": "use capital letters, digits and single hyphens, like EV-101-U1",
}


def field_path(loc):
    """('units', 2, 'outcomes', 0, 'zh') -> 'units[2].outcomes[0].zh'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def validation_errors(error: ValidationError):
    """(loc, message) pairs for a pydantic error, in plain words."""
    found = []
    for item in error.errors(include_url=False):
        kind = item["type"]
        if kind == "value_error":
            message = str(item["ctx"]["error"])
        elif kind == "literal_error":
            message = f"must be one of {item['ctx']['expected']}"
        else:
            message = MESSAGES.get(kind, item["msg"])
        found.append((tuple(item["loc"]), message))
    return found
