import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/domain/errors.js'
import { missingSettings, nearest, parseSetFlags, requireSettings, resolveSettings, withDefaults } from '../../src/targets/settings.js'
import type { TargetModule } from '../../src/targets/types.js'
import { kestra } from '../../src/targets/kestra.js'

// A target with one setting of each kind, as a target module declares them.
const target: TargetModule = {
  ...kestra,
  name: 'example',
  settings: [
    { key: 'admins', kind: 'list', description: 'admin logins', required: true, example: 'a@example.com', validate: (v) => (v.includes('@') ? undefined : 'not a login') },
    { key: 'role', kind: 'string', description: 'default role', required: false, default: 'Viewer', example: 'Viewer' },
    { key: 'strict', kind: 'boolean', description: 'strict mode', required: false, example: 'true' },
  ],
}

describe('target settings (--set key=value)', () => {
  it('parses repeated flags, comma lists and booleans; later layers win', () => {
    const raw = parseSetFlags(['admins=a@example.com,b@example.com', 'admins=c@example.com', 'strict=true', 'role=Editor'])
    const settings = resolveSettings(target, [
      { source: 'profile "p"', values: { role: 'Admin', admins: ['z@example.com'] } },
      { source: '--set', values: raw },
    ])
    expect(settings).toEqual({ admins: ['a@example.com', 'b@example.com', 'c@example.com'], strict: true, role: 'Editor' })
  })

  it('refuses an unknown key with the nearest known one', () => {
    expect(() => resolveSettings(target, [{ source: '--set', values: parseSetFlags(['admin=a@example.com']) }])).toThrow(
      /no setting "admin" \(--set\)/,
    )
    try {
      resolveSettings(target, [{ source: '--set', values: { admin: 'x' } }])
    } catch (e) {
      expect((e as UsageError).hint).toContain('did you mean "admins"?')
    }
    expect(nearest('rol', ['role', 'admins'])).toBe('role')
  })

  it('refuses wrong types and values the target rejects', () => {
    expect(() => resolveSettings(target, [{ source: 'spec', values: { strict: 'yes' } }])).toThrow(/must be true or false/)
    expect(() => resolveSettings(target, [{ source: 'spec', values: { admins: [1] } }])).toThrow(/list of strings/)
    expect(() => resolveSettings(target, [{ source: 'spec', values: { admins: 'nobody' } }])).toThrow(/not a login/)
    expect(() => parseSetFlags(['=x'])).toThrow(UsageError)
  })

  it('a missing required setting refuses with the flag to pass; defaults fill optional ones', () => {
    expect(missingSettings(target, {}).map((s) => s.key)).toEqual(['admins'])
    expect(() => requireSettings(target, {})).toThrow(/needs "admins"/)
    expect(withDefaults(target, { admins: ['a@example.com'] })).toEqual({ admins: ['a@example.com'], role: 'Viewer' })
  })
})
