import { totpCode } from '../../src/infra/totp.js'
import { ManagementApiError } from '../../src/domain/errors.js'
import type {
  AuthServer,
  Claim,
  Group,
  OidcApp,
  Policy,
  Rule,
  Scope,
  TrustedOrigin,
  User,
} from '../../src/domain/okta-model.js'
import type { OktaAdmin } from '../../src/infra/okta-admin.js'

/**
 * A hand-written in-memory OktaAdmin for use case unit tests: records every call (`calls`, writes in `writes`)
 * and can fail a chosen method once (`failOnce`), optionally after doing the work (a dropped connection).
 */
export class FakeOktaAdmin implements OktaAdmin {
  readonly orgUrl = 'https://fake.okta.test'
  readonly calls: string[] = []
  apps: OidcApp[] = []
  servers: AuthServer[] = [
    { id: 'default', name: 'default', audiences: ['api://default'], issuer: 'https://fake.okta.test/oauth2/default', status: 'ACTIVE' },
  ]
  scopes = new Map<string, Scope[]>([['default', [{ id: 'scp-openid', name: 'openid', default: false, system: true, metadataPublish: 'ALL_CLIENTS', consent: 'IMPLICIT' }]]])
  claims = new Map<string, Claim[]>()
  policies = new Map<string, Policy[]>([['default', [{ id: 'pol-default', name: 'Default Policy', description: 'Default', status: 'ACTIVE', clientIds: ['ALL_CLIENTS'], priority: 1, system: true }]]])
  rules = new Map<string, Rule[]>()
  groups: Group[] = [{ id: 'grp-everyone', name: 'Everyone', type: 'BUILT_IN' }]
  users: User[] = [{ id: 'usr-1', login: 'ada@example.com', status: 'ACTIVE' }]
  appGroups = new Map<string, string[]>()
  appUsers = new Map<string, string[]>()
  origins: TrustedOrigin[] = []
  secrets = new Map<string, string>()
  private seq = 0
  private failures = new Map<string, { after: boolean; status: number | undefined }>()

  /**
   * Makes the next call of `method` fail: by default transiently (a dropped connection; with `after`, the work is
   * done first), or with an Okta HTTP `status`.
   */
  failOnce(method: string, after = false, status?: number): void {
    this.failures.set(method, { after, status })
  }

  get writes(): string[] {
    return this.calls.filter((c) => /^(create|update|delete|assign|unassign|activate)/.test(c))
  }

  private id(prefix: string): string {
    return `${prefix}${String(++this.seq).padStart(4, '0')}`
  }

  private async run<T>(method: string, work: () => T): Promise<T> {
    this.calls.push(method)
    const failure = this.failures.get(method)
    if (failure) {
      this.failures.delete(method)
      if (failure.after) {
        work()
      }
      throw failure.status === undefined
        ? new ManagementApiError(`could not ${method}: connection dropped`, { url: this.orgUrl })
        : new ManagementApiError(`could not ${method}: HTTP ${failure.status}`, { status: failure.status, url: this.orgUrl })
    }
    return work()
  }

  findAppsByLabel(label: string) {
    return this.run('findAppsByLabel', () => this.apps.filter((a) => a.label === label).map((a) => ({ ...a, clientSecret: undefined })))
  }
  getApp(appId: string) {
    return this.run('getApp', () => this.apps.find((a) => a.id === appId))
  }
  listApps() {
    return this.run('listApps', () => [...this.apps])
  }
  createApp(spec: Parameters<OktaAdmin['createApp']>[0]) {
    return this.run('createApp', () => {
      const id = this.id('0oa')
      const secret = spec.tokenEndpointAuthMethod === 'none' ? undefined : `secret-${id}-xxxxxxxxxxxx`
      if (secret) {
        this.secrets.set(id, secret)
      }
      const app: OidcApp = { ...spec, id, clientId: id, status: 'ACTIVE' }
      this.apps.push(app)
      return { ...app, clientSecret: secret }
    })
  }
  updateApp(appId: string, spec: Parameters<OktaAdmin['updateApp']>[1]) {
    return this.run('updateApp', () => {
      const app = this.apps.find((a) => a.id === appId)
      if (!app) {
        throw new ManagementApiError('not found', { status: 404 })
      }
      Object.assign(app, { ...spec, notes: app.notes ?? spec.notes })
      return { ...app }
    })
  }
  activateApp(appId: string) {
    return this.run('activateApp', () => {
      const app = this.apps.find((a) => a.id === appId)
      if (app) {
        app.status = 'ACTIVE'
      }
    })
  }
  deleteApp(appId: string) {
    return this.run('deleteApp', () => {
      this.apps = this.apps.filter((a) => a.id !== appId)
    })
  }
  listClientSecrets(appId: string) {
    return this.run('listClientSecrets', () => {
      const v = this.secrets.get(appId)
      return v ? [{ id: 'sec1', status: 'ACTIVE', value: v }] : []
    })
  }
  createClientSecret(appId: string) {
    return this.run('createClientSecret', () => {
      this.secrets.set(appId, `secret-${appId}-2`)
      return { id: 'sec2', status: 'ACTIVE', value: `secret-${appId}-2` }
    })
  }
  setClientSecretStatus(_appId: string, secretId: string, status: 'ACTIVE' | 'INACTIVE') {
    return this.run('setClientSecretStatus', () => ({ id: secretId, status, value: '' }))
  }
  deleteClientSecret() {
    return this.run('deleteClientSecret', () => undefined)
  }
  listJwks() {
    return this.run('listJwks', () => [])
  }
  addJwk(_appId: string, jwk: Record<string, string>) {
    return this.run('addJwk', () => ({ id: 'pks1', kid: jwk.kid ?? '', status: 'ACTIVE' }))
  }
  setJwkStatus(_appId: string, keyId: string, status: 'ACTIVE' | 'INACTIVE') {
    return this.run('setJwkStatus', () => ({ id: keyId, kid: '', status }))
  }
  deleteJwk() {
    return this.run('deleteJwk', () => undefined)
  }
  listAppGroupIds(appId: string) {
    return this.run('listAppGroupIds', () => [...(this.appGroups.get(appId) ?? [])])
  }
  assignGroup(appId: string, groupId: string) {
    return this.run('assignGroup', () => {
      this.appGroups.set(appId, [...new Set([...(this.appGroups.get(appId) ?? []), groupId])])
    })
  }
  listAppUserIds(appId: string) {
    return this.run('listAppUserIds', () => [...(this.appUsers.get(appId) ?? [])])
  }

  isUserAssigned(appId: string, userId: string) {
    return this.run('isUserAssigned', () => (this.appUsers.get(appId) ?? []).includes(userId))
  }
  assignUser(appId: string, userId: string) {
    return this.run('assignUser', () => {
      this.appUsers.set(appId, [...(this.appUsers.get(appId) ?? []), userId])
    })
  }
  unassignGroup(appId: string, groupId: string) {
    return this.run('unassignGroup', () => {
      this.appGroups.set(appId, (this.appGroups.get(appId) ?? []).filter((g) => g !== groupId))
    })
  }
  listGroupAppIds(groupId: string) {
    return this.run('listGroupAppIds', () => [...this.appGroups].filter(([, groups]) => groups.includes(groupId)).map(([appId]) => appId))
  }
  listAuthServers() {
    return this.run('listAuthServers', () => [...this.servers])
  }
  getAuthServer(id: string) {
    return this.run('getAuthServer', () => this.servers.find((s) => s.id === id))
  }
  findAuthServersByName(name: string) {
    return this.run('findAuthServersByName', () => this.servers.filter((s) => s.name === name))
  }
  createAuthServer(spec: Parameters<OktaAdmin['createAuthServer']>[0]) {
    return this.run('createAuthServer', () => {
      const id = this.id('aus')
      const server: AuthServer = { ...spec, id, issuer: `${this.orgUrl}/oauth2/${id}`, status: 'ACTIVE' }
      this.servers.push(server)
      this.policies.set(id, [])
      this.scopes.set(id, [])
      return server
    })
  }
  deleteAuthServer(id: string) {
    return this.run('deleteAuthServer', () => {
      this.servers = this.servers.filter((s) => s.id !== id)
    })
  }
  listScopes(serverId: string) {
    return this.run('listScopes', () => [...(this.scopes.get(serverId) ?? [])])
  }
  createScope(serverId: string, spec: Parameters<OktaAdmin['createScope']>[1]) {
    return this.run('createScope', () => {
      const scope: Scope = { ...spec, id: this.id('scp'), system: false }
      this.scopes.set(serverId, [...(this.scopes.get(serverId) ?? []), scope])
      return scope
    })
  }
  deleteScope(serverId: string, scopeId: string) {
    return this.run('deleteScope', () => {
      this.scopes.set(serverId, (this.scopes.get(serverId) ?? []).filter((s) => s.id !== scopeId))
    })
  }
  listClaims(serverId: string) {
    return this.run('listClaims', () => [...(this.claims.get(serverId) ?? [])])
  }
  createClaim(serverId: string, spec: Parameters<OktaAdmin['createClaim']>[1]) {
    return this.run('createClaim', () => {
      const claim: Claim = { ...spec, id: this.id('ocl') }
      this.claims.set(serverId, [...(this.claims.get(serverId) ?? []), claim])
      return claim
    })
  }
  updateClaim(serverId: string, claimId: string, spec: Parameters<OktaAdmin['updateClaim']>[2]) {
    return this.run('updateClaim', () => {
      const list = this.claims.get(serverId) ?? []
      const at = list.findIndex((c) => c.id === claimId)
      const updated = { ...spec, id: claimId }
      list[at] = updated
      return updated
    })
  }
  deleteClaim(serverId: string, claimId: string) {
    return this.run('deleteClaim', () => {
      this.claims.set(serverId, (this.claims.get(serverId) ?? []).filter((c) => c.id !== claimId))
    })
  }
  listPolicies(serverId: string) {
    return this.run('listPolicies', () => [...(this.policies.get(serverId) ?? [])])
  }
  createPolicy(serverId: string, spec: Parameters<OktaAdmin['createPolicy']>[1]) {
    return this.run('createPolicy', () => {
      const policy: Policy = { ...spec, id: this.id('pol'), priority: 1, system: false }
      this.policies.set(serverId, [policy, ...(this.policies.get(serverId) ?? [])])
      return policy
    })
  }
  updatePolicy(serverId: string, policy: Policy, spec: Parameters<OktaAdmin['updatePolicy']>[2]) {
    return this.run('updatePolicy', () => {
      const p = (this.policies.get(serverId) ?? []).find((x) => x.id === policy.id)
      Object.assign(p ?? {}, spec)
      return { ...policy, ...spec }
    })
  }
  deletePolicy(serverId: string, policyId: string) {
    return this.run('deletePolicy', () => {
      this.policies.set(serverId, (this.policies.get(serverId) ?? []).filter((p) => p.id !== policyId))
      this.rules.delete(policyId)
    })
  }
  listRules(_serverId: string, policyId: string) {
    return this.run('listRules', () => [...(this.rules.get(policyId) ?? [])])
  }
  createRule(_serverId: string, policyId: string, spec: Parameters<OktaAdmin['createRule']>[2]) {
    return this.run('createRule', () => {
      const rule: Rule = { ...spec, id: this.id('rul'), priority: 1, system: false }
      this.rules.set(policyId, [...(this.rules.get(policyId) ?? []), rule])
      return rule
    })
  }
  updateRule(_serverId: string, policyId: string, rule: Rule, spec: Parameters<OktaAdmin['updateRule']>[3]) {
    return this.run('updateRule', () => {
      const r = (this.rules.get(policyId) ?? []).find((x) => x.id === rule.id)
      Object.assign(r ?? {}, spec)
      return { ...rule, ...spec }
    })
  }
  findGroupsByName(name: string) {
    return this.run('findGroupsByName', () => this.groups.filter((g) => g.name === name))
  }
  findUser(login: string) {
    return this.run('findUser', () => this.users.find((u) => u.login === login))
  }
  createUser(spec: Parameters<OktaAdmin['createUser']>[0]) {
    return this.run('createUser', () => {
      const user: User = { id: this.id('00u'), login: spec.login, status: 'ACTIVE' }
      this.users.push(user)
      return user
    })
  }
  enrollTotpFactor(userId: string) {
    return this.run('enrollTotpFactor', () => ({ id: `uft-${userId}`, sharedSecret: 'JBSWY3DPEHPK3PXP' }))
  }
  activateFactor(userId: string, factorId: string, passCode: string) {
    return this.run('activateFactor', () => {
      if (factorId !== `uft-${userId}` || passCode !== totpCode('JBSWY3DPEHPK3PXP')) {
        throw new Error('E0000068 Invalid Passcode/Answer')
      }
    })
  }
  deleteUser(userId: string) {
    return this.run('deleteUser', () => {
      this.users = this.users.filter((u) => u.id !== userId)
    })
  }
  findTrustedOrigins(origin: string) {
    return this.run('findTrustedOrigins', () => this.origins.filter((o) => o.origin === origin))
  }
  listTrustedOrigins() {
    return this.run('listTrustedOrigins', () => [...this.origins])
  }
  createTrustedOrigin(spec: Parameters<OktaAdmin['createTrustedOrigin']>[0]) {
    return this.run('createTrustedOrigin', () => {
      const o: TrustedOrigin = { ...spec, id: this.id('tos') }
      this.origins.push(o)
      return o
    })
  }
  updateTrustedOrigin(origin: TrustedOrigin, spec: Parameters<OktaAdmin['updateTrustedOrigin']>[1]) {
    return this.run('updateTrustedOrigin', () => {
      const o = this.origins.find((x) => x.id === origin.id)
      Object.assign(o ?? {}, spec)
      return { ...origin, ...spec }
    })
  }
  deleteTrustedOrigin(id: string) {
    return this.run('deleteTrustedOrigin', () => {
      this.origins = this.origins.filter((o) => o.id !== id)
    })
  }
  checkAccess() {
    return this.run('checkAccess', () => [])
  }
}
