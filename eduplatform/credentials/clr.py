"""The skills passport as a 1EdTech Comprehensive Learner Record 2.0 `ClrCredential`.

It bundles the student's valid certificates (each its signed OpenBadgeCredential, as a holder
downloads it) and every verified practical unit (an Achievement, a child of its module's), and
is itself signed like a single credential.
"""

import uuid
from datetime import UTC, datetime

from flask_babel import force_locale
from flask_babel import gettext as _

from eduplatform.credentials import documents
from eduplatform.credentials.jsonld import CLR_V2, OB_V3, VC_V2
from eduplatform.i18n import translated

CLR_TYPES = ["VerifiableCredential", "ClrCredential"]


def module_achievement_id(module, version):
    return documents.achievement_id(module.code, version.number)


def unit_achievement(unit, module, version, locale):
    """A verified practical unit as an OB 3.0 Achievement (a competency of its module)."""
    title = str(translated(unit.title, locale) or unit.code)
    task = str(translated(unit.task, locale) or title)
    with force_locale(locale):
        narrative = _(
            "The learner performed this practical unit and a teacher verified it against its "
            "assessment criteria."
        )
    return {
        "id": f"{module_achievement_id(module, version)}/units/{unit.code}",
        "type": ["Achievement"],
        "achievementType": "Competency",
        "name": title,
        "description": task,
        "humanCode": unit.code,
        "inLanguage": locale,
        "criteria": {"narrative": narrative},
    }


def learner_record(*, student, subject_id, credentials, units, locale):
    """The unsigned ClrCredential.

    `credentials`: the signed OpenBadgeCredentials of the valid certificates;
    `units`: (unit, module, version) of every verified unit.
    """
    achievements, associations = [], []
    for unit, module, version in units:
        achievement = unit_achievement(unit, module, version, locale)
        achievements.append(achievement)
        associations.append(
            {
                "type": "Association",
                "associationType": "isChildOf",
                "sourceId": achievement["id"],
                "targetId": module_achievement_id(module, version),
            }
        )
    with force_locale(locale):
        name = _("Comprehensive Learner Record of %(name)s", name=student.full_name)
    subject = {
        "id": subject_id,
        "type": ["ClrSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": student.full_name,
                "identityType": "name",
                "hashed": False,
            }
        ],
        "verifiableCredential": credentials,
    }
    if achievements:
        subject["achievement"] = achievements
        subject["association"] = associations
    return {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": CLR_TYPES,
        "name": name,
        "issuer": documents.issuer_profile(),
        "validFrom": documents.timestamp(datetime.now(UTC)),
        "credentialSubject": subject,
    }
