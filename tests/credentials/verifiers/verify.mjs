// Verifies credentials with independent open-source libraries from npm, offline.
//
// Reads one JSON object on stdin:
//   {"mode": "ldp" | "jwt" | "expand", "credential": <JSON-LD document or compact JWS>,
//    "documents": {<url>: <JSON document>, ...}, "jwks": <JWK Set>, "issuer": <did>}
// `documents` holds everything a document loader may be asked for (contexts, the issuer's DID
// document, status list credentials), fetched by the test from the app beforehand: nothing here
// touches the network. Prints one JSON object: {"verified", "revoked", "error"}.
//
// ldp:    @digitalbazaar/vc verifyCredential with the eddsa-rdfc-2022 cryptosuite and the
//         Bitstring Status List checker (which verifies the status list credential's own proof).
// jwt:    jose jwtVerify against the JWK Set (RS256), then the same status checker on the payload.
// expand: jsonld expand in safe mode (fails on any term the contexts do not define).
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalbazaar/security-document-loader';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as jose from 'jose';
import jsonld from 'jsonld';

const input = JSON.parse(await new Promise(resolve => {
  let data = '';
  process.stdin.on('data', chunk => data += chunk);
  process.stdin.on('end', () => resolve(data));
}));

const base = securityLoader().build();
async function documentLoader(url) {
  const [address, fragment] = url.split('#');
  const document = input.documents[address];
  if(document !== undefined) {
    if(fragment && address.startsWith('did:')) {
      const method = (document.verificationMethod || []).find(m => m.id === url);
      if(!method) {
        throw new Error(`no verification method ${url}`);
      }
      return {
        contextUrl: null, documentUrl: url,
        document: {'@context': document['@context'], ...method}
      };
    }
    return {contextUrl: null, documentUrl: url, document};
  }
  return base(url); // the libraries' own bundled contexts; anything else fails
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});

async function status(credential) {
  const result = await checkStatus({
    credential, documentLoader, suite,
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
  if(!result.verified) {
    throw result.error || new Error('status could not be checked');
  }
  const entries = result.results || [result];
  return entries.some(entry => entry.status === true);
}

function describe(error) {
  if(!error) {
    return null;
  }
  const nested = error.errors || (error.results || []).map(r => r.error).filter(Boolean);
  const event = error.details && error.details.event;
  const why = event ? [`${event.code}: ${JSON.stringify(event.details)}`] : [];
  return [String(error.message || error), ...why,
    ...(nested || []).map(e => String(e.message || e))].join(' | ');
}

let answer;
try {
  if(input.mode === 'expand') {
    const expanded = await jsonld.expand(input.credential, {documentLoader, safe: true});
    answer = {verified: expanded.length === 1, revoked: null, error: null};
  } else if(input.mode === 'ldp') {
    const result = await vc.verifyCredential({
      credential: input.credential, suite, documentLoader,
      checkStatus: ({credential}) => checkStatus({
        credential, documentLoader, suite,
        verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
      })
    });
    const statusResult = result.statusResult || {};
    const revoked = Boolean(
      (statusResult.results || []).some(r => r.status === true) || statusResult.status === true);
    answer = {
      verified: result.verified && !revoked, revoked,
      statusChecked: Boolean(result.statusResult && result.statusResult.verified),
      signature: (result.results || []).every(r => r.verified),
      error: describe(result.error)
    };
  } else if(input.mode === 'jwt') {
    const {payload, protectedHeader} = await jose.jwtVerify(
      input.credential, jose.createLocalJWKSet(input.jwks),
      {algorithms: ['RS256'], issuer: input.issuer});
    const revoked = await status(payload);
    answer = {verified: !revoked, revoked, signature: true, header: protectedHeader, error: null};
  } else {
    throw new Error(`unknown mode ${input.mode}`);
  }
} catch(error) {
  answer = {verified: false, revoked: null, signature: false, error: describe(error)};
}
process.stdout.write(JSON.stringify(answer) + '\n');
