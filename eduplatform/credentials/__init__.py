"""Verifiable credentials: Open Badges 3.0 certificates as VC-JWT and as JSON-LD with a Data
Integrity proof, the revocation status list, the issuer's keys and DID, the learner record (CLR)."""
