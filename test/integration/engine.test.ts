// The reconcile engine (issue 9) against the sandbox over HTTP: drift made behind the tool's back, list semantics,
// doctor --fix from the intent, deletes that never guess, interrupted applies and many apps in one run.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { AppIntent } from '../../src/domain/intent.js'
import { nodeFileSystem } from '../../src/infra/fs.js'
import { createOktaAdmin } from '../../src/infra/okta-admin.js'
import { FileProfileStore } from '../../src/infra/profile-store.js'
import { FileSecretStore } from '../../src/infra/secret-store.js'
import { requireTarget } from '../../src/targets/index.js'
import { applyPlan, planApps, planJson, renderPlan, type EngineContext } from '../../src/usecases/engine/index.js'
import { tempDir } from '../helpers/cli.js'
import { runMain } from '../helpers/run-main.js'
import { useSandbox } from '../helpers/sandbox.js'

const { sandbox, oktaEnv } = useSandbox()

beforeEach(() => {
  sandbox().faults.clear()
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

async function api<T = Json>(method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox().orgUrl}${p}`, {
    method,
    headers: { Authorization: `SSWS ${sandbox().apiToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  if (!res.ok) {
    throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`)
  }
  const text = await res.text()
  return (text ? JSON.parse(text) : {}) as T
}

function cli(args: string[], home: string) {
  return runMain(args, { env: oktaEnv(), configHome: home })
}

async function createApp(args: string[], home: string): Promise<Json> {
  const r = await cli(['okta', 'create-app', ...args, '--json'], home)
  expect(r.stderr).not.toMatch(/^error/m)
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Json
}

function writes(since: number): number {
  return sandbox().requestLog.slice(since).filter((e) => e.path.startsWith('/api/v1/') && e.method !== 'GET').length
}

async function ourRule(serverId: string, label: string): Promise<{ policy: Json; rule: Json | undefined }> {
  const policies = await api<Json[]>('GET', `/api/v1/authorizationServers/${serverId}/policies`)
  const policy = policies.find((p) => p.name === `oidc-setup: ${label}`) as Json
  const rules = await api<Json[]>('GET', `/api/v1/authorizationServers/${serverId}/policies/${policy.id}/rules`)
  return { policy, rule: rules.find((r) => r.name === 'oidc-setup: allow assigned users') }
}

describe('drift made behind the tool\'s back', () => {
  it('a changed redirect URI, a removed grant, a deleted rule and a removed group assignment appear in the plan with values, and apply repairs them', async () => {
    const home = tempDir('oidc-setup-home-')
    await api('POST', '/api/v1/groups', { profile: { name: 'drift-eng' } })
    const label = 'drift web'
    const args = ['--target', 'web', '--base-url', 'https://drift.example.com', '--profile', 'drift', '--name', label, '--assign-group', 'drift-eng']
    const created = await createApp(args, home)
    const appId = created.appId as string
    const groups = await api<Json[]>('GET', `/api/v1/apps/${appId}/groups`)
    expect(groups).toHaveLength(1)

    // Behind the tool's back: the redirect URI is replaced, refresh_token leaves the app, the rule is deleted, the
    // group is unassigned.
    const app = await api('GET', `/api/v1/apps/${appId}`)
    app.settings.oauthClient.redirect_uris = ['https://drift.example.com/elsewhere']
    await api('PUT', `/api/v1/apps/${appId}`, app)
    const { policy, rule } = await ourRule('default', label)
    await api('DELETE', `/api/v1/authorizationServers/default/policies/${policy.id}/rules/${rule?.id}`)
    await api('DELETE', `/api/v1/apps/${appId}/groups/${groups[0]?.id}`)

    const dry = await cli(['okta', 'create-app', ...args, '--dry-run', '--json'], home)
    expect(dry.code).toBe(0)
    // Text plan on stderr, with values.
    expect(dry.stderr).toContain(`~ app "${label}" (${appId})`)
    expect(dry.stderr).toMatch(/redirectUris:\n {8}\+ https:\/\/drift\.example\.com\/callback\n {8}= https:\/\/drift\.example\.com\/elsewhere \(kept, not managed\)/)
    expect(dry.stderr).toContain('+ rule "oidc-setup: allow assigned users"')
    expect(dry.stderr).toContain('+ group-assignment "drift-eng → drift web"')
    // --json: the same plan as a document with values.
    const doc = JSON.parse(dry.stdout) as Json
    const appItem = (doc.plan as Json[]).find((i) => i.kind === 'app')
    expect(appItem?.changes).toContainEqual({
      field: 'redirectUris',
      added: ['https://drift.example.com/callback'],
      kept: ['https://drift.example.com/elsewhere'],
    })
    expect((doc.plan as Json[]).find((i) => i.kind === 'rule')).toMatchObject({ action: 'create', values: { grantTypes: ['authorization_code', 'refresh_token'] } })

    await createApp(args, home)
    const after = await api('GET', `/api/v1/apps/${appId}`)
    expect(after.settings.oauthClient.redirect_uris.sort()).toEqual(['https://drift.example.com/callback', 'https://drift.example.com/elsewhere'])
    expect((await ourRule('default', label)).rule?.conditions.grantTypes.include.sort()).toEqual(['authorization_code', 'refresh_token'])
    expect((await api<Json[]>('GET', `/api/v1/apps/${appId}/groups`)).map((g) => g.id)).toEqual([groups[0]?.id])
  })

  it('a grant removed from the rule is put back, and a grant added to the app in the console is shown with its value and removed', async () => {
    const home = tempDir('oidc-setup-home-')
    const label = 'widened web'
    const args = ['--target', 'web', '--base-url', 'https://widened.example.com', '--profile', 'widened', '--name', label]
    const created = await createApp(args, home)
    const app = await api('GET', `/api/v1/apps/${created.appId}`)
    app.settings.oauthClient.grant_types = [...app.settings.oauthClient.grant_types, 'client_credentials']
    await api('PUT', `/api/v1/apps/${created.appId}`, app)
    const { policy, rule } = await ourRule('default', label)
    await api('PUT', `/api/v1/authorizationServers/default/policies/${policy.id}/rules/${rule?.id}`, {
      ...rule,
      conditions: { ...rule?.conditions, grantTypes: { include: ['authorization_code'] } },
    })

    const dry = await cli(['okta', 'create-app', ...args, '--dry-run'], home)
    expect(dry.stderr).toMatch(/grantTypes:\n {8}- client_credentials/)
    expect(dry.stderr).toMatch(/~ rule "oidc-setup: allow assigned users" \([^)]+\)\n {6}grantTypes:\n {8}\+ refresh_token/)
    await createApp(args, home)
    expect((await api('GET', `/api/v1/apps/${created.appId}`)).settings.oauthClient.grant_types.sort()).toEqual(['authorization_code', 'refresh_token'])
    expect((await ourRule('default', label)).rule?.conditions.grantTypes.include.sort()).toEqual(['authorization_code', 'refresh_token'])
  })

  it('a redirect URI added in the console survives a re-run and shows as kept; lists: exact removes it', async () => {
    const home = tempDir('oidc-setup-home-')
    const args = ['--target', 'kestra', '--base-url', 'https://kept.example.com', '--profile', 'kept']
    const created = await createApp(args, home)
    const app = await api('GET', `/api/v1/apps/${created.appId}`)
    app.settings.oauthClient.redirect_uris = [...app.settings.oauthClient.redirect_uris, 'https://console.example.com/cb']
    await api('PUT', `/api/v1/apps/${created.appId}`, app)
    const mark = sandbox().requestLog.length
    const again = await cli(['okta', 'create-app', ...args], home)
    expect(again.code).toBe(0)
    expect(writes(mark)).toBe(0)
    expect(again.stderr).toContain(`= app "kestra (kept.example.com)" (${created.appId}) redirectUris: https://console.example.com/cb (kept, not managed)`)
    expect((await api('GET', `/api/v1/apps/${created.appId}`)).settings.oauthClient.redirect_uris).toContain('https://console.example.com/cb')

    // The same intent with exact lists removes it, and says so with its value first.
    const ctx = await engineContext(home)
    const intent = { ...(await profileIntent(home, 'kept')), lists: 'exact' as const }
    const plan = await planApps([intent], ctx)
    expect(renderPlan(plan)).toMatch(/redirectUris:\n {8}- https:\/\/console\.example\.com\/cb/)
    await applyPlan(plan, ctx)
    expect((await api('GET', `/api/v1/apps/${created.appId}`)).settings.oauthClient.redirect_uris).not.toContain('https://console.example.com/cb')
  })
})

describe('doctor --fix reads the intent', () => {
  it('keeps a custom redirect URI and repairs a missing groups claim (also for a profile written before intents)', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await createApp(
      ['--target', 'web', '--base-url', 'https://a.example', '--redirect-uri', 'https://a.example/auth/cb', '--profile', 'fixme', '--name', 'fix me', '--auth-server', 'new', '--groups-claim', '--scope', 'groups'],
      home,
    )
    const sid = created.authServerId as string
    const claims = await api<Json[]>('GET', `/api/v1/authorizationServers/${sid}/claims`)
    const groups = claims.find((c) => c.name === 'groups')
    expect(groups).toBeDefined()
    await api('DELETE', `/api/v1/authorizationServers/${sid}/claims/${groups?.id}`)
    // A profile from before intents were kept: the intent must be reconstructed from what it holds.
    const file = path.join(home, 'profiles', 'fixme.json')
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Json
    delete profile.intent
    writeFileSync(file, JSON.stringify(profile))

    const fixed = await cli(['doctor', '--profile', 'fixme', '--fix', '--yes'], home)
    expect(fixed.stderr).toContain('assumed: the profile was written before intents were kept')
    expect(fixed.stderr).toContain('+ claim "groups"')
    expect(fixed.stderr).not.toContain('redirectUris')
    expect((await api<Json[]>('GET', `/api/v1/authorizationServers/${sid}/claims`)).map((c) => c.name)).toContain('groups')
    expect((await api('GET', `/api/v1/apps/${created.appId}`)).settings.oauthClient.redirect_uris).toEqual(['https://a.example/auth/cb'])
  })
})

describe('deletes that never guess', () => {
  it('a lookup failing half-way deletes nothing shared, exits non-zero, says what could not be confirmed, and the profile keeps it', async () => {
    const home = tempDir('oidc-setup-home-')
    const created = await createApp(['--target', 'service', '--profile', 'del-fault', '--name', 'del fault', '--auth-server', 'new'], home)
    const sid = created.authServerId as string
    const scopesBefore = (await api<Json[]>('GET', `/api/v1/authorizationServers/${sid}/scopes`)).map((s) => s.name)
    expect(scopesBefore).toContain('api:access')
    // Every read of the server's policies fails (the executor's retries included).
    sandbox().faults.setErrorRate(1, { path: `/api/v1/authorizationServers/${sid}/policies`, method: 'GET', status: 503 })
    const del = await cli(['okta', 'delete-app', '--profile', 'del-fault', '--yes'], home)
    sandbox().faults.clear()
    expect(del.code).toBe(5)
    expect(del.stderr).toMatch(/error: could not confirm that \d object\(s\) of profile "del-fault" are safe to delete/)
    expect(del.stderr).toContain('scope "api:access"')
    // The shared scope and the server it lives on are still there; the profile still records them.
    expect((await api<Json[]>('GET', `/api/v1/authorizationServers/${sid}/scopes`)).map((s) => s.name)).toContain('api:access')
    expect((await api('GET', `/api/v1/authorizationServers/${sid}`)).id).toBe(sid)
    const kept = JSON.parse(readFileSync(path.join(home, 'profiles', 'del-fault.json'), 'utf8')) as Json
    expect(kept.managed.map((m: Json) => m.type).sort()).toEqual(['authorization-server', 'policy', 'scope'])

    // Once Okta answers, a re-run finishes the job.
    const again = await cli(['okta', 'delete-app', '--profile', 'del-fault', '--yes'], home)
    expect(again.stderr).not.toMatch(/^error/m)
    expect(again.code).toBe(0)
    const gone = await fetch(`${sandbox().orgUrl}/api/v1/authorizationServers/${sid}`, { headers: { Authorization: `SSWS ${sandbox().apiToken}` } })
    expect(gone.status).toBe(404)
  })

  it('keeps a scope another profile of the config home requests', async () => {
    const home = tempDir('oidc-setup-home-')
    await createApp(['--target', 'service', '--profile', 'svc-one', '--name', 'svc one'], home)
    await createApp(['--target', 'service', '--profile', 'svc-two', '--name', 'svc two'], home)
    const del = await cli(['okta', 'delete-app', '--profile', 'svc-one', '--yes'], home)
    expect(del.code).toBe(0)
    expect(del.stderr).toMatch(/left scope "api:access" alone: still requested by profile "svc-two"/)
    expect((await api<Json[]>('GET', '/api/v1/authorizationServers/default/scopes')).map((s) => s.name)).toContain('api:access')
  })
})

describe('okta adopt', () => {
  it('adopts an app made by hand with unusual settings: the first plan shows only what the target needs; nothing changes until apply', async () => {
    const home = tempDir('oidc-setup-home-')
    const label = 'hand made kestra'
    const made = await api('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label,
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
      settings: {
        oauthClient: {
          application_type: 'web',
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: ['https://hand.example.com/sso/done', 'https://hand.example.com/oauth/callback/okta'],
          post_logout_redirect_uris: ['https://hand.example.com/bye'],
        },
        notes: { admin: 'made by Ada in the console' },
      },
    })
    // Ada assigned Everyone in the console: an assignment the spec does not name is kept (not managed).
    const everyone = (await api<Json[]>('GET', '/api/v1/groups?q=Everyone')).find((g) => g.profile.name === 'Everyone')
    await api('PUT', `/api/v1/apps/${made.id}/groups/${everyone?.id}`, {})
    const mark = sandbox().requestLog.length
    const adopted = await cli(['okta', 'adopt', '--label', label, '--target', 'kestra', '--profile', 'hand', '--json'], home)
    expect(adopted.stderr).not.toMatch(/^error/m)
    expect(adopted.code).toBe(0)
    expect(writes(mark)).toBe(0)
    const doc = JSON.parse(adopted.stdout) as Json
    const items = (doc.plan as Json[]).flatMap((g) => g.items as Json[])
    const appItem = items.find((i) => i.kind === 'app')
    // Only what Kestra needs: its sign-out URI, client_secret_basic, no refresh_token; the console URIs are kept.
    expect(appItem?.changes).toEqual(
      expect.arrayContaining([
        { field: 'grantTypes', removed: ['refresh_token'] },
        { field: 'redirectUris', kept: ['https://hand.example.com/sso/done'] },
        { field: 'postLogoutRedirectUris', added: ['https://hand.example.com/logout'], kept: ['https://hand.example.com/bye'] },
        { field: 'tokenEndpointAuthMethod', from: 'client_secret_post', to: 'client_secret_basic' },
        { field: 'notes', added: [expect.stringContaining('managed by oidc-setup (profile hand)')] },
      ]),
    )
    expect(items.filter((i) => i.action !== 'unchanged').map((i) => i.kind)).toEqual(['app'])
    expect(doc.intent).toMatchObject({ name: 'hand', target: 'kestra', label, baseUrl: 'https://hand.example.com' })

    // Adopting it again for another profile is a clear error.
    const twice = await cli(['okta', 'adopt', '--client-id', made.credentials.oauthClient.client_id, '--target', 'kestra', '--profile', 'other'], home)
    expect(twice.code).toBe(2)
    expect(twice.stderr).toContain('is already managed by profile "hand"')

    // Applying the intent (what `apply` does) keeps the console URIs and writes the marker; doctor and delete-app work.
    const ctx = await engineContext(home)
    await applyPlan(await planApps([await profileIntent(home, 'hand')], ctx), ctx)
    const doctor = await cli(['doctor', '--profile', 'hand'], home)
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0)
    const after = await api('GET', `/api/v1/apps/${made.id}`)
    expect(after.settings.oauthClient.redirect_uris).toContain('https://hand.example.com/sso/done')
    expect(after.settings.notes.admin).toMatch(/^made by Ada in the console\nmanaged by oidc-setup \(profile hand\)/)
    const del = await cli(['okta', 'delete-app', '--profile', 'hand', '--yes'], home)
    expect(del.code).toBe(0)
    expect((await fetch(`${sandbox().orgUrl}/api/v1/apps/${made.id}`, { headers: { Authorization: `SSWS ${sandbox().apiToken}` } })).status).toBe(404)
  })
})

describe('interrupted applies converge', () => {
  it('a connection dropped mid-apply (after the write), then a re-run: exactly one of each object', async () => {
    const home = tempDir('oidc-setup-home-')
    const label = 'dropped web'
    const args = ['--target', 'spa', '--base-url', 'https://dropped.example.com', '--profile', 'dropped', '--name', label, '--auth-server', 'new']
    // The policy's create reaches Okta, the answer never comes back; then the rule's create fails outright.
    sandbox().faults.once({ kind: 'drop', when: 'after', path: /^\/api\/v1\/authorizationServers\/[^/]+\/policies$/, method: 'POST' })
    sandbox().faults.setErrorRate(1, { path: /\/rules$/, method: 'POST', status: 400 })
    const first = await cli(['okta', 'create-app', ...args], home)
    expect(first.code).toBe(5)
    sandbox().faults.clear()
    await createApp(args, home)
    const apps = (await api<Json[]>('GET', `/api/v1/apps?q=${encodeURIComponent(label)}`)).filter((a) => a.label === label)
    expect(apps).toHaveLength(1)
    const servers = (await api<Json[]>('GET', `/api/v1/authorizationServers?q=${encodeURIComponent(label)}`)).filter((s) => s.name === label)
    expect(servers).toHaveLength(1)
    const sid = servers[0]?.id as string
    expect((await api<Json[]>('GET', `/api/v1/authorizationServers/${sid}/policies`)).filter((p) => p.name === `oidc-setup: ${label}`)).toHaveLength(1)
    const { rule } = await ourRule(sid, label)
    expect(rule).toBeDefined()
    expect((await api<Json[]>('GET', '/api/v1/trustedOrigins')).filter((o) => o.origin === 'https://dropped.example.com')).toHaveLength(1)
  })
})

describe('many apps in one run', () => {
  it('plans five targets at once, a shared custom scope once, and a re-run writes nothing', async () => {
    const home = tempDir('oidc-setup-home-')
    const ctx = await engineContext(home)
    const intent = (name: string, target: string, extra: Partial<AppIntent> = {}): AppIntent => ({
      name,
      target,
      baseUrl: target === 'service' || target === 'cli' ? undefined : `https://${name}.multi.example.com`,
      label: `multi ${name}`,
      scopes: [],
      assign: { groups: ['Everyone'], users: [] },
      trustedOrigins: [],
      settings: {},
      ...extra,
    })
    const intents = [
      intent('m-galaxy', 'galaxy'),
      intent('m-kestra', 'kestra'),
      intent('m-web', 'web', { scopes: ['multi:read'] }),
      intent('m-spa', 'spa', { scopes: ['multi:read'] }),
      intent('m-svc', 'service', { scopes: ['multi:read'] }),
    ]
    const plan = await planApps(intents, ctx)
    const scopeItems = plan.items.filter((i) => i.kind === 'scope' && i.name === 'multi:read')
    expect(scopeItems).toEqual([expect.objectContaining({ app: 'shared', action: 'create' })])
    expect(renderPlan(plan)).toContain('shared objects\n  + scope "multi:read"')
    const applied = await applyPlan(plan, ctx)
    expect(applied.apps.every((a) => a.clientId)).toBe(true)
    const mark = sandbox().requestLog.length
    const again = await planApps(intents, ctx)
    expect(planJson(again).changes).toBe(false)
    const reads = sandbox().requestLog.slice(mark).filter((e) => e.path.startsWith('/api/v1/'))
    expect(reads.every((e) => e.method === 'GET')).toBe(true)
    // One listing of apps, not one lookup per app.
    expect(reads.filter((e) => e.path === '/api/v1/apps')).toHaveLength(1)
  })
})

async function engineContext(home: string): Promise<EngineContext> {
  return {
    admin: await createOktaAdmin({ orgUrl: sandbox().orgUrl, auth: { mode: 'SSWS', token: sandbox().apiToken }, source: 'test' } as never),
    profiles: new FileProfileStore(nodeFileSystem, home),
    secretStore: async () => new FileSecretStore(nodeFileSystem, home),
    clock: { now: () => new Date(), sleep: async () => undefined },
    target: requireTarget,
  }
}

async function profileIntent(home: string, name: string): Promise<AppIntent> {
  const profile = await new FileProfileStore(nodeFileSystem, home).get(name)
  if (!profile?.intent) {
    throw new Error(`profile ${name} has no intent`)
  }
  return profile.intent
}
