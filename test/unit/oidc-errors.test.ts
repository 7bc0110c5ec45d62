// openid-client errors become AuthErrors with one clear message each. The errors are built with the libraries' own
// classes in the shape openid-client throws them (ClientError → OperationProcessingError → details).
import { OperationProcessingError, ResponseBodyError } from 'oauth4webapi'
import { ClientError } from 'openid-client'
import { describe, expect, it } from 'vitest'
import { AuthError, UsageError } from '../../src/domain/errors.js'
import { checkIssuerUrl, toAuthError, UnreachableError } from '../../src/infra/oidc.js'

const ISSUER = 'https://example.okta.com/oauth2/default'

function wrapped(summary: string, code: string, message: string, details: Record<string, unknown>): ClientError {
  // openid-client's constructor takes `code` in its options; its declaration file only lists ErrorOptions.
  const error = new ClientError(summary, { cause: new OperationProcessingError(message, { code, cause: details }) })
  error.code = code
  return error
}

describe('toAuthError', () => {
  it('nonce mismatch', () => {
    const e = toAuthError(
      wrapped('unexpected JWT claim value encountered', 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected ID Token "nonce" claim value', { claim: 'nonce' }),
      'complete the login',
      ISSUER,
    )
    expect(e).toBeInstanceOf(AuthError)
    expect(e.message).toBe('could not complete the login: nonce mismatch (the ID token was not issued for this login)')
  })

  it('issuer mismatch in the ID token', () => {
    const e = toAuthError(
      wrapped('unexpected JWT claim value encountered', 'OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected JWT "iss" (issuer) claim value', { claim: 'iss' }),
      'complete the login',
      ISSUER,
    )
    expect(e.message).toBe(`could not complete the login: issuer mismatch (the server does not identify itself as ${ISSUER})`)
  })

  it('invalid ID token signature', () => {
    const e = toAuthError(
      wrapped('invalid response encountered', 'OAUTH_INVALID_RESPONSE', 'JWT signature verification failed', {}),
      'complete the login',
      ISSUER,
    )
    expect(e.message).toBe("could not complete the login: invalid ID token signature (it does not verify with the issuer's published keys)")
  })

  it('clock skew', () => {
    const e = toAuthError(
      wrapped('JWT timestamp claim value failed validation', 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'unexpected JWT "nbf" (not before) claim value', { claim: 'nbf' }),
      'complete the login',
      ISSUER,
    )
    expect(e.message).toBe("could not complete the login: the ID token's nbf claim is out of range (clock skew)")
    expect(e.hint).toContain("check this machine's clock")
  })

  it('state mismatch', () => {
    const e = toAuthError(
      wrapped('invalid response encountered', 'OAUTH_INVALID_RESPONSE', 'unexpected "state" response parameter value', {}),
      'complete the login',
      ISSUER,
    )
    expect(e.message).toBe('could not complete the login: state mismatch (the callback does not belong to this login)')
  })

  it("server errors as the server sent them, with a hint (refresh → run login)", () => {
    const body = { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' }
    const error = new ResponseBodyError('server responded with an error in the response body', { cause: body, response: new Response(null, { status: 400 }) })
    const e = toAuthError(error, 'refresh the token', ISSUER)
    expect(e.message).toBe('could not refresh the token: the authorization server answered invalid_grant: The refresh token is invalid or expired.')
    expect(e.hint).toBe('run `oidc-setup login` to sign in again')
  })

  it('an unreachable server is marked offline', () => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) })
    const e = toAuthError(error, 'revoke the refresh token', ISSUER)
    expect(e).toBeInstanceOf(UnreachableError)
    expect(e.message).toBe(`could not revoke the refresh token: ${ISSUER} cannot be reached`)
  })
})

describe('checkIssuerUrl', () => {
  it('accepts https anywhere and http only on loopback hosts', () => {
    expect(checkIssuerUrl(ISSUER).href).toBe(ISSUER)
    expect(checkIssuerUrl('http://127.0.0.1:8080/oauth2/default').hostname).toBe('127.0.0.1')
    expect(checkIssuerUrl('http://localhost:8080').hostname).toBe('localhost')
    expect(() => checkIssuerUrl('http://example.okta.com')).toThrow(UsageError)
    expect(() => checkIssuerUrl('ftp://example.okta.com')).toThrow('the issuer must be an https URL: "ftp://example.okta.com"')
  })
})
