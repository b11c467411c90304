"""The JSON documents: an OpenBadgeCredential, the issuer's DID document, a status list.

Only the holder's name, a random subject id and what they achieved are in a credential: no NISN,
no email, no birth date, nothing derived from them. Texts are in the language asked for, named
by `inLanguage`.
"""

from urllib.parse import quote, urlsplit

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from eduplatform.credentials.jsonld import OB_V3, VC_V2
from eduplatform.credentials.keys import multikey
from eduplatform.i18n import translated
from eduplatform.urls import base_url, public_url

CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]


def timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_did():
    """did:web of the public base URL (https://host:8443/path -> did:web:host%3A8443:path)."""
    parts = urlsplit(base_url())
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join([did, *segments])


def issuer_profile():
    """The platform as the issuing Profile: its DID, name and web address."""
    return {
        "id": issuer_did(),
        "type": ["Profile"],
        "name": current_app.config["ISSUER_NAME"],
        "url": base_url() + "/",
    }


def organization_profile(organization):
    return {
        "id": public_url("public.issuer", organization_id=organization.id),
        "type": ["Profile"],
        "name": organization.name,
    }


def achievement_id(module_code, number):
    """The public address of a module version's achievement: the page (or, to a JSON client,
    the Achievement document) an employer reaches by following a credential's achievement."""
    return public_url("public.achievement", code=module_code, number=number)


def achievement(view, locale):
    """The module version as an OB 3.0 Achievement, its texts in `locale`."""
    title = str(translated(view.version.title, locale) or view.module.code)
    summary = str(translated(view.version.summary, locale) or title)
    units = ", ".join(unit.code for unit in view.units)
    with force_locale(locale):
        narrative = _(
            "Every practical unit of %(module)s version %(version)s logged by the learner and "
            "verified by a teacher: %(units)s.",
            module=view.module.code,
            version=view.version.number,
            units=units,
        )
    found = {
        "id": achievement_id(view.module.code, view.version.number),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title,
        "description": summary,
        "humanCode": view.module.code,
        "version": str(view.version.number),
        "inLanguage": locale,
        "criteria": {"narrative": narrative},
    }
    if view.partner is not None:
        found["creator"] = organization_profile(view.partner)
    return found


def achievement_subject(view, *, subject_id, locale):
    return {
        "id": subject_id,
        "type": ["AchievementSubject"],
        # OB 3.0 IdentityObject: the name a person reading the credential sees, not hashed.
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": view.student.full_name,
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": achievement(view, locale),
        # The school that trained and assessed the learner on the platform's behalf.
        "source": organization_profile(view.school),
    }


def open_badge(view, *, subject_id, status_entry, locale):
    """The unsigned OpenBadgeCredential of a certificate."""
    title = str(translated(view.version.title, locale) or view.module.code)
    return {
        "@context": [VC_V2, OB_V3],
        "id": public_url("public.certificate", code=view.certificate.code),
        "type": CREDENTIAL_TYPES,
        "name": title,
        "issuer": issuer_profile(),
        "validFrom": timestamp(view.certificate.issued_at),
        "credentialSubject": achievement_subject(view, subject_id=subject_id, locale=locale),
        "credentialStatus": status_entry,
    }


def did_document(ed25519_keys):
    """The issuer's DID document: every Ed25519 key (newest first) as a Multikey."""
    did = issuer_did()
    methods = [
        {
            "id": f"{did}#{key.thumbprint}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multikey(key.public),
        }
        for key in ed25519_keys
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
