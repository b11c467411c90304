"""JSON-LD processing with local contexts only: no document is ever fetched at run time."""

import json
from functools import cache
from pathlib import Path

# pyld (and what it brings) is imported when a credential is signed or checked, not by every
# worker at start: it is a large share of a worker's memory otherwise.

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
FILES = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob_v3p0_context-3.0.3.json",
    CLR_V2: "clr_v2p0_context-2.0.1.json",
}
DIRECTORY = Path(__file__).parent / "contexts"


class UnknownContext(ValueError):
    """A document names a context the platform does not hold."""


@cache
def context_document(url):
    if url not in FILES:
        raise UnknownContext(url)
    return json.loads((DIRECTORY / FILES[url]).read_text(encoding="utf-8"))


def document_loader(url, options=None):
    """pyld's document loader: the shipped contexts, nothing else."""
    from pyld import jsonld

    try:
        document = context_document(url)
    except UnknownContext:
        raise jsonld.JsonLdError(
            f"no local copy of {url}", "jsonld.LoadDocumentError", code="loading document failed"
        ) from None
    return {"contextUrl": None, "documentUrl": url, "document": document}


def canonize(document):
    """The RDF dataset of `document` canonicalized with RDFC-1.0 (URDNA2015), as N-Quads."""
    from pyld import jsonld

    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )


def expand(document):
    from pyld import jsonld

    return jsonld.expand(document, {"documentLoader": document_loader})
