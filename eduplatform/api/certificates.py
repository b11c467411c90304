"""Certificates: the holder's, their school's (teachers) or all (office); the signed credential."""

from datetime import datetime

from flask import current_app, request, url_for
from pydantic import Field
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
from eduplatform.curriculum.models import Module, ModuleVersion
from eduplatform.db import get_session
from eduplatform.i18n import current_language
from eduplatform.people.models import Role, User
from eduplatform.training import service as training
from eduplatform.training.models import Certificate

TAG = "Certificates"
HOLDERS = (Role.STUDENT, Role.TEACHER, Role.OFFICE, Role.ADMIN)
CREDENTIAL_MEDIA_TYPE = "application/vc+jwt"


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
    return url_for("public.certificate", code=certificate.code, _external=True)


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
        rows_query = rows_query.where(Certificate.school_id == user.organization_id)
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


@api_route(
    "/certificates/<code>/credential",
    summary="The Open Badges 3.0 credential",
    tag=TAG,
    roles=HOLDERS,
    media_type=CREDENTIAL_MEDIA_TYPE,
)
def get_credential(code):
    """The certificate as a signed OpenBadgeCredential (VC-JWT, EdDSA); check it against
    /.well-known/jwks.json. 404 for a revoked certificate."""
    db = get_session()
    certificate = certificate_or_404(db, code)
    if not certificate.valid:
        raise ApiProblem(404)
    credential = training.build_credential(
        training.certificate_view(db, certificate),
        base_url=request.url_root.rstrip("/"),
        verify_url=_verify_url(certificate),
        locale=current_language(),
    )
    token = training.sign_credential(credential, jwks_url=url_for("public.jwks", _external=True))
    response = current_app.response_class(token, mimetype=CREDENTIAL_MEDIA_TYPE)
    response.headers["Cache-Control"] = "private, no-store"
    return response
