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
})
