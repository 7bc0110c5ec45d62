import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sandbox } from '../../src/sandbox/index.js'
import { runCli, tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'

// Issue 9 items 1, 2, 3 and 5: the spec through the built CLI (bad input) and apply/plan against two sandbox orgs.

let dev: Sandbox
let prod: Sandbox

beforeAll(async () => {
  const { startSandbox } = await import('../../src/sandbox/index.js')
  ;[dev, prod] = await Promise.all([startSandbox(), startSandbox()])
})

afterAll(async () => {
  await Promise.all([dev?.close(), prod?.close()])
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

function writes(sandbox: Sandbox, since: number): number {
  return sandbox.requestLog.slice(since).filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET').length
}

function specFile(text: string): string {
  const file = path.join(tempDir('oidc-setup-spec-'), 'oidc-setup.yaml')
  writeFileSync(file, text)
  return file
}

async function configure(home: string, org: string, sandbox: Sandbox): Promise<void> {
  const r = await runMain(['okta', 'configure', '--org', org, '--org-url', sandbox.orgUrl, '--api-token-env', 'TOKEN', '--no-verify'], {
    env: { TOKEN: sandbox.apiToken },
    configHome: home,
  })
  expect(r.stderr).not.toMatch(/^error/m)
  expect(r.code).toBe(0)
}

const FIVE = `apiVersion: oidc-setup/v1
connection: dev
apps:
  - name: web1
    target: web
    baseUrl: https://web1.spec.example.com
    assign: { groups: [Everyone] }
  - name: spa1
    target: spa
    baseUrl: https://spa1.spec.example.com
  - name: galaxy1
    target: galaxy
    baseUrl: https://galaxy1.spec.example.com
  - name: cli1
    target: cli
    label: cli (spec)
  - name: svc1
    target: service
    label: billing (spec)
`

describe('bad spec input through the built CLI: exit 2, one line, no stack', () => {
  const cases: Array<[string, string, RegExp, RegExp?]> = [
    ['unknown key', 'apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: web\n    baseURL: https://a.example.com\n', /^error: .*oidc-setup\.yaml:5:5: unknown key "baseURL" in apps\[0\]$/m, /^hint: did you mean "baseUrl"\?/m],
    ['wrong type', 'apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: web\n    assign: { groups: Everyone }\n', /^error: .*oidc-setup\.yaml:5:23: apps\[0\]\.assign\.groups must be a list of strings, not the string "Everyone"$/m],
    ['unknown target', 'apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: pomerum\n', /^error: .*oidc-setup\.yaml:4:13: unknown target "pomerum" in apps\[0\]\.target$/m, /^hint: did you mean "pomerium"\?/m],
    ['duplicate names', 'apiVersion: oidc-setup/v1\napps:\n  - { name: a, target: web, baseUrl: "https://a.example.com" }\n  - { name: a, target: spa, baseUrl: "https://b.example.com" }\n', /^error: .*oidc-setup\.yaml:4:13: duplicate app name "a" \(apps\[1\]; first at line 3\)$/m],
    ['literal secret', 'apiVersion: oidc-setup/v1\napps:\n  - name: a\n    target: web\n    baseUrl: https://a.example.com\n    clientSecret: s3cr3t-value\n', /^error: .*oidc-setup\.yaml:6:5: apps\[0\]\.clientSecret holds a secret written into the spec/m, /^hint: .*secret store/m],
  ]
  for (const [what, text, error, hint] of cases) {
    it(what, async () => {
      const file = specFile(text)
      const r = await runCli(['plan', '-f', file])
      expect(r.code).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(error)
      if (hint) {
        expect(r.stderr).toMatch(hint)
      }
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr).not.toContain('s3cr3t-value')
    })
  }

  it("the README's complete multi-app, two-environment example is a valid spec", async () => {
    const readme = readFileSync(path.join(process.cwd(), 'README.md'), 'utf8')
    const section = readme.slice(readme.indexOf('## The spec (`oidc-setup.yaml`)'))
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
    expect(yaml).toContain('environments:')
    const r = await runCli(['spec', 'validate', '-f', specFile(yaml)])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/valid, 4 app\(s\), environments dev, prod/)
  })

  it('spec schema prints the shipped JSON Schema, and it validates a good spec with ajv', async () => {
    const r = await runCli(['spec', 'schema'])
    expect(r.code).toBe(0)
    const schema = JSON.parse(r.stdout) as Json
    expect(schema).toEqual(JSON.parse(readFileSync(path.join(process.cwd(), 'schema', 'oidc-setup.schema.json'), 'utf8')))
    const { Ajv2020 } = (await import('ajv/dist/2020.js')) as unknown as { Ajv2020: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } } }
    const validate = new Ajv2020({ strict: false }).compile(schema)
    const { parse } = await import('yaml')
    expect(validate(parse(FIVE))).toBe(true)
    expect(validate(parse('apiVersion: oidc-setup/v1\napps:\n  - { name: a, target: web, baseURL: x }\n'))).toBe(false)
  })
})

describe('apply and plan against the sandbox', () => {
  it('applies five targets at once; a re-apply writes nothing; plan --detailed-exitcode exits 0, then 2 on a change', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'dev', dev)
    const file = specFile(FIVE)
    const planned = await runMain(['plan', '-f', file, '--detailed-exitcode'], { configHome: home })
    expect(planned.code, planned.stderr).toBe(2)
    expect(planned.stderr).toMatch(/change\(s\) pending/)

    const mark = dev.requestLog.length
    const applied = await runMain(['apply', '-f', file, '--json'], { configHome: home })
    expect(applied.stderr).not.toMatch(/^error/m)
    expect(applied.code).toBe(0)
    const doc = JSON.parse(applied.stdout) as Json
    expect(doc.apps.map((a: Json) => [a.app, a.target])).toEqual([
      ['web1', 'web'],
      ['spa1', 'spa'],
      ['galaxy1', 'galaxy'],
      ['cli1', 'cli'],
      ['svc1', 'service'],
    ])
    expect(writes(dev, mark)).toBeGreaterThan(5)
    // Each profile keeps the intent it was applied with, and its connection.
    const web1 = JSON.parse(readFileSync(path.join(home, 'profiles', 'web1.json'), 'utf8')) as Json
    expect(web1.intent).toMatchObject({ name: 'web1', target: 'web', connection: 'dev', assign: { groups: ['Everyone'] } })
    expect(web1.connection).toBe('dev')
    expect(web1.spec.file).toBe(file)

    const mark2 = dev.requestLog.length
    const again = await runMain(['apply', '-f', file], { configHome: home })
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain('no changes: 5 app(s) up to date')
    expect(writes(dev, mark2)).toBe(0)

    const clean = await runMain(['plan', '-f', file, '--detailed-exitcode'], { configHome: home })
    expect(clean.code, clean.stderr).toBe(0)
    writeFileSync(file, FIVE.replace('https://spa1.spec.example.com', 'https://spa1b.spec.example.com'))
    const drift = await runMain(['plan', '-f', file, '--detailed-exitcode', '--only', 'spa1'], { configHome: home })
    expect(drift.code, drift.stderr).toBe(2)
    // The default label follows the host, so a new base URL is a new app (a `label:` keeps one app across hosts).
    expect(drift.stderr).toMatch(/^app "spa1"\n {2}\+ app "spa \(spa1b\.spec\.example\.com\)"/m)
  })

  it('promotes dev to prod with one command: same spec, objects found by name in the other org, nothing copied by id', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'dev', dev)
    await configure(home, 'prod', prod)
    const file = specFile(`apiVersion: oidc-setup/v1
environments:
  dev:
    connection: dev
  prod:
    connection: prod
    apps:
      kestra: { baseUrl: https://kestra.prod.example.com }
apps:
  - name: kestra
    target: kestra
    baseUrl: https://kestra.dev.example.com
    authServer: default
`)
    const d = await runMain(['apply', '-f', file, '--env', 'dev', '--json'], { configHome: home })
    expect(d.code, d.stderr).toBe(0)
    const p = await runMain(['apply', '-f', file, '--env', 'prod', '--json'], { configHome: home })
    expect(p.code, p.stderr).toBe(0)
    const da = (JSON.parse(d.stdout) as Json).apps[0]
    const pa = (JSON.parse(p.stdout) as Json).apps[0]
    expect(da).toMatchObject({ profile: 'kestra-dev', orgUrl: dev.orgUrl })
    expect(pa).toMatchObject({ profile: 'kestra-prod', orgUrl: prod.orgUrl })
    expect(pa.clientId).not.toBe(da.clientId)
    const res = await fetch(`${prod.orgUrl}/api/v1/apps/${pa.appId}`, { headers: { Authorization: `SSWS ${prod.apiToken}`, Accept: 'application/json' } })
    expect(((await res.json()) as Json).settings.oauthClient.redirect_uris[0]).toMatch(/^https:\/\/kestra\.prod\.example\.com\//)
    const mark = prod.requestLog.length
    const again = await runMain(['plan', '-f', file, '--env', 'prod', '--detailed-exitcode'], { configHome: home })
    expect(again.code, again.stderr).toBe(0)
    expect(writes(prod, mark)).toBe(0)
    const missing = await runMain(['plan', '-f', file], { configHome: home })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('pass --env NAME')
  })

  it('--prune deletes the apps this spec applied that it no longer declares (and only with --yes off a terminal)', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'dev', dev)
    const two = 'apiVersion: oidc-setup/v1\napps:\n  - { name: keep, target: spa, baseUrl: "https://keep.prune.example.com" }\n  - { name: gone, target: spa, baseUrl: "https://gone.prune.example.com" }\n'
    const file = specFile(two)
    expect((await runMain(['apply', '-f', file], { configHome: home })).code).toBe(0)
    const appId = (JSON.parse(readFileSync(path.join(home, 'profiles', 'gone.json'), 'utf8')) as Json).appId as string
    writeFileSync(file, two.split('\n').filter((l) => !l.includes('gone')).join('\n'))
    const listed = await runMain(['apply', '-f', file], { configHome: home })
    expect(listed.code, listed.stderr).toBe(0)
    expect(listed.stderr).toContain('profile "gone" was applied from')
    const refused = await runMain(['apply', '-f', file, '--prune'], { configHome: home })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('pass --yes')
    const pruned = await runMain(['apply', '-f', file, '--prune', '--yes'], { configHome: home })
    expect(pruned.code, pruned.stderr).toBe(0)
    const res = await fetch(`${dev.orgUrl}/api/v1/apps/${appId}`, { headers: { Authorization: `SSWS ${dev.apiToken}`, Accept: 'application/json' } })
    expect(res.status).toBe(404)
  })
})

describe('connections apart from app profiles (issue 9 item 3)', () => {
  it('okta configure --org work, then create-app --profile galaxy uses the only connection', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'work', dev)
    expect(existsSync(path.join(home, 'connections', 'work.json'))).toBe(true)
    const secrets = JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8')) as Record<string, string>
    expect(Object.keys(secrets)).toEqual(['connection:work:okta-api-token'])
    const r = await runMain(['okta', 'create-app', '--target', 'galaxy', '--base-url', 'https://galaxy.conn.example.com', '--profile', 'galaxy', '--json'], { configHome: home })
    expect(r.stderr).not.toMatch(/^error/m)
    expect(r.code).toBe(0)
    const wrong = await runMain(['okta', 'create-app', '--target', 'cli', '--profile', 'x', '--org', 'nope'], { configHome: home })
    expect(wrong.code).toBe(3)
    expect(wrong.stderr).toContain('no Okta connection "nope"')
  })

  it('create-app without --profile leaves the existing default profile pointing where it pointed', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'default', dev)
    const first = await runMain(['okta', 'create-app', '--target', 'web', '--base-url', 'https://first.conn.example.com', '--profile', 'default', '--json'], { configHome: home })
    expect(first.code, first.stderr).toBe(0)
    const before = readFileSync(path.join(home, 'profiles', 'default.json'), 'utf8')
    const second = await runMain(['okta', 'create-app', '--target', 'spa', '--base-url', 'https://second.conn.example.com', '--json'], { configHome: home })
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).toContain('profile "spa-second.conn.example.com" (derived from the target and host; pass --profile NAME to choose)')
    expect(JSON.parse(second.stdout)).toMatchObject({ profile: 'spa-second.conn.example.com' })
    expect(JSON.parse(readFileSync(path.join(home, 'profiles', 'default.json'), 'utf8')).appId).toBe(JSON.parse(before).appId)
    // A re-run without --profile finds the profile that already holds the app.
    const third = await runMain(['okta', 'create-app', '--target', 'spa', '--base-url', 'https://second.conn.example.com', '--json'], { configHome: home })
    expect(third.stderr).toContain('it already holds this app')
    expect(JSON.parse(third.stdout).changes.every((c: Json) => c.action === 'unchanged')).toBe(true)
  })

  it('a legacy profile (credentials and no intent, written before this change) keeps working, and doctor says what it assumed', async () => {
    const home = tempDir('oidc-setup-home-')
    const made = await runMain(['okta', 'create-app', '--target', 'spa', '--base-url', 'https://legacy.conn.example.com', '--profile', 'old', '--json'], {
      env: { OKTA_CLIENT_ORGURL: dev.orgUrl, OKTA_CLIENT_TOKEN: dev.apiToken },
      configHome: home,
    })
    expect(made.code, made.stderr).toBe(0)
    const file = path.join(home, 'profiles', 'old.json')
    const legacy = JSON.parse(readFileSync(file, 'utf8')) as Json
    delete legacy.intent
    delete legacy.connection
    writeFileSync(file, JSON.stringify({ ...legacy, management: { authMode: 'SSWS' } }))
    const secrets = path.join(home, 'secrets.json')
    writeFileSync(secrets, JSON.stringify({ ...(existsSync(secrets) ? (JSON.parse(readFileSync(secrets, 'utf8')) as Json) : {}), 'profile:old:okta-api-token': dev.apiToken }))
    const again = await runMain(['okta', 'create-app', '--target', 'spa', '--base-url', 'https://legacy.conn.example.com', '--profile', 'old', '--json'], { configHome: home })
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).changes.every((c: Json) => c.action === 'unchanged')).toBe(true)
    writeFileSync(file, JSON.stringify({ ...legacy, management: { authMode: 'SSWS' } }))
    const doctor = await runMain(['doctor', '--profile', 'old'], { configHome: home })
    expect(doctor.stderr).toMatch(/profile "old" was written before oidc-setup kept intents; assumed: .*assignments/)
  })
})

describe('the groups claim follows the spec', () => {
  const spec = (filter: string): string => `apiVersion: oidc-setup/v1
apps:
  - name: claimed
    target: web
    baseUrl: https://claimed.spec.example.com
    authServer: default
    groupsClaim: { name: claimed_groups, filter: "${filter}" }
`
  const claimOf = (): Record<string, unknown> | undefined => {
    const server = dev.state.servers.find((s) => s.server.default === true)
    return server?.claims.find((c) => c.name === 'claimed_groups') as Record<string, unknown> | undefined
  }

  it('a changed filter of a claim oidc-setup made is shown with its values and applied; one made in the console is left and said', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'dev', dev)
    const file = specFile(spec('^eng-'))
    expect((await runMain(['apply', '-f', file], { configHome: home })).code).toBe(0)
    expect(claimOf()?.value).toBe('^eng-')
    writeFileSync(file, spec('^ops-'))
    const planned = await runMain(['plan', '-f', file, '--detailed-exitcode'], { configHome: home })
    expect(planned.code).toBe(2)
    expect(planned.stderr).toMatch(/~ claim "claimed_groups" \(ocl\w+\)\n\s+filter: "REGEX \^eng-" → "REGEX \^ops-"/)
    expect((await runMain(['apply', '-f', file], { configHome: home })).code).toBe(0)
    expect(claimOf()?.value).toBe('^ops-')

    // Another config home that did not make the claim: told, and nothing changes.
    const other = tempDir('oidc-setup-home-')
    await configure(other, 'dev', dev)
    const theirs = specFile(spec('^sec-').replace('name: claimed\n', 'name: claimed-too\n').replace('claimed.spec', 'claimed-too.spec'))
    const r = await runMain(['apply', '-f', theirs], { configHome: other })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('the groups claim "claimed_groups" was made outside oidc-setup and differs from the spec (filter): left as it is')
    expect(claimOf()?.value).toBe('^ops-')
  })
  it('two apps wanting one claim with different filters is a usage error before anything is written', async () => {
    const home = tempDir('oidc-setup-home-')
    await configure(home, 'dev', dev)
    const two = `${spec('^a-')}  - name: claimed-b
    target: web
    baseUrl: https://claimed-b.spec.example.com
    authServer: default
    groupsClaim: { name: claimed_groups, filter: "^b-" }
`
    const mark = dev.requestLog.length
    const r = await runMain(['apply', '-f', specFile(two)], { configHome: home })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^error: apps "claimed" and "claimed-b" want the groups claim "claimed_groups" on one authorization server with different filters/m)
    expect(writes(dev, mark)).toBe(0)
  })
})
