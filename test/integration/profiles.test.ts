// Issue 11 §4: `profiles list|show|remove`; every profile read is checked against the schema, a bad profile is
// named (exit 3) without breaking commands about the others, and no hint says to delete a file holding other secrets.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { KEY, runOnTerminal } from '../helpers/pty.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const GOOD = {
  target: 'kestra',
  orgUrl: 'https://example.okta.com',
  issuer: 'https://example.okta.com/oauth2/default',
  clientId: '0oaGood',
  redirectUris: ['https://kestra.example.com/oauth/callback/okta'],
  // Fields this command does not know (another command's additions) must survive every read and write.
  intent: { name: 'good', target: 'kestra', scopes: [], assign: { groups: ['Everyone'], users: [] } },
  connection: 'work',
}

/** A config home with profiles (objects are written as JSON, strings as they are) and a file secret store. */
function home(profiles: Record<string, unknown>, secrets: Record<string, string> = {}): string {
  const dir = tempDir('oidc-setup-home-')
  mkdirSync(path.join(dir, 'profiles'), { recursive: true, mode: 0o700 })
  for (const [name, content] of Object.entries(profiles)) {
    writeFileSync(path.join(dir, 'profiles', `${name}.json`), typeof content === 'string' ? content : JSON.stringify(content), { mode: 0o600 })
  }
  writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 })
  return dir
}

const run = (dir: string, args: string[]) => runCli(args, { env: { OIDC_SETUP_CONFIG_DIR: dir, OIDC_SETUP_SECRET_STORE: 'file' } })

describe('profiles list', { timeout: 60_000 }, () => {
  it('lists the good profiles (tab-separated when piped) and names each bad one with the way out, exit 0', async () => {
    const dir = home({ good: GOOD, truncated: '{"target": "kes', shape: { ...GOOD, redirectUris: 'https://x.example.com/cb' } })
    const r = await run(dir, ['profiles', 'list'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('good\tkestra\t0oaGood\thttps://example.okta.com/oauth2/default\nshape\tinvalid\t-\t-\ntruncated\tinvalid\t-\t-\n')
    expect(r.stderr).toContain(`warning: profile "shape" is invalid: "redirectUris" must be a list of strings (${path.join(dir, 'profiles', 'shape.json')}); fix`)
    expect(r.stderr).toContain('warning: could not read profile "truncated"')
    expect(r.stderr).toContain('`oidc-setup profiles remove truncated`')
    const json = await run(dir, ['profiles', 'list', '--json'])
    const doc = JSON.parse(json.stdout) as Json
    expect(doc.profiles.map((p: Json) => p.name)).toEqual(['good'])
    expect(doc.invalid.map((p: Json) => p.name)).toEqual(['shape', 'truncated'])
  })

  it('an aligned table with a header on a terminal', async () => {
    const dir = home({ good: GOOD, b: { target: 'cli', clientId: '0oaB' } })
    const r = await runOnTerminal(['profiles', 'list'], [], { env: { OIDC_SETUP_CONFIG_DIR: dir, OIDC_SETUP_SECRET_STORE: 'file' } })
    expect(r.code).toBe(0)
    expect(r.screen).toContain('NAME  TARGET  CLIENT ID  ISSUER\nb     cli     0oaB       -\ngood  kestra  0oaGood    https://example.okta.com/oauth2/default\n')
  })
})

describe('a bad profile breaks only commands about it', () => {
  const dir = () => home({ good: GOOD, cli: { target: 'cli', issuer: 'https://example.okta.com', clientId: '0oaCli' }, shape: { ...GOOD, redirectUris: { a: 1 } }, url: { ...GOOD, issuer: 'not a url' } })

  it('status shows the others and warns about each bad one', async () => {
    const r = await run(dir(), ['status'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^cli\tnot logged in\t/m)
    expect(r.stderr).toContain('warning: profile "shape" is invalid')
    expect(r.stderr).toContain('warning: profile "url" is invalid: "issuer" must be an http(s) URL, not "not a url"')
  })

  it('okta show and doctor about the bad one: exit 3 naming it (no "this is a bug")', async () => {
    const d = dir()
    for (const args of [['okta', 'show', '--profile', 'shape', '--offline'], ['doctor', '--profile', 'url']]) {
      const r = await run(d, [...args, '--json'])
      expect(r.code).toBe(3)
      expect(JSON.parse(r.stdout).error.code).toBe('ERR_PROFILE_INVALID')
      expect(r.stderr).toMatch(/^error: profile "(shape|url)" is invalid: /m)
      expect(r.stderr).not.toContain('bug')
    }
  })

  it('a corrupt secrets.json is never "delete it": it holds every profile\'s secrets', async () => {
    const d = home({ cli: { target: 'cli', issuer: 'https://example.okta.com', clientId: '0oaCli' } })
    writeFileSync(path.join(d, 'secrets.json'), '{"profile:a:okta-api-token": "tok')
    const r = await run(d, ['token', '--profile', 'cli'])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('hint: repair the JSON in')
    expect(r.stderr).not.toMatch(/hint: delete/)
  })
})

describe('profiles show', () => {
  it('shows what the profile records and which secrets are stored, never their values; unknown fields are kept', async () => {
    const dir = home({ good: GOOD }, { 'profile:good:client-secret': 'very-secret-value', 'profile:other:client-secret': 'x' })
    const r = await run(dir, ['profiles', 'show', 'good'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('client id      0oaGood\n')
    expect(r.stdout).toMatch(/secrets {8}client secret \(unencrypted file .*secrets\.json\)/)
    expect(r.stdout).toContain('other fields   intent, connection\n')
    expect(r.stdout).not.toContain('very-secret-value')
    const json = JSON.parse((await run(dir, ['profiles', 'show', 'good', '--json'])).stdout) as Json
    expect(json.profile.intent).toEqual(GOOD.intent)
    expect(json.profile.connection).toBe('work')
    expect(json.secrets).toEqual(['clientSecret'])
  })

  it('a missing profile: exit 3, ERR_PROFILE_NOT_FOUND', async () => {
    const r = await run(home({}), ['--json', 'profiles', 'show', 'nobody'])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout).error).toEqual({ code: 'ERR_PROFILE_NOT_FOUND', message: 'no profile "nobody"', hint: '`oidc-setup profiles list` shows the profiles', exitCode: 3 })
  })
})

describe('profiles remove', { timeout: 60_000 }, () => {
  const secrets = {
    'profile:good:client-secret': 's1',
    'profile:good:token-set': '{}',
    'profile:other:client-secret': 'keep-me',
    'profile:other:okta-api-token': 'keep-me-too',
  }

  it('off a terminal it needs --yes (exit 2); with it, the file and only this profile\'s secrets go', async () => {
    const dir = home({ good: GOOD, other: GOOD }, secrets)
    const refused = await run(dir, ['profiles', 'remove', 'good'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('error: remove profile "good": needs confirmation, and this is not a terminal')
    expect(existsSync(path.join(dir, 'profiles', 'good.json'))).toBe(true)
    const r = await run(dir, ['profiles', 'remove', 'good', '--yes'])
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('✓ removed profile "good" and its client secret, login tokens')
    expect(existsSync(path.join(dir, 'profiles', 'good.json'))).toBe(false)
    expect(JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8'))).toEqual({
      'profile:other:client-secret': 'keep-me',
      'profile:other:okta-api-token': 'keep-me-too',
    })
  })

  it('removes an unreadable profile (the way out its hint offers)', async () => {
    const dir = home({ broken: '{"tar', other: GOOD }, secrets)
    const r = await run(dir, ['profiles', 'remove', 'broken', '--yes'])
    expect(r.code).toBe(0)
    expect(existsSync(path.join(dir, 'profiles', 'broken.json'))).toBe(false)
    expect((await run(dir, ['profiles', 'list'])).stderr).toBe('')
  })

  it('warns that the Okta app stays when the profile records one', async () => {
    const dir = home({ app: { ...GOOD, appId: '0oaApp' } })
    const r = await run(dir, ['profiles', 'remove', 'app', '--yes'])
    expect(r.stderr).toContain('warning: the Okta app 0oaApp in https://example.okta.com stays; `oidc-setup okta delete-app --profile app` deletes it (run that first)')
  })

  it('on a terminal: lists the file and each secret, default No; y removes', async () => {
    const dir = home({ good: GOOD, other: GOOD }, secrets)
    const env = { OIDC_SETUP_CONFIG_DIR: dir, OIDC_SETUP_SECRET_STORE: 'file' }
    const no = await runOnTerminal(['profiles', 'remove', 'good'], [{ expect: /\(y\/N\)/, send: KEY.enter }], { env })
    expect(no.screen).toContain(`This will remove profile "good":\n  - ${path.join(dir, 'profiles', 'good.json')}\n  - client secret of profile "good" in the unencrypted file`)
    expect(no.screen).toContain('  - login tokens of profile "good"')
    expect(no.screen).toContain('nothing removed')
    expect(existsSync(path.join(dir, 'profiles', 'good.json'))).toBe(true)
    const yes = await runOnTerminal(['profiles', 'remove', 'good'], [{ expect: /\(y\/N\)/, send: `y${KEY.enter}` }], { env })
    expect(yes.code).toBe(0)
    expect(existsSync(path.join(dir, 'profiles', 'good.json'))).toBe(false)
  })
})
