// Issue 11 §1, §2: every write that deletes or replaces asks on a terminal (listing exactly what, default No) and
// needs --yes anywhere else; Ctrl-C at any prompt exits 130 with the command's own account; --json failures print
// exactly one error document. Terminal cases run the built CLI on a real pseudo-terminal.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli, tempDir } from '../helpers/cli.js'
import { KEY, runOnTerminal } from '../helpers/pty.js'
import { useSandbox } from '../helpers/sandbox.js'

const { sandbox, oktaEnv } = useSandbox()
type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const fileStore = { OIDC_SETUP_SECRET_STORE: 'file' }

async function createApp(profile: string, home: string): Promise<Json> {
  const r = await runCli(['okta', 'create-app', '--target', 'spa', '--base-url', `https://${profile}.example.com`, '--profile', profile, '--json'], {
    env: { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home },
  })
  expect(r.stderr).not.toContain('error:')
  return JSON.parse(r.stdout) as Json
}

async function appStatus(id: string): Promise<number> {
  return (await fetch(`${sandbox().orgUrl}/api/v1/apps/${id}`, { headers: { Authorization: `SSWS ${sandbox().apiToken}` } })).status
}

/** Parses stdout as exactly one JSON document. */
function oneDocument(stdout: string): Json {
  return JSON.parse(stdout) as Json
}

describe('--json failures print exactly one error document', () => {
  for (const [what, args, code, exitCode] of [
    ['an unknown target', ['render-config', '--target', 'kestrel'], 'ERR_USAGE', 2],
    ["commander's unknown option", ['status', '--bogus'], 'ERR_USAGE', 2],
    ["commander's missing argument", ['completion'], 'ERR_USAGE', 2],
    ['a missing profile', ['doctor', '--profile', 'nobody'], 'ERR_PROFILE_NOT_FOUND', 3],
    ['a profile to remove that does not exist', ['profiles', 'remove', 'nobody'], 'ERR_PROFILE_NOT_FOUND', 3],
  ] as const) {
    it(`${what}: {"error":{code,message,hint,exitCode}} on stdout, the same words on stderr`, async () => {
      const r = await runCli(['--json', ...args])
      expect(r.code).toBe(exitCode)
      const doc = oneDocument(r.stdout)
      expect(Object.keys(doc)).toEqual(['error'])
      expect(Object.keys(doc.error)).toEqual(['code', 'message', 'hint', 'exitCode'])
      expect(doc.error.code).toBe(code)
      expect(doc.error.exitCode).toBe(exitCode)
      expect(r.stderr).toContain(`error: ${doc.error.message}`)
    })
  }

  it('a command that printed its document and then fails prints no second one (doctor)', async () => {
    const home = tempDir()
    await createApp('json-doc', home)
    const r = await runCli(['--json', 'doctor', '--profile', 'json-doc', '--target', 'spa'], { env: { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home } })
    const doc = oneDocument(r.stdout)
    expect(doc.profile).toBe('json-doc')
  })
})

describe('okta delete-app asks first', { timeout: 60_000 }, () => {
  it('off a terminal without --yes: exit 2 naming --yes, ERR_CONFIRMATION_REQUIRED, nothing deleted', async () => {
    const home = tempDir()
    const app = await createApp('del-pipe', home)
    const r = await runCli(['--json', 'okta', 'delete-app', '--profile', 'del-pipe'], { env: { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home } })
    expect(r.code).toBe(2)
    expect(oneDocument(r.stdout).error).toMatchObject({ code: 'ERR_CONFIRMATION_REQUIRED', exitCode: 2 })
    expect(r.stderr).toContain('hint: pass --yes to confirm')
    expect(await appStatus(app.appId)).toBe(200)
  })

  it('a dry run marks nothing with ✓ (it deletes nothing)', async () => {
    const home = tempDir()
    await createApp('del-dry', home)
    const r = await runCli(['okta', 'delete-app', '--profile', 'del-dry', '--dry-run'], { env: { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home } })
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/^- app "[^"]+" \S+: would delete$/m)
    expect(r.stderr).not.toContain('✓')
  })

  it('on a terminal: lists exactly what, Enter keeps everything (default No), y deletes', async () => {
    const home = tempDir()
    const app = await createApp('del-tty', home)
    const env = { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home }
    const no = await runOnTerminal(['okta', 'delete-app', '--profile', 'del-tty'], [{ expect: /\(y\/N\)/, send: KEY.enter }], { env })
    expect(no.screen).toContain(`This will delete 3 Okta object(s) of profile "del-tty" in ${sandbox().orgUrl}:`)
    expect(no.screen).toContain(`  - app "spa (del-tty.example.com)" ${app.appId}`)
    expect(no.screen).toContain('nothing deleted')
    expect(no.code).toBe(0)
    expect(await appStatus(app.appId)).toBe(200)
    const yes = await runOnTerminal(['okta', 'delete-app', '--profile', 'del-tty'], [{ expect: /\(y\/N\)/, send: `y${KEY.enter}` }], { env })
    expect(yes.code).toBe(0)
    expect(yes.screen).toContain('deleted 3 object(s) of profile del-tty')
    expect(await appStatus(app.appId)).toBe(404)
  })

  it('Ctrl-C at the confirmation: exit 130 and what it left behind, never "this is a bug"', async () => {
    const home = tempDir()
    const app = await createApp('del-int', home)
    const r = await runOnTerminal(['okta', 'delete-app', '--profile', 'del-int'], [{ expect: /\(y\/N\)/, send: KEY.ctrlC }], {
      env: { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home },
    })
    expect(r.code).toBe(130)
    expect(r.screen).toContain('interrupted; nothing was changed')
    expect(r.screen).not.toContain('bug')
    expect(await appStatus(app.appId)).toBe(200)
  })
})

describe('Ctrl-C inside other prompts', { timeout: 60_000 }, () => {
  it('okta configure at the org URL prompt: exit 130, nothing saved', async () => {
    const home = tempDir()
    const r = await runOnTerminal(['okta', 'configure'], [{ expect: /Okta org URL/, send: KEY.ctrlC }], { env: { OIDC_SETUP_CONFIG_DIR: home } })
    expect(r.code).toBe(130)
    expect(r.screen).toContain('interrupted; nothing was changed')
    expect(r.screen).not.toContain('bug')
  })
})

describe('render-config --force replaces files only after a confirmation', { timeout: 60_000 }, () => {
  const args = (out: string) => ['render-config', '--target', 'kestra', '--issuer', 'https://example.okta.com', '--client-id', '0oa1', '--secret-ref', 'env', '--base-url', 'https://kestra.example.com', '--out', out, '--force']

  it('on a terminal it names the file; Enter keeps it', async () => {
    const out = tempDir()
    writeFileSync(path.join(out, 'application.yaml'), '# mine\n')
    const r = await runOnTerminal(args(out), [{ expect: /\(y\/N\)/, send: KEY.enter }])
    expect(r.screen).toContain(`This will replace 1 existing file(s) in ${out} (a .bak copy of each is kept):`)
    expect(r.screen).toContain(`  - ${path.join(out, 'application.yaml')}`)
    expect(r.screen).toContain('nothing written')
    expect(readFileSync(path.join(out, 'application.yaml'), 'utf8')).toBe('# mine\n')
  })

  it('a new file needs no confirmation', async () => {
    const r = await runCli(args(tempDir()))
    expect(r.code).toBe(0)
  })
})

describe('doctor --fix', () => {
  it('off a terminal without --yes shows the plan, then refuses with exit 2 and changes nothing', async () => {
    const home = tempDir()
    const app = await createApp('fix-pipe', home)
    const api = (method: string, body?: unknown) =>
      fetch(`${sandbox().orgUrl}/api/v1/apps/${app.appId}`, {
        method,
        headers: { Authorization: `SSWS ${sandbox().apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }).then((res) => res.json() as Promise<Json>)
    const current = await api('GET')
    current.settings.oauthClient.redirect_uris = ['https://elsewhere.example.com/cb']
    await api('PUT', current)
    const r = await runCli(['doctor', '--profile', 'fix-pipe', '--fix'], { env: { ...oktaEnv(), ...fileStore, OIDC_SETUP_CONFIG_DIR: home } })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('plan:')
    expect(r.stderr).toContain('needs confirmation, and this is not a terminal')
    expect((await api('GET')).settings.oauthClient.redirect_uris).toEqual(['https://elsewhere.example.com/cb'])
  })
})

describe('--quiet and help', () => {
  it('--quiet keeps results and drops the explanations', async () => {
    const out = tempDir()
    const args = ['render-config', '--target', 'kestra', '--issuer', 'https://example.okta.com', '--client-id', '0oa1', '--secret-ref', 'env', '--base-url', 'https://kestra.example.com', '--out', out]
    const loud = await runCli(args)
    expect(loud.stderr).toContain('Register in Okta')
    const quiet = await runCli(['--quiet', ...args, '--force', '--yes'])
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout).toBe(`${path.join(out, 'application.yaml')}\n`)
  })

  it('help <command> <subcommand> shows the subcommand', async () => {
    const r = await runCli(['help', 'okta', 'create-app'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: oidc-setup okta create-app/)
    const bad = await runCli(['help', 'okta', 'nope'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('error: unknown command "okta nope"\nhint: oidc-setup help okta lists the commands\n')
  })
})
