"""Pydantic building blocks shared by the API's resources: inputs, ids, texts, references."""

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from eduplatform.i18n import translated
from eduplatform.ids import MAX_ID

# Ids fit a 32-bit integer column; larger ones could never exist, so they are refused early.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Text from callers: a NUL character can never be stored (PostgreSQL refuses it).
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
# Hours and amounts are decimals; in responses hours are JSON numbers.
Hours = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Money = Annotated[Decimal, PlainSerializer(str, return_type=str, when_used="json")]


class ApiInput(BaseModel):
    """A request body: unknown fields are refused (422), nothing is guessed."""

    model_config = ConfigDict(extra="forbid")


class ApiQuery(BaseModel):
    """Query-string parameters; unknown ones (such as `lang`) are left to others."""

    model_config = ConfigDict(extra="ignore")


class PageQuery(ApiQuery):
    cursor: Text | None = Field(
        default=None, description="The `next` value of the previous page; omit for the first."
    )
    limit: int = Field(default=50, ge=1, le=200, description="Items per page (at most 200).")


class ApiOutput(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Translated(ApiOutput):
    """A translated text in the asked language, else Indonesian, else English."""

    text: str
    lang: str | None = Field(description="The language the text is in.")
    fallback: bool = Field(description="True when the text is not in the asked language yet.")

    @classmethod
    def of(cls, value, locale):
        text = translated(value, locale)
        return cls(text=str(text), lang=text.lang, fallback=text.fallback)


class OrganizationRef(ApiOutput):
    id: int
    name: str
    kind: str
    npsn: str | None = None


class PersonRef(ApiOutput):
    id: int
    full_name: str


def organization_ref(organization):
    return OrganizationRef.model_validate(organization) if organization else None


def person_ref(person):
    return PersonRef.model_validate(person) if person else None
