import { describe, expect, it } from 'vitest'
import { REDACTED, redact } from '../../src/domain/redact.js'

describe('redact', () => {
  it('removes authorization header values', () => {
    expect(redact('Authorization: SSWS 00abcDEF123456789')).toBe(`Authorization: SSWS ${REDACTED}`)
    expect(redact('authorization: Bearer abc.def-ghi_jkl')).toBe(`authorization: Bearer ${REDACTED}`)
  })

  it('removes JWTs anywhere', () => {
    expect(redact('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl done')).toBe(`token ${REDACTED} done`)
  })

  it('removes secret-named fields in JSON and form bodies', () => {
    expect(redact('{"client_secret":"abc123xyz","label":"app"}')).toBe(`{"client_secret":"${REDACTED}","label":"app"}`)
    expect(redact('grant_type=refresh_token&refresh_token=r1r2r3&client_id=0oa1')).toBe(
      `grant_type=refresh_token&refresh_token=${REDACTED}&client_id=0oa1`,
    )
  })

  it('removes known secret values however they appear', () => {
    expect(redact('value is hunter2hunter2!', ['hunter2hunter2'])).toBe(`value is ${REDACTED}!`)
  })

  it('leaves ordinary text alone', () => {
    const text = 'created app "kestra (kestra.example.com)" with client id 0oa1b2c3'
    expect(redact(text)).toBe(text)
  })

  it('never redacts the word after "token:" in prose (issue 10: our own hints were garbled)', () => {
    for (const hint of [
      'sessions are refreshed with the refresh token: the Refresh Token grant is required',
      'refresh token: Refresh Token grant is required',
      '(no refresh token: offline_access)',
      '(no refresh token: ask for offline_access)',
      'password: see the hint below',
    ]) {
      expect(redact(hint)).toBe(hint)
    }
  })

  it('redacts token-shaped values after a secret-named key, Okta API tokens and quoted JSON values with escapes', () => {
    expect(redact('refresh_token: AbC123dEf456GhI789jKl0')).toBe(`refresh_token: ${REDACTED}`)
    expect(redact("client_secret: 'x7Yz-9Qw_2Er4Ty6Ui8Op0'")).toBe(`client_secret: '${REDACTED}'`)
    const api = `00${'a1B2c3D4e5'.repeat(4)}`
    expect(redact(`api token ${api} was revoked`)).toBe(`api token ${REDACTED} was revoked`)
    expect(redact('{"password": "p\\"w d"}')).toBe(`{"password": "${REDACTED}"}`)
    expect(redact('access_token=abc&x=1')).toBe(`access_token=${REDACTED}&x=1`)
  })
})
