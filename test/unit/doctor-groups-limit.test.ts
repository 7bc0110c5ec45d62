import { describe, expect, it } from 'vitest'
import { checkSignIn, groupsLimitWarning, GROUPS_CLAIM_LIMIT } from '../../src/domain/doctor.js'

// Okta: a groups claim returns at most 100 groups (support.okta.com "The groups claim matched too many groups and
// must be configured to match fewer groups"); doctor warns before a user reaches the cut-off.
const groups = (n: number): string[] => Array.from({ length: n }, (_, i) => `g${i}`)
const facts = (n: number) => ({
  idTokenClaims: { iss: 'https://example.okta.com/oauth2/default', aud: '0oa1', preferred_username: 'a@example.com', groups: groups(n) },
  grantedScopes: ['openid'],
  hasRefreshToken: false,
})
const want = { login: 'a@example.com', issuer: 'https://example.okta.com/oauth2/default', clientId: '0oa1', scopes: ['openid'], refreshToken: false, groupsClaim: true }

describe('doctor: the groups claim 100-group cut-off', () => {
  it('warns from 90 groups on, naming the count and the filter fix; never below', () => {
    expect(GROUPS_CLAIM_LIMIT).toBe(100)
    expect(groupsLimitWarning(groups(89))).toBeUndefined()
    expect(groupsLimitWarning(undefined)).toBeUndefined()
    expect(groupsLimitWarning(groups(90))).toMatchObject({ id: 'verify.groups-limit', status: 'warn', message: expect.stringContaining('90 groups') })
    expect(groupsLimitWarning(groups(100))?.fix).toMatch(/filter/)
  })

  it('the test sign-in reports it beside verify.groups, as a warning (doctor still passes)', () => {
    const near = checkSignIn(facts(95), want)
    expect(near.find((r) => r.id === 'verify.groups')?.status).toBe('pass')
    expect(near.find((r) => r.id === 'verify.groups-limit')?.status).toBe('warn')
    expect(checkSignIn(facts(3), want).some((r) => r.id === 'verify.groups-limit')).toBe(false)
    expect(checkSignIn(facts(95), { ...want, groupsClaim: false }).some((r) => r.id === 'verify.groups-limit')).toBe(false)
  })
})
