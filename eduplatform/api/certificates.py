"""Certificates: the holder's, their school's (teachers) or all (office); the signed credential."""

import json
from datetime import datetime
from typing import Any

from flask import current_app
from pydantic import BaseModel, ConfigDict, Field, RootModel
from sqlmodel import col, select

from eduplatform.api.framework import api_route, caller
from eduplatform.api.pagination import Keyset, fetch_page, page_of, parse_datetime
from eduplatform.api.problems import ApiProblem
from eduplatform.api.schemas import (
    ApiOutput,
    Hours,
    OrganizationRef,
    PageQuery,
    PersonRef,
    Translated,
    organization_ref,
    person_ref,
)
from eduplatform.auth.access import in_scope
from eduplatform.credentials import service as credentials
from eduplatform.curriculum.models import Module, ModuleVersion
from eduplatform.db import get_session
from eduplatform.i18n import current_language
from eduplatform.people.models import Role, User
from eduplatform.training import service as training
from eduplatform.training.models import Certificate
from eduplatform.urls import public_url

TAG = "Certificates"
HOLDERS = (Role.STUDENT, Role.TEACHER, Role.OFFICE, Role.ADMIN)


class CertificateSummaryOut(ApiOutput):
    code: str
    valid: bool = Field(description="False once the certificate was revoked.")
    issued_at: datetime
    revoked_at: datetime | None
    student: PersonRef
    module: str
    version: int
    title: Translated


class CertificateOut(CertificateSummaryOut):
    school: OrganizationRef
    partner: OrganizationRef | None = Field(description="The partner university behind it.")
    units: list[str] = Field(description="Codes of the verified units it certifies.")
    hours: Hours = Field(description="Verified hours of those units.")
    verify_url: str = Field(description="The public page that checks the certificate.")


CertificatePage = page_of(CertificateSummaryOut)


def certificate_or_404(db, code):
    certificate = training.find_certificate(db, code)
    if certificate is None or not training.can_see_certificate(caller(), certificate):
        raise ApiProblem(404)
    return certificate


def _verify_url(certificate):
    return public_url("public.certificate", code=certificate.code)


@api_route(
    "/certificates",
    summary="List certificates",
    tag=TAG,
    roles=HOLDERS,
    query=PageQuery,
    response=CertificatePage,
    paginated=True,
)
def list_certificates(query):
    """Your certificates (students), your school's (teachers), or every one (office), newest
    first."""
    db = get_session()
    user = caller()
    rows_query = (
        select(Certificate, User, ModuleVersion, Module)
        .join(User, col(User.id) == Certificate.student_id)
        .join(ModuleVersion, col(ModuleVersion.id) == Certificate.version_id)
        .join(Module, col(Module.id) == ModuleVersion.module_id)
    )
    if user.role == Role.STUDENT:
        rows_query = rows_query.where(Certificate.student_id == user.id)
    elif user.role == Role.TEACHER:
        rows_query = rows_query.where(in_scope(user, Certificate.school_id))
    keyset = Keyset(
        col(Certificate.issued_at), col(Certificate.id), descending=True, parse=parse_datetime
    )
    rows, next_cursor = fetch_page(
        db, rows_query, keyset, query, key=lambda row: (row[0].issued_at, row[0].id)
    )
    lang = current_language()
    return CertificatePage(
        items=[
            CertificateSummaryOut(
                code=certificate.code,
                valid=certificate.valid,
                issued_at=certificate.issued_at,
                revoked_at=certificate.revoked_at,
                student=person_ref(student),
                module=module.code,
                version=version.number,
                title=Translated.of(version.title, lang),
            )
            for certificate, student, version, module in rows
        ],
        next=next_cursor,
    )


@api_route(
    "/certificates/<code>",
    summary="One certificate",
    tag=TAG,
    roles=HOLDERS,
    response=CertificateOut,
)
def get_certificate(code):
    """The certificate with its units, hours, school and partner (404 outside your scope)."""
    db = get_session()
    view = training.certificate_view(db, certificate_or_404(db, code))
    certificate = view.certificate
    return CertificateOut(
        code=certificate.code,
        valid=certificate.valid,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
        student=person_ref(view.student),
        module=view.module.code,
        version=view.version.number,
        title=Translated.of(view.version.title, current_language()),
        school=organization_ref(view.school),
        partner=organization_ref(view.partner),
        units=[unit.code for unit in view.units],
        hours=view.hours,
        verify_url=_verify_url(certificate),
    )


class CredentialDocument(BaseModel):
    """An Open Badges 3.0 OpenBadgeCredential (W3C VC 2.0, JSON-LD) with its Data Integrity
    proof (eddsa-rdfc-2022)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, title="CredentialDocument")

    context: list[str] = Field(alias="@context")
    id: str
    type: list[str]
    name: str
    issuer: dict[str, Any] = Field(description="The platform's Profile; `id` is its did:web.")
    validFrom: str
    credentialSubject: dict[str, Any]
    credentialStatus: dict[str, Any] = Field(description="Its BitstringStatusListEntry.")
    proof: list[dict[str, Any]] = Field(description="Its Data Integrity proof (one).")


class CredentialJwt(RootModel[str]):
    """The same credential as a VC-JWT (compact JWS, RS256), as a JSON string."""

    model_config = ConfigDict(title="CredentialJwt")


def _credential_document(code):
    db = get_session()
    certificate = certificate_or_404(db, code)
    if not certificate.valid:
        raise ApiProblem(404)
    view = training.certificate_view(db, certificate)
    return credentials.credential_document(db, view, current_language())


def _json(payload):
    response = current_app.response_class(json.dumps(payload), mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api_route(
    "/certificates/<code>/credential",
    summary="The Open Badges 3.0 credential (JSON-LD)",
    tag=TAG,
    roles=HOLDERS,
    response=CredentialDocument,
)
def get_credential(code):
    """The certificate as a signed OpenBadgeCredential: JSON-LD with an embedded Data Integrity
    proof (eddsa-rdfc-2022, key in the did:web document at /.well-known/did.json), texts in the
    language of `lang`. 404 for a revoked certificate."""
    return _json(credentials.sign_document(_credential_document(code)))


@api_route(
    "/certificates/<code>/credential/jwt",
    summary="The Open Badges 3.0 credential (VC-JWT)",
    tag=TAG,
    roles=HOLDERS,
    response=CredentialJwt,
)
def get_credential_jwt(code):
    """The same credential as a VC-JWT (RS256; `kid` is the URL of its key, every key is in
    /.well-known/jwks.json), returned as a JSON string. 404 for a revoked certificate."""
    return _json(credentials.sign_jwt(_credential_document(code)))
