// `token` on the built CLI in each state a stored login can be in: inside the refresh margin without a refresh
// token (issue 10: still valid, so it is printed with a warning), expired, not logged in, and the issuer out of
// reach (issue 11: exit 5 with the URL, never "run login").
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { secretKeys } from '../../src/domain/profile.js'
import { serializeTokenSet, toStoredTokenSet } from '../../src/domain/token-set.js'
import { runCli, tempDir } from '../helpers/cli.js'

// Nothing listens on port 9 (discard): connections are refused at once.
const AWAY = 'http://127.0.0.1:9'

function home(expiresIn: number | undefined, refreshToken?: string): string {
  const dir = tempDir('oidc-setup-token-')
  mkdirSync(path.join(dir, 'profiles'), { recursive: true })
  writeFileSync(path.join(dir, 'profiles', 'cli.json'), JSON.stringify({ issuer: AWAY, clientId: '0oaCli', target: 'cli' }))
  const secrets: Record<string, string> = {}
  if (expiresIn !== undefined) {
    const set = toStoredTokenSet(
      { accessToken: 'at-value-1234', expiresIn, ...(refreshToken ? { refreshToken } : {}) },
      { issuer: AWAY, clientId: '0oaCli', requestedScopes: ['openid'], nowSeconds: Math.floor(Date.now() / 1000) },
    )
    secrets[secretKeys.tokenSet('cli')] = serializeTokenSet(set)
  }
  writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(secrets), { mode: 0o600 })
  return dir
}

const token = (dir: string, extra: string[] = []) =>
  runCli(['token', '--profile', 'cli', ...extra], { env: { OIDC_SETUP_CONFIG_DIR: dir, OIDC_SETUP_SECRET_STORE: 'file' } })

describe('token', () => {
  it('valid for 30 s, inside the 60 s margin, no refresh token: prints it and warns on stderr (issue 10)', async () => {
    const r = await token(home(30))
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('at-value-1234\n')
    expect(r.stderr).toMatch(/^warning: the access token of profile "cli" expires in (29|30) s and there is no refresh token to renew it; run `oidc-setup login --profile cli` for a new one\n$/)
  })

  it('expired without a refresh token: exit 4, ERR_NOT_LOGGED_IN', async () => {
    const r = await token(home(-10), ['--json'])
    expect(r.code).toBe(4)
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'ERR_NOT_LOGGED_IN', exitCode: 4 })
  })

  it('never logged in: exit 4, ERR_NOT_LOGGED_IN, "run login"', async () => {
    const r = await token(home(undefined), ['--json'])
    expect(r.code).toBe(4)
    expect(JSON.parse(r.stdout).error).toEqual({
      code: 'ERR_NOT_LOGGED_IN',
      message: 'not logged in with profile "cli"',
      hint: 'run `oidc-setup login --profile cli`',
      exitCode: 4,
    })
  })

  it('expired, issuer out of reach: exit 5 naming the URL, ERR_UNREACHABLE, and no "run login"', async () => {
    const r = await token(home(-10, 'rt-value-5678'))
    expect(r.code).toBe(5)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain(`error: could not refresh the token of profile "cli": ${AWAY} cannot be reached\n`)
    expect(r.stderr).toContain(`hint: check the network connection (and any proxy) to ${AWAY}; you are still logged in`)
    expect(r.stderr).not.toContain('login')
    expect(r.stderr).not.toContain('rt-value-5678')
  })

  it('inside the margin, issuer out of reach: the current token, with a warning', async () => {
    const r = await token(home(30, 'rt-value-5678'))
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('at-value-1234\n')
    expect(r.stderr).toMatch(/^warning: could not refresh the token of profile "cli": http:\/\/127\.0\.0\.1:9 cannot be reached; the current one is valid for (29|30) s more\n$/)
  })
})
