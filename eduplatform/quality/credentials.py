"""The university's endorsement of a certificate's achievement as an Open Badges 3.0
EndorsementCredential, signed by the platform's keys like the certificates' own credentials.

The platform signs (its did:web is the issuer, as for certificates); the endorsing university is
named in the comment and links to its issuer profile. The credential is built from the
endorsement as it is now: a withdrawn endorsement is no longer served or attached, and the
copies downloaded before report revoked through their Bitstring Status List entry. Each granting
of the endorsement is its own credential (its own id, validFrom and status position).
"""

import uuid
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import select

from eduplatform.credentials import documents
from eduplatform.credentials import service as credentials
from eduplatform.credentials.jsonld import OB_V3, VC_V2
from eduplatform.curriculum.models import Module, ModuleVersion
from eduplatform.i18n import translated
from eduplatform.people.models import Organization
from eduplatform.quality import endorsement_status
from eduplatform.quality.endorsements import active_endorsement
from eduplatform.quality.models import QualityEndorsement, QualityEndorsementStatus
from eduplatform.training.signals import certificate_endorsements
from eduplatform.urls import public_url

ENDORSEMENT_TYPES = ["VerifiableCredential", "EndorsementCredential"]


@dataclass
class CertificateEndorsement:
    """One university's endorsement as a certificate shows it."""

    certificate: object
    endorsement: QualityEndorsement
    university: Organization
    school: Organization
    module: Module
    version: ModuleVersion
    status: QualityEndorsementStatus  # this granting's revocation bit

    @property
    def url(self):
        return public_url("quality.endorsement_credential", code=self.certificate.code)

    @property
    def credential_id(self):
        """One id per certificate and granting, the same at every download."""
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.url}#{self.status.id}')}"

    @property
    def endorsed_at(self):
        """When this granting was made (its credential's validFrom)."""
        return self.status.endorsed_at

    def statement(self, locale):
        """What the university states, in `locale`: the credential's endorsementComment, so
        the pages and the PDF say word for word what the signed credential says."""
        return endorsement_statement(self, locale)

    def document(self, locale):
        return endorsement_document(self, locale)

    def jwt(self, locale):
        return credentials.sign_jwt(self.document(locale))


def certificate_endorsement(session, certificate):
    """The active endorsement of a certificate's school and module, or None."""
    if not certificate.valid:
        return None
    version = session.get(ModuleVersion, certificate.version_id)
    module = session.get(Module, version.module_id)
    if module.owner_id is None:
        return None
    endorsement = active_endorsement(
        session, university_id=module.owner_id, school_id=certificate.school_id,
        module_id=module.id,
    )  # fmt: skip
    if endorsement is None:
        return None
    return CertificateEndorsement(
        certificate=certificate,
        endorsement=endorsement,
        university=session.get(Organization, endorsement.university_id),
        school=session.get(Organization, certificate.school_id),
        module=module,
        version=version,
        status=endorsement_status.entry_row(session, endorsement),
    )


@certificate_endorsements.connect
def _endorsements(certificate, session, **_):
    found = certificate_endorsement(session, certificate)
    return [found] if found else []


def endorsement_statement(item, locale):
    """The endorsement's comment in `locale`: who endorses what, awarded by whom, and on what."""
    title = str(translated(item.version.title, locale) or item.module.code)
    with force_locale(locale):
        return _(
            "%(university)s endorses %(module)s (%(title)s) as awarded by %(school)s: its quality "
            "reviewers sampled the school's verification decisions for this module and agreed "
            "with %(agreed)d of %(reviewed)d.",
            university=item.university.name,
            module=item.module.code,
            title=title,
            school=item.school.name,
            agreed=item.endorsement.agreed,
            reviewed=item.endorsement.reviewed,
        )


def endorsement_document(item, locale):
    """The unsigned EndorsementCredential about the certificate's achievement."""
    with force_locale(locale):
        name = _("Endorsement by %(university)s", university=item.university.name)
    return {
        "@context": [VC_V2, OB_V3],
        "id": item.credential_id,
        "type": ENDORSEMENT_TYPES,
        "name": name,
        "issuer": documents.issuer_profile(),
        "validFrom": documents.timestamp(item.endorsed_at),
        "credentialSubject": {
            "id": documents.achievement_id(item.module.code, item.version.number),
            "type": ["EndorsementSubject"],
            "endorsementComment": endorsement_statement(item, locale),
        },
        "credentialStatus": endorsement_status.entry(item.status),
    }


def endorsements_of_school(session, school_id):
    """Active endorsements of a school (for the office's and the school's figures)."""
    return session.exec(
        select(QualityEndorsement).where(
            QualityEndorsement.school_id == school_id,
            QualityEndorsement.withdrawn_at.is_(None),
        )
    ).all()
