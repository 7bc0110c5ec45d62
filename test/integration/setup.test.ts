import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runInteractive } from '../helpers/run-interactive.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

// `setup` end to end against the sandbox, through the real Okta SDK and openid-client: one command from nothing to
// files on disk and a verified test sign-in, idempotent on re-run.

// An Identity Engine org (the sandbox's default, as all new orgs are): every new app gets the shared default
// authentication policy, which asks for two factors (issue 12 item 2). setup gives the --test-user it creates a TOTP
// authenticator (the Factors API) and answers the second factor with it; the policy stays as it is for everyone.
const { sandbox: currentSandbox, oktaEnv: env } = useSandbox()
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function setup(args: string[], home: string, cwd: string) {
  return runMain(['setup', ...args], { env: env(), configHome: home, cwd })
}

describe('setup against the sandbox', () => {
  for (const [target, base, extra] of [
    ['galaxy', 'https://galaxy.example.test', []],
    ['pomerium', 'https://authenticate.example.test', []],
    ['kestra', 'https://kestra.example.test', []],
    // OpenMetadata needs its first admins named (no placeholder that locks everyone out).
    ['openmetadata', 'https://om.example.test', ['--groups-claim', '--set', 'adminPrincipals=qa-openmetadata', '--set', 'principalDomain=example.test']],
  ] as const) {
    it(`${target}: provisions, writes the files, and --verify signs a test user in`, async () => {
      const home = tempDir()
      const cwd = tempDir()
      const args = ['--profile', target, '--target', target, '--base-url', base, '--assign-group', 'Everyone', '--test-user', `qa-${target}@example.test`, '--verify', ...extra]
      const first = await setup([...args, '--json'], home, cwd)
      expect(first.stderr).not.toContain('error:')
      expect(first.code).toBe(0)
      const doc = JSON.parse(first.stdout) as Json
      expect(doc.target).toBe(target)
      // The test user signed in with two factors; the app kept Okta's shared default two-factor policy.
      const user = currentSandbox().state.users.find((u) => (u.user.profile as Json).login === `qa-${target}@example.test`)
      expect(user?.totpFactor?.status).toBe('ACTIVE')
      const app = currentSandbox().state.apps.find((a) => a.app.id === doc.appId)
      const policies = currentSandbox().state.accessPolicies ?? []
      const policy = policies.find((p) => p.policy.id === app?.accessPolicyId) ?? policies.find((p) => p.policy.system === true)
      expect(policy?.policy).toMatchObject({ name: 'Default Policy', system: true })
      expect(doc.changes.some((c: Json) => c.type === 'app' && c.action === 'create')).toBe(true)
      expect(doc.files.length).toBeGreaterThan(0)
      expect(doc.verify.map((r: Json) => r.status)).toEqual(doc.verify.map(() => 'pass'))
      const secretFile = doc.files.find((f: Json) => f.containsSecret)
      expect(statSync(secretFile.path).mode & 0o777).toBe(0o600)
      expect(first.stderr).toContain(`setup for profile "${target}"`)
      expect(first.stderr).toContain('next:')
      // runMain opts into the file store: it says so, once.
      expect(first.stderr.match(/warning: secrets are kept in the unencrypted file .*secrets\.json \(0600, not encrypted\)/g)).toHaveLength(1)
      if (target === 'galaxy' || target === 'pomerium') {
        expect(doc.verify.some((r: Json) => r.id === 'verify.refresh-token')).toBe(true)
      }
      if (doc.authServerId !== 'org') {
        // On a custom server the policy and rule are read back and checked, not assumed.
        expect(doc.verify.filter((r: Json) => ['verify.policy', 'verify.rule'].includes(r.id)).map((r: Json) => r.status)).toEqual(['pass', 'pass'])
      }

      // The same command again changes nothing in Okta and leaves the files as they are.
      const before = readFileSync(secretFile.path, 'utf8')
      const again = await setup([...args, '--json'], home, cwd)
      expect(again.code).toBe(0)
      const doc2 = JSON.parse(again.stdout) as Json
      expect(doc2.changes.every((c: Json) => c.action === 'unchanged')).toBe(true)
      expect(readFileSync(secretFile.path, 'utf8')).toBe(before)
      expect(again.stderr).toContain('already up to date')
      // Told once per config home: the file store is its recorded choice now (settings.json).
      expect(again.stderr).not.toContain('not encrypted')
    })
  }

  it('writes the files under --out and the summary names them', async () => {
    const home = tempDir()
    const cwd = tempDir()
    const r = await setup(['--profile', 'k', '--target', 'kestra', '--base-url', 'https://k2.example.test', '--out', 'conf'], home, cwd)
    expect(r.code).toBe(0)
    expect(readFileSync(path.join(cwd, 'conf', 'application.yaml'), 'utf8')).toContain('client-id:')
    expect(r.stderr).toContain('files:  conf/application.yaml')
    expect(r.stderr).toContain('oidc-setup doctor --profile k --config conf/application.yaml')
  })

  it('refuses --verify without --test-user, before touching Okta', async () => {
    const mark = currentSandbox().requestLog.length
    const r = await setup(['--target', 'kestra', '--base-url', 'https://k.example.test', '--verify'], tempDir(), tempDir())
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      'error: --verify needs --test-user LOGIN (the user to sign in as)\nhint: add --test-user test.user@example.com: setup creates it with a random password kept in the secret store\n',
    )
    expect(currentSandbox().requestLog.length).toBe(mark)
  })

  it('names the flag to pass when run without a terminal and without --target', async () => {
    const r = await setup(['--base-url', 'https://x.example.test'], tempDir(), tempDir())
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('error: missing --target')
  })

  it('asks for the target and base URL on a terminal', async () => {
    const cwd = tempDir()
    // A bad URL is explained and asked again (issue 11), and who may sign in is offered.
    // Kestra's default role cannot be guessed: asked (issue 10), its permissions after it.
    const r = await runInteractive(
      ['setup', '--profile', 'asked'],
      ['kestra', 'not a url', 'https://asked.example.test', 'Everyone', '', 'Viewer', 'FLOW:READ, EXECUTION:READ'],
      { env: env(), cwd },
    )
    expect(r.asked).toEqual([
      'What are you connecting to Okta?',
      'Base URL users open (e.g. https://app.example.com):',
      'Base URL users open (e.g. https://app.example.com):',
      'Assign a group to the app (e.g. Everyone; empty for none):',
      'Assign a user by login (empty for none):',
      'name of the role Kestra gives users on their first SSO login (kestra.security.defaultRole.name); without it they get no permissions, empty for none [defaultRole]:',
      "that role's permissions as RESOURCE:ACTION (kestra.security.defaultRole.permissions), e.g. FLOW:READ,EXECUTION:READ (comma-separated), empty for none [defaultRolePermissions]:",
    ])
    expect(r.rejected).toHaveLength(1)
    expect(r.stderr).toMatch(/group-assignment "Everyone → kestra \(asked.example.test\)": created/)
    expect(r.stderr).not.toContain('error:')
    expect(r.code).toBe(0)
    const yaml = readFileSync(path.join(cwd, 'kestra', 'application.yaml'), 'utf8')
    expect(yaml).toContain('client-id:')
    expect(yaml).toMatch(/defaultRole:\n\s+name: "?Viewer"?\n\s+permissions:/)
  })
})
