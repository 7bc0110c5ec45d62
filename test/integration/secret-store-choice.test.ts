import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

// The file store is opt-in; once a command stored secrets there on the user's explicit choice, later commands in
// the same config home read them from there without repeating the flag.
const { sandbox } = useSandbox()

describe('the chosen secret store is remembered per config home', () => {
  it('configure --secret-store file, then create-app without the flag finds the API token', async () => {
    const home = tempDir()
    const env = { OIDC_SETUP_SECRET_STORE: undefined, SANDBOX_TOKEN: sandbox().apiToken }
    const configure = await runMain(
      ['okta', 'configure', '--org-url', sandbox().orgUrl, '--api-token-env', 'SANDBOX_TOKEN', '--secret-store', 'file'],
      { env, configHome: home },
    )
    expect(configure.stderr).not.toContain('error:')
    expect(configure.code).toBe(0)
    const settings = path.join(home, 'settings.json')
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ secretStore: 'file' })
    expect(statSync(settings).mode & 0o777).toBe(0o600)

    const create = await runMain(['okta', 'create-app', '--target', 'service', '--name', 'remembered-store', '--json'], { env, configHome: home })
    expect(create.stderr).not.toContain('error:')
    expect(create.code).toBe(0)
    expect(JSON.parse(readFileSync(path.join(home, 'secrets.json'), 'utf8'))).toHaveProperty(['profile:service-remembered-store:client-secret'])
  })
})
