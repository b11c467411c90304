"""The placement certificate as an Open Badges 3.0 credential naming the company.

Issued with the certificate (the school's grade after the supervisor's assessment): the grade's
transaction gives the certificate its entry in the placements' own Bitstring Status Lists
(`/placements/credentials/status/<n>`) and the student their random subject id, shared with the
module certificates' credentials. Signed like those (eddsa-rdfc-2022 by the current Ed25519 key
of the platform's did:web, VC-JWT by the current RSA key); revoking the certificate sets its bit.

Where the company stands, in OB 3.0's own terms only:
- the achievement "Industry placement (PKL) at <company>": its name, description and criteria
  name the company, its `creator` is the school (the school's placement programme);
- `credentialSubject.source`, a `Profile` of the company (name, address, NIB as an `ext:`
  identifier): "the organization that assessed the achievement on behalf of the issuer", which
  is what the company's supervisor did in the final assessment;
- `activityStartDate`/`activityEndDate`: the placement's dates; `result`: the school's grade.
"""

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import col, select

from eduplatform.credentials import documents, status
from eduplatform.credentials import service as credentials
from eduplatform.credentials.jsonld import OB_V3, VC_V2
from eduplatform.i18n import org_name
from eduplatform.people.models import Organization, User
from eduplatform.placements.forms import SECTOR_LABELS
from eduplatform.placements.models import (
    Company,
    Placement,
    PlacementAssessment,
    PlacementCredentialStatus,
)
from eduplatform.urls import base_url, public_url


def status_url(list_id):
    return public_url("placements.status_list", list_id=list_id)


def prepare(session, placement_id, student_id):
    """The certificate's status entry and the student's subject id, inside the caller's
    transaction (the one that grades the placement); a colliding position fails it whole."""
    credentials.prepare_holder(session, student_id)
    if session.get(PlacementCredentialStatus, placement_id) is None:
        list_id, index = credentials.free_position(session, PlacementCredentialStatus)
        session.add(
            PlacementCredentialStatus(placement_id=placement_id, list_id=list_id, list_index=index)
        )
    session.flush()


def credential_rows(session, placement):
    """(status list, position, subject id); certificates graded before migration 0024 get their
    rows now, in a transaction of their own."""
    return credentials.prepared_rows(
        session, PlacementCredentialStatus, placement.id, placement.student_id, prepare=prepare
    )


def company_profile(company, details, locale):
    """The company as an OB 3.0 Profile: its public profile URL, name, address, NIB."""
    profile = documents.organization_profile(company)
    profile["name"] = org_name(company, locale)
    address = {"type": ["Address"], "addressCountryCode": company.country or "ID"}
    if company.city:
        address["addressLocality"] = company.city
    if company.address:
        address["streetAddress"] = company.address
    profile["address"] = address
    if details is not None and details.nib:
        # Nomor Induk Berusaha: OB 3.0's identifier types take extensions as `ext:<name>`.
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": details.nib, "identifierType": "ext:NIB"}
        ]
    return profile


def achievement_id(school, company):
    return f"{base_url()}/achievements/placements/{school.id}/{company.id}"


def placement_achievement(school, company, details, locale):
    """The achievement "Industry placement (PKL) at <company>" of the school's placement
    programme, as its credentials embed it and its id answers a JSON client."""
    identifier = achievement_id(school, company)
    company_name = org_name(company, locale)
    with force_locale(locale):
        title = _("Industry placement (PKL) at %(company)s", company=company_name)
        sector = str(SECTOR_LABELS.get(details.sector if details else "other", ""))
        description = _(
            "An industry placement (PKL) of %(school)s at %(company)s (%(sector)s).",
            school=org_name(school, locale),
            company=company_name,
            sector=sector,
        )
        narrative = _(
            "The learner worked at %(company)s under its supervisor, kept a daily journal that "
            "the supervisor countersigned, was assessed by the supervisor in the expected units "
            "and in work attitude, and was graded by the school.",
            company=company_name,
        )
        grade_name = _("School's grade")
    return {
        "id": identifier,
        "type": ["Achievement"],
        "achievementType": "ApprenticeshipCertificate",
        "name": title,
        "description": description,
        "inLanguage": locale,
        "criteria": {"narrative": narrative},
        "creator": documents.organization_profile(school),
        "resultDescription": [
            {
                "id": f"{identifier}#grade",
                "type": ["ResultDescription"],
                "name": grade_name,
                "resultType": "ScaledScore",
                "valueMin": "0",
                "valueMax": "100",
            }
        ],
    }


def graded_placement_exists(session, school_id, company_id):
    """Whether the school graded a placement at the company: only then is "PKL at <company>"
    anyone's achievement (and its address tells nothing of pairs that never were)."""
    return (
        session.exec(
            select(Placement.id)
            .join(PlacementAssessment, col(PlacementAssessment.placement_id) == Placement.id)
            .where(
                Placement.school_id == school_id,
                Placement.company_id == company_id,
                col(PlacementAssessment.certificate_code).is_not(None),
            )
            .limit(1)
        ).first()
        is not None
    )


def credential_document(session, placement, locale):
    """The unsigned OpenBadgeCredential of a graded placement, texts in `locale`."""
    assessment = session.get(PlacementAssessment, placement.id)
    student = session.get(User, placement.student_id)
    school = session.get(Organization, placement.school_id)
    company = session.get(Organization, placement.company_id)
    details = session.get(Company, company.id)
    list_id, index, subject = credential_rows(session, placement)
    ended = placement.ended_on or placement.ends_on
    achievement = placement_achievement(school, company, details, locale)
    identifier, title = achievement["id"], achievement["name"]
    return {
        "@context": [VC_V2, OB_V3],
        "id": public_url("placements.verify", code=assessment.certificate_code),
        "type": documents.CREDENTIAL_TYPES,
        "name": title,
        "issuer": documents.issuer_profile(),
        "validFrom": documents.timestamp(assessment.graded_at),
        "credentialSubject": {
            "id": subject,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": student.full_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": achievement,
            "activityStartDate": f"{placement.starts_on.isoformat()}T00:00:00Z",
            "activityEndDate": f"{ended.isoformat()}T00:00:00Z",
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": f"{identifier}#grade",
                    "value": str(assessment.school_grade),
                }
            ],
            # The company whose supervisor assessed the learner at the end of the placement.
            "source": company_profile(company, details, locale),
        },
        "credentialStatus": status.entry(list_id, index, url=status_url(list_id)),
    }


def signed_credential(session, placement, locale):
    document = credential_document(session, placement, locale)
    return credentials.SignedCredential(
        document=credentials.sign_document(document), jwt=credentials.sign_jwt(document)
    )


def learner_record_credentials(session, student, locale):
    """The signed credentials of the student's valid placement certificates, oldest first, for
    the learner record (CLR) that bundles them with the module certificates."""
    placements = session.exec(
        select(Placement)
        .join(PlacementAssessment, col(PlacementAssessment.placement_id) == Placement.id)
        .where(
            Placement.student_id == student.id,
            col(PlacementAssessment.certificate_code).is_not(None),
            col(PlacementAssessment.revoked_at).is_(None),
        )
        .order_by(PlacementAssessment.graded_at, Placement.id)
    ).all()
    return [
        credentials.sign_document(credential_document(session, placement, locale))
        for placement in placements
    ]


def status_list_document(session, list_id):
    """The unsigned status list credential of the placements' list `list_id`, or None."""
    rows = session.exec(
        select(PlacementCredentialStatus.list_index, PlacementAssessment.revoked_at)
        .join(
            PlacementAssessment,
            col(PlacementAssessment.placement_id) == PlacementCredentialStatus.placement_id,
        )
        .where(PlacementCredentialStatus.list_id == list_id)
    ).all()
    return credentials.status_list_of(list_id, rows, url=status_url(list_id))


def find_certificate(session, code):
    """(placement, assessment) of a placement certificate's public code, or (None, None)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None, None
    found = session.exec(
        select(PlacementAssessment).where(PlacementAssessment.certificate_code == code)
    ).first()
    if found is None:
        return None, None
    return session.get(Placement, found.placement_id), found
