// The sandbox's Factors API (issue 12 item 2): a test user's TOTP authenticator, enrolled and activated as Okta does
// it (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/), and refused where
// Okta refuses: a wrong passcode (403 E0000068), a second TOTP (400), a factor type the sandbox does not model.
import { describe, expect, it } from 'vitest'
import { totpCode } from '../../src/infra/totp.js'
import { useSandbox } from '../helpers/sandbox.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const { sandbox } = useSandbox()

async function api(method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sandbox().orgUrl}${p}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox().apiToken}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, json: (await res.json()) as Json }
}

describe('sandbox Factors API', () => {
  it('enrolls a TOTP authenticator pending activation, activates it with a current passcode only, and refuses a second', async () => {
    const user = await api('POST', '/api/v1/users?activate=true', {
      profile: { login: 'factor.user@example.test', email: 'factor.user@example.test', firstName: 'F', lastName: 'U' },
      credentials: { password: { value: 'Factor-Pass-123!' } },
    })
    expect(user.status).toBe(200)
    const id = user.json.id as string
    expect((await api('POST', `/api/v1/users/${id}/factors`, { factorType: 'sms', provider: 'OKTA' })).status).toBe(400)
    const enrolled = await api('POST', `/api/v1/users/${id}/factors`, { factorType: 'token:software:totp', provider: 'GOOGLE' })
    expect(enrolled.status).toBe(200)
    expect(enrolled.json).toMatchObject({ factorType: 'token:software:totp', provider: 'GOOGLE', status: 'PENDING_ACTIVATION' })
    const seed = enrolled.json._embedded.activation.sharedSecret as string
    expect(seed).toMatch(/^[A-Z2-7]{16,}$/)
    const factor = enrolled.json.id as string
    const code = totpCode(seed)
    const wrong = await api('POST', `/api/v1/users/${id}/factors/${factor}/lifecycle/activate`, { passCode: code === '000000' ? '111111' : '000000' })
    expect(wrong.status).toBe(403)
    expect(wrong.json.errorCode).toBe('E0000068')
    const activated = await api('POST', `/api/v1/users/${id}/factors/${factor}/lifecycle/activate`, { passCode: code })
    expect(activated.status).toBe(200)
    expect(activated.json.status).toBe('ACTIVE')
    expect(activated.json._embedded).toBeUndefined()
    const listed = await api('GET', `/api/v1/users/${id}/factors`)
    expect(listed.json.map((f: Json) => [f.id, f.status])).toEqual([[factor, 'ACTIVE']])
    expect((await api('POST', `/api/v1/users/${id}/factors`, { factorType: 'token:software:totp', provider: 'GOOGLE' })).status).toBe(400)
    expect((await api('GET', `/api/v1/users/${id}/factors/uftnope`)).status).toBe(404)
    // The enrolled authenticator is the one the sign-in asks for.
    expect(sandbox().totp('factor.user@example.test')).toBe(totpCode(seed))
  })
})
