"""Training records: completions, verification, certificates, credentials, skills passport."""
