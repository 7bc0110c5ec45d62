// checkSignOnPolicy: whether a password-only test user passes an app's Identity Engine authentication policy, rules
// evaluated like Okta (help.okta.com about-app-sign-on-policies; spec AccessPolicyRule, AssuranceMethod).
import { describe, expect, it } from 'vitest'
import { checkSignOnPolicy, type SignOnPolicyRule } from '../../src/domain/doctor.js'
import { signOnRuleFromJson } from '../../src/infra/okta-admin/json.js'

const user = { login: 'qa@example.test', id: '00uQA', groupIds: ['00gTesters'] }
const rule = (over: Partial<SignOnPolicyRule>): SignOnPolicyRule => ({
  name: 'r',
  status: 'ACTIVE',
  priority: 1,
  access: 'ALLOW',
  method: 'ASSURANCE',
  factorMode: '2FA',
  passwordSuffices: false,
  users: [],
  groups: [],
  otherConditions: [],
  ...over,
})
const check = (...rules: SignOnPolicyRule[]) => checkSignOnPolicy({ id: 'rst1', name: 'P', rules }, user, '0oa1')

describe('checkSignOnPolicy', () => {
  it('a test user with a TOTP authenticator passes a two-factor rule; a denying rule still fails it', () => {
    const withTotp = { ...user, hasTotp: true }
    expect(checkSignOnPolicy({ id: 'rst1', name: 'P', rules: [rule({ name: 'Catch-all Rule' })] }, withTotp, '0oa1').status).toBe('pass')
    expect(checkSignOnPolicy({ id: 'rst1', name: 'P', rules: [rule({ access: 'DENY' })] }, withTotp, '0oa1').status).toBe('fail')
  })

  it('the first ACTIVE matching rule by priority decides; people conditions by user and by group', () => {
    const catchAll = rule({ name: 'Catch-all Rule', priority: 99 })
    expect(check(catchAll).status).toBe('fail')
    expect(check(rule({ name: 'qa', users: ['00uQA'], factorMode: '1FA', passwordSuffices: true }), catchAll).status).toBe('pass')
    expect(check(rule({ name: 'testers', groups: ['00gTesters'], factorMode: '1FA', passwordSuffices: true }), catchAll).status).toBe('pass')
    expect(check(rule({ name: 'others', users: ['00uOther'], factorMode: '1FA', passwordSuffices: true }), catchAll).status).toBe('fail')
    expect(check(rule({ name: 'off', status: 'INACTIVE', factorMode: '1FA', passwordSuffices: true }), catchAll).status).toBe('fail')
    expect(check(catchAll, rule({ name: 'late', priority: 100, factorMode: '1FA', passwordSuffices: true })).status).toBe('fail')
  })

  it('a denying rule fails; rules it cannot evaluate warn instead of guessing', () => {
    expect(check(rule({ access: 'DENY' })).message).toContain('denies qa@example.test')
    expect(check(rule({ otherConditions: ['network'] })).status).toBe('warn')
    expect(check(rule({ method: 'AUTH_METHOD_CHAIN' })).status).toBe('warn')
    expect(check().status).toBe('fail')
  })

  it('reads 1FA constraints: a password suffices unless a possession factor is required', () => {
    const json = (constraints?: unknown[]) =>
      signOnRuleFromJson({
        name: 'r',
        status: 'ACTIVE',
        priority: 1,
        conditions: { people: { users: { include: ['00uQA'] } }, network: null },
        actions: { appSignOn: { access: 'ALLOW', verificationMethod: { type: 'ASSURANCE', factorMode: '1FA', ...(constraints ? { constraints } : {}) } } },
      })
    expect(json([{ knowledge: { types: ['password'] } }])).toMatchObject({ passwordSuffices: true, users: ['00uQA'], otherConditions: [] })
    expect(json()).toMatchObject({ passwordSuffices: true })
    expect(json([{ possession: { deviceBound: 'REQUIRED' } }])).toMatchObject({ passwordSuffices: false })
    expect(check(json([{ possession: { deviceBound: 'REQUIRED' } }])).message).toContain('a factor other than a password')
  })
})
