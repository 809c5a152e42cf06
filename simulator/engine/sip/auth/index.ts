/**
 * SIP digest authentication (RFC 3261 section 22, RFC 2617, RFC 7616, RFC 8760): header syntax,
 * the client's answer to a challenge, and the server's challenge and check.
 */
export {
  parseChallenge,
  parseCredentials,
  formatChallenge,
  formatCredentials,
  digestAlgorithm,
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type DigestChallenge,
  type DigestCredentials,
  type OtherAuthScheme,
  type AuthParam,
} from './digest-header.js';
export {
  answerChallenge,
  digestResponse,
  digestHash,
  userHash,
  formatNonceCount,
  DigestClientSession,
  type AnswerInput,
  type ResponseInput,
  type ClientSessionOptions,
  type Qop,
} from './digest-client.js';
export {
  DigestServer,
  BAD_CREDENTIALS,
  type DigestServerOptions,
  type DigestSecret,
  type DigestVerdict,
  type DigestUriMismatch,
  type CredentialsHeader,
  type ServerAlgorithm,
} from './digest-server.js';
