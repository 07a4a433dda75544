// identity-log: values stock NGINX variables cannot provide, for the njs module
// (ngx_http_js_module). Loaded by identity-log-njs.conf; every function is used
// through js_set and returns an empty string when it has nothing to say.
//
//   clientCertSha256  tls.client.hash.sha256: SHA-256 of the client certificate DER,
//                     64 uppercase hex ($ssl_client_fingerprint is SHA-1)
//   clientCertRfc9440 the RFC 9440 Client-Cert field value, ":<base64 DER>:",
//                     only for a certificate NGINX verified
//   tokenHash         identity.token.hash: first 16 bytes of SHA-256 (HMAC-SHA256 when
//                     $identity_token_hash_key is set) over the raw bearer token,
//                     32 lowercase hex; the token itself is never returned
//   tokenType         identity.token.type: jwt, opaque or malformed

var crypto = require('crypto');

// Header values above this size are not parsed (the standard's default limit).
var MAX_HEADER = 16384;

function pemBody(pem) {
    // The base64 between the PEM armour lines is the certificate DER in base64.
    return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

function presentedPem(r) {
    var verify = r.variables.ssl_client_verify;
    if (!verify || verify === 'NONE') {
        return '';
    }
    return r.variables.ssl_client_raw_cert || '';
}

function clientCertSha256(r) {
    try {
        var pem = presentedPem(r);
        if (!pem) {
            return '';
        }
        var der = Buffer.from(pemBody(pem), 'base64');
        return crypto.createHash('sha256').update(der).digest('hex').toUpperCase();
    } catch (e) {
        return '';
    }
}

function clientCertRfc9440(r) {
    try {
        // Forward only what NGINX itself verified.
        if (r.variables.ssl_client_verify !== 'SUCCESS') {
            return '';
        }
        var pem = r.variables.ssl_client_raw_cert;
        return pem ? ':' + pemBody(pem) + ':' : '';
    } catch (e) {
        return '';
    }
}

function bearerToken(r) {
    var h = r.headersIn['Authorization'];
    if (!h || h.length > MAX_HEADER) {
        return '';
    }
    var m = /^\s*bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1] : '';
}

function tokenHash(r) {
    try {
        var token = bearerToken(r);
        if (!token) {
            return '';
        }
        // The key must be the same at every hop, or the hashes do not join.
        var key = r.variables.identity_token_hash_key;
        var h = key ? crypto.createHmac('sha256', key) : crypto.createHash('sha256');
        return h.update(token).digest('hex').slice(0, 32);
    } catch (e) {
        return '';
    }
}

function tokenType(r) {
    try {
        var token = bearerToken(r);
        if (!token) {
            return '';
        }
        var parts = token.split('.');
        if (parts.length !== 3) {
            return 'opaque';
        }
        var header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
        return header && typeof header === 'object' && typeof header.alg === 'string'
            ? 'jwt' : 'malformed';
    } catch (e) {
        return 'malformed';
    }
}

export default {clientCertSha256, clientCertRfc9440, tokenHash, tokenType};
