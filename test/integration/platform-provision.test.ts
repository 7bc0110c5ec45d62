import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sandbox } from '../../src/sandbox/index.js'
import { requireTarget } from '../../src/targets/index.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'

// okta create-app for the platform targets against the sandbox, read back through the Management API; a re-run
// writes nothing. The groups claim these targets read comes from --groups-claim on their custom server.
let sandbox: Sandbox

beforeAll(async () => {
  const { startSandbox } = await import('../../src/sandbox/index.js')
  sandbox = await startSandbox()
})

afterAll(async () => {
  await sandbox?.close()
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function api<T = Json>(path: string): Promise<T> {
  const res = await fetch(`${sandbox.orgUrl}${path}`, { headers: { Authorization: `SSWS ${sandbox.apiToken}`, Accept: 'application/json' } })
  expect(res.status, `GET ${path}`).toBe(200)
  return (await res.json()) as T
}

describe('platform targets: okta create-app against the sandbox', () => {
  it.each(['oauth2-proxy', 'grafana', 'vault', 'argocd'])('%s: app, policy and groups claim as required; a re-run writes nothing', async (name) => {
    const home = tempDir('oidc-setup-home-')
    const baseUrl = `https://${name}.platform.example.com`
    const args = ['okta', 'create-app', '--target', name, '--base-url', baseUrl, '--profile', `p-${name}`, '--groups-claim', '--json']
    const env = { OKTA_CLIENT_ORGURL: sandbox.orgUrl, OKTA_CLIENT_TOKEN: sandbox.apiToken }
    const first = await runMain(args, { env, configHome: home })
    expect(first.stderr).not.toMatch(/^error/m)
    expect(first.code).toBe(0)
    const result = JSON.parse(first.stdout) as Json
    const req = requireTarget(name).requirements({ baseUrl: new URL(baseUrl) })
    const app = await api(`/api/v1/apps/${result.appId}`)
    expect(app.settings.oauthClient.application_type).toBe(req.applicationType)
    expect([...app.settings.oauthClient.redirect_uris].sort()).toEqual([...req.redirectUris].sort())
    expect([...app.settings.oauthClient.grant_types].sort()).toEqual([...req.grantTypes].sort())
    expect(app.credentials.oauthClient.pkce_required).toBe(req.pkceRequired)
    const serverId = result.authServerId as string
    expect(serverId).not.toBe('org')
    const claims = await api<Json[]>(`/api/v1/authorizationServers/${serverId}/claims`)
    expect(claims.find((c) => c.name === 'groups' && c.claimType === 'IDENTITY')).toBeDefined()
    const policies = await api<Json[]>(`/api/v1/authorizationServers/${serverId}/policies`)
    expect(policies.some((p) => p.conditions?.clients?.include?.includes(app.credentials.oauthClient.client_id))).toBe(true)

    const mark = sandbox.requestLog.length
    const second = await runMain(args, { env, configHome: home })
    expect(second.code).toBe(0)
    const writes = sandbox.requestLog.slice(mark).filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET')
    expect(writes).toEqual([])
    expect((JSON.parse(second.stdout) as Json).changes.filter((c: Json) => c.action !== 'unchanged')).toEqual([])
  })
})
