import schemaJson from '../../schema/oidc-setup.schema.json' with { type: 'json' }
import { UsageError } from './errors.js'
import type { AppIntent } from './intent.js'
import { nearest } from './nearest.js'
import { isValidProfileName } from './profile.js'
import { entryOf, plain, type SpecMap, type SpecNode, type SpecPos } from './spec-tree.js'
import { checkHttpUrl } from './urls.js'

/**
 * The spec (issue 9 item 1): a versioned YAML file (`apiVersion: oidc-setup/v1`, `oidc-setup.yaml` by default)
 * declaring the apps to provision, validated against the JSON Schema shipped as schema/oidc-setup.schema.json —
 * the one definition of the format, printed by `oidc-setup spec schema` and read by editors. Every app entry is an
 * AppIntent, the same value the flags of `okta create-app` and `setup` build.
 */

/** The spec format version this build reads. */
export const SPEC_API_VERSION = 'oidc-setup/v1'

/** The spec file `apply` and `plan` read when `-f` is not given. */
export const DEFAULT_SPEC_FILE = 'oidc-setup.yaml'

/** The JSON Schema of the spec (draft 2020-12). */
export const specSchema: Readonly<Record<string, unknown>> = schemaJson

/** Where a secret comes from: an environment variable or a file, never the spec itself. */
export type SecretReference = { env: string } | { file: string }

/** Per-app values an environment overrides. */
export type AppOverride = Partial<
  Pick<AppIntent, 'baseUrl' | 'label' | 'connection' | 'authServer' | 'redirectUris' | 'logoutUris' | 'trustedOrigins' | 'assign' | 'settings' | 'render' | 'testUser'>
>

/** One org the spec's apps are applied to (`apply --env NAME`). */
export interface SpecEnvironment {
  name: string
  connection?: string | undefined
  /** With apiToken: the org reached without a stored connection. */
  orgUrl?: string | undefined
  apiToken?: SecretReference | undefined
  /** Appended to each app's name to form its profile (default `-<name>`). */
  profileSuffix: string
  apps: Record<string, AppOverride>
}

/** A validated spec. */
export interface Spec {
  file: string
  apiVersion: typeof SPEC_API_VERSION
  connection?: string | undefined
  apps: AppIntent[]
  environments: Record<string, SpecEnvironment>
  /** Things worth saying that are not errors (e.g. an http:// base URL). */
  warnings: string[]
}

/** What validation needs to know about targets (provided by the targets registry; domain does not import it). */
export interface TargetCatalog {
  /** The canonical name of a target or alias, or undefined. */
  resolve(name: string): string | undefined
  /** Every canonical target name. */
  names(): string[]
  /** Validates one setting of a target; throws a UsageError naming `source`. Returns the coerced value. */
  setting(target: string, key: string, value: unknown, source: string): string | string[] | boolean
}

interface Schema {
  type?: string | string[]
  const?: unknown
  enum?: unknown[]
  pattern?: string
  minimum?: number
  maximum?: number
  minItems?: number
  minProperties?: number
  maxProperties?: number
  properties?: Record<string, Schema>
  additionalProperties?: boolean | Schema
  required?: string[]
  items?: Schema
  $ref?: string
}

const root = schemaJson as Schema & { $defs: Record<string, Schema> }

// Keys that would hold a secret. A spec refuses them as literal values: secrets come from the secret store, a
// connection, or an env/file reference (`apiToken: { env: NAME }`).
const SECRET_KEY = /(^|[-_])(secret|password|passwd|token|api[-_]?key|private[-_]?key)$|(Secret|Password|Token|ApiKey|PrivateKey)$|^(secret|password|token|ssws)$/i

/**
 * Validates a parsed spec document against the JSON Schema and the rules a schema cannot state (unique app names,
 * known targets and their settings, URLs, environments naming known apps), and returns the Spec. Every failure is
 * a UsageError (exit 2) that names the file, line and column, and for an unknown key the nearest valid one.
 */
export function validateSpec(doc: SpecNode, file: string, catalog: TargetCatalog): Spec {
  const at = (pos: SpecPos): string => `${file}:${pos.line}:${pos.col}`
  checkNode(doc, root, '', at)
  const top = doc as SpecMap
  const warnings: string[] = []
  const appsNode = entryOf(top, 'apps')?.value
  const apps: AppIntent[] = []
  const seen = new Map<string, SpecPos>()
  for (const [i, node] of (appsNode?.kind === 'seq' ? appsNode.items : []).entries()) {
    const where = `apps[${i}]`
    const nameEntry = entryOf(node, 'name')
    const name = String(plain(nameEntry?.value ?? node))
    const first = seen.get(name)
    if (first && nameEntry) {
      throw new UsageError(`${at(nameEntry.value)}: duplicate app name "${name}" (${where}; first at line ${first.line})`, {
        hint: 'each app is kept in the profile its name gives: rename one of them',
      })
    }
    seen.set(name, nameEntry?.value ?? node)
    apps.push(appIntentOf(node as SpecMap, where, at, catalog, warnings))
  }
  const environments: Record<string, SpecEnvironment> = {}
  const envNode = entryOf(top, 'environments')?.value
  for (const entry of envNode?.kind === 'map' ? envNode.entries : []) {
    environments[entry.key] = environmentOf(entry.key, entry.value as SpecMap, apps, at, catalog, warnings)
  }
  const connection = entryOf(top, 'connection')?.value
  return {
    file,
    apiVersion: SPEC_API_VERSION,
    ...(connection ? { connection: checkConnectionName(connection, 'connection', at) } : {}),
    apps,
    environments,
    warnings,
  }
}

/** The apps of a spec as applied to one environment (or none): overrides merged, profile names suffixed. */
export interface SpecSelection {
  environment?: SpecEnvironment | undefined
  apps: AppIntent[]
}

/**
 * Selects the apps to apply: in environment `env` (required when the spec has several), only those named in
 * `only` (UsageError for a name the spec lacks, with the nearest one).
 */
export function selectApps(spec: Spec, env: string | undefined, only: readonly string[] = []): SpecSelection {
  const envNames = Object.keys(spec.environments)
  let environment: SpecEnvironment | undefined
  if (env !== undefined) {
    environment = spec.environments[env]
    if (!environment) {
      const guess = nearest(env, envNames)
      throw new UsageError(`${spec.file} has no environment "${env}" (--env)`, {
        hint: envNames.length ? `${guess ? `did you mean "${guess}"? ` : ''}environments: ${envNames.join(', ')}` : 'the spec declares no environments: leave out --env',
      })
    }
  } else if (envNames.length > 1) {
    throw new UsageError(`${spec.file} declares the environments ${envNames.join(', ')}: pass --env NAME`)
  } else if (envNames.length === 1) {
    environment = spec.environments[envNames[0] as string]
  }
  for (const name of only) {
    if (!spec.apps.some((a) => a.name === name)) {
      const guess = nearest(name, spec.apps.map((a) => a.name))
      throw new UsageError(`${spec.file} has no app "${name}" (--only)`, {
        hint: `${guess ? `did you mean "${guess}"? ` : ''}apps: ${spec.apps.map((a) => a.name).join(', ')}`,
      })
    }
  }
  const chosen = only.length ? spec.apps.filter((a) => only.includes(a.name)) : spec.apps
  return {
    environment,
    apps: chosen.map((app) => {
      const o = environment?.apps[app.name] ?? {}
      const merged: AppIntent = {
        ...app,
        ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
        name: environment ? `${app.name}${environment.profileSuffix}` : app.name,
        settings: { ...app.settings, ...(o.settings ?? {}) },
      }
      const connection = o.connection ?? app.connection ?? environment?.connection ?? spec.connection
      if (connection) {
        merged.connection = connection
      } else {
        delete merged.connection
      }
      return merged
    }),
  }
}

function checkNode(node: SpecNode, schema: Schema, path: string, at: (pos: SpecPos) => string): void {
  const s = resolve(schema)
  const name = path || 'the spec'
  if (s.type !== undefined || s.const !== undefined) {
    const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]
    if (types.length && !types.some((t) => isType(node, t))) {
      throw new UsageError(`${at(node)}: ${name} must be ${types.map((t) => describeType(t, s)).join(' or ')}, not ${actualType(node)}`, {
        hint: hintFor(path),
      })
    }
  }
  if (node.kind === 'scalar') {
    if (s.const !== undefined && node.value !== s.const) {
      throw new UsageError(`${at(node)}: ${name} must be "${String(s.const)}", not "${String(node.value)}"`, {
        hint: path === 'apiVersion' ? `this oidc-setup reads ${SPEC_API_VERSION} specs` : undefined,
      })
    }
    if (s.enum && !s.enum.includes(node.value)) {
      throw new UsageError(`${at(node)}: ${name} must be one of ${s.enum.map((v) => `"${String(v)}"`).join(', ')}, not "${String(node.value)}"`)
    }
    if (s.pattern && typeof node.value === 'string' && !new RegExp(s.pattern).test(node.value)) {
      throw new UsageError(`${at(node)}: ${name} is not valid: "${node.value}"`, { hint: hintFor(path) })
    }
    if (typeof node.value === 'number') {
      if (s.minimum !== undefined && node.value < s.minimum) {
        throw new UsageError(`${at(node)}: ${name} must be at least ${s.minimum}, not ${node.value}`)
      }
      if (s.maximum !== undefined && node.value > s.maximum) {
        throw new UsageError(`${at(node)}: ${name} must be at most ${s.maximum}, not ${node.value}`)
      }
    }
    return
  }
  if (node.kind === 'seq') {
    if (s.minItems !== undefined && node.items.length < s.minItems) {
      throw new UsageError(`${at(node)}: ${name} must not be empty`)
    }
    node.items.forEach((item, i) => s.items && checkNode(item, s.items, `${path}[${i}]`, at))
    return
  }
  const props = s.properties ?? {}
  for (const e of node.entries) {
    const child = path ? `${path}.${e.key}` : e.key
    if (SECRET_KEY.test(e.key) && e.value.kind === 'scalar') {
      throw new UsageError(`${at(e.pos)}: ${child} holds a secret written into the spec; secrets never go into a spec file`, {
        hint: 'leave it out: client secrets live in the secret store; Management API credentials in a connection (`oidc-setup okta configure --org NAME`) or a reference such as apiToken: { env: OKTA_API_TOKEN } or { file: ./token }',
      })
    }
    const sub = props[e.key]
    if (sub) {
      checkNode(e.value, sub, child, at)
    } else if (s.additionalProperties === false) {
      const valid = Object.keys(props)
      const guess = nearest(e.key, valid)
      throw new UsageError(`${at(e.pos)}: unknown key "${e.key}" in ${path || 'the spec'}`, {
        hint: `${guess ? `did you mean "${guess}"? ` : ''}valid keys: ${valid.join(', ')}`,
      })
    } else if (typeof s.additionalProperties === 'object') {
      checkNode(e.value, s.additionalProperties, child, at)
    }
  }
  for (const key of s.required ?? []) {
    if (!node.entries.some((e) => e.key === key)) {
      throw new UsageError(`${at(node)}: ${name} is missing "${key}"`, { hint: hintFor(path ? `${path}.${key}` : key) })
    }
  }
  if (s.minProperties !== undefined && node.entries.length < s.minProperties) {
    throw new UsageError(`${at(node)}: ${name} must not be empty`, { hint: hintFor(path) })
  }
  if (s.maxProperties !== undefined && node.entries.length > s.maxProperties) {
    throw new UsageError(`${at(node)}: ${name} takes one of ${Object.keys(props).join(', ')}, not several`, { hint: hintFor(path) })
  }
}

function resolve(schema: Schema): Schema {
  if (schema.$ref) {
    const def = root.$defs[schema.$ref.replace('#/$defs/', '')]
    if (!def) {
      throw new Error(`spec schema: unresolved ${schema.$ref}`)
    }
    return def
  }
  return schema
}

function isType(node: SpecNode, type: string): boolean {
  switch (type) {
    case 'object':
      return node.kind === 'map'
    case 'array':
      return node.kind === 'seq'
    case 'string':
      return node.kind === 'scalar' && typeof node.value === 'string'
    case 'boolean':
      return node.kind === 'scalar' && typeof node.value === 'boolean'
    case 'integer':
      return node.kind === 'scalar' && typeof node.value === 'number' && Number.isInteger(node.value)
    case 'number':
      return node.kind === 'scalar' && typeof node.value === 'number'
    default:
      return false
  }
}

function describeType(type: string, s: Schema): string {
  switch (type) {
    case 'object':
      return 'a mapping'
    case 'array':
      return resolve(s.items ?? {}).type === 'string' ? 'a list of strings' : 'a list'
    case 'string':
      return 'a string'
    case 'boolean':
      return 'true or false'
    case 'integer':
      return 'a whole number'
    default:
      return `a ${type}`
  }
}

function actualType(node: SpecNode): string {
  if (node.kind === 'map') {
    return 'a mapping'
  }
  if (node.kind === 'seq') {
    return 'a list'
  }
  if (node.value === null) {
    return 'empty'
  }
  return typeof node.value === 'string' ? `the string "${node.value}"` : String(node.value)
}

function hintFor(path: string): string | undefined {
  const key = path.replace(/\[\d+\]/g, '[]')
  const hints: Record<string, string> = {
    apps: 'apps is a list: each entry starts with "- name: ..."',
    'apps[]': 'each app is a mapping with at least name and target',
    'apps[].name': 'the profile the app is kept in: letters, digits, ".", "_" and "-" (at most 64 characters)',
    'apps[].target': 'e.g. target: galaxy (`oidc-setup targets` lists them)',
    'apps[].authServer': 'default, org, new or an authorization server id',
    'apps[].groupsClaim': 'groupsClaim: true, or groupsClaim: { name: groups, filter: "^app-" }',
    'environments.*.apiToken': 'apiToken: { env: VARIABLE } or apiToken: { file: ./path }',
  }
  return hints[key] ?? hints[key.replace(/^environments\.[^.]+\./, 'environments.*.')]
}

function str(node: SpecNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined
}

function strings(node: SpecNode | undefined): string[] | undefined {
  return node?.kind === 'seq' ? node.items.map((i) => String(plain(i))) : undefined
}

function checkConnectionName(node: SpecNode, path: string, at: (pos: SpecPos) => string): string {
  const name = String(plain(node))
  if (!isValidProfileName(name)) {
    throw new UsageError(`${at(node)}: ${path} is not a valid connection name: "${name}"`, {
      hint: 'letters, digits, ".", "_" and "-" (the name given to `okta configure --org NAME`)',
    })
  }
  return name
}

/** Reads the fields an app and an environment override share, checking what the schema cannot. */
function overrideOf(
  node: SpecMap,
  path: string,
  at: (pos: SpecPos) => string,
  target: string | undefined,
  catalog: TargetCatalog,
  warnings: string[],
): AppOverride {
  const get = (key: string): SpecNode | undefined => entryOf(node, key)?.value
  const o: AppOverride = {}
  const base = get('baseUrl')
  if (base) {
    const checked = checkHttpUrl(`${at(base)} (${path}.baseUrl)`, String(plain(base)))
    warnings.push(...checked.warnings)
    o.baseUrl = checked.text
  }
  const label = get('label')
  if (label) {
    if (!String(plain(label)).trim()) {
      throw new UsageError(`${at(label)}: ${path}.label must not be empty`)
    }
    o.label = String(plain(label)).trim()
  }
  const connection = get('connection')
  if (connection) {
    o.connection = checkConnectionName(connection, `${path}.connection`, at)
  }
  if (get('authServer')) {
    o.authServer = str(get('authServer'))
  }
  for (const key of ['redirectUris', 'logoutUris', 'trustedOrigins'] as const) {
    const list = get(key)
    if (list?.kind === 'seq') {
      for (const item of list.items) {
        const uri = String(plain(item))
        if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) || /\s/.test(uri)) {
          throw new UsageError(`${at(item)}: ${path}.${key} holds "${uri}", which is not an absolute URI`, {
            hint: 'redirect URIs and origins must match exactly what the app sends, e.g. https://app.example.com/callback',
          })
        }
      }
      o[key] = strings(list) ?? []
    }
  }
  const assign = get('assign')
  if (assign) {
    o.assign = { groups: strings(entryOf(assign, 'groups')?.value) ?? [], users: strings(entryOf(assign, 'users')?.value) ?? [] }
  }
  const settings = get('settings')
  if (settings?.kind === 'map' && target) {
    o.settings = {}
    for (const e of settings.entries) {
      o.settings[e.key] = catalog.setting(target, e.key, plain(e.value), `${at(e.pos)} (${path}.settings)`)
    }
  }
  const render = get('render')
  if (render) {
    const format = str(entryOf(render, 'format')?.value) as 'native' | 'env' | undefined
    const secretRef = str(entryOf(render, 'secretRef')?.value) as 'env' | undefined
    o.render = { out: String(plain(entryOf(render, 'out')?.value ?? render)), ...(format ? { format } : {}), ...(secretRef ? { secretRef } : {}) }
  }
  const testUser = get('testUser')
  if (testUser) {
    const login = String(plain(testUser))
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(login)) {
      throw new UsageError(`${at(testUser)}: ${path}.testUser must be an email-style login, not "${login}"`, {
        hint: 'Okta logins look like email addresses, e.g. test.user@example.com',
      })
    }
    o.testUser = login
  }
  return o
}

function appIntentOf(node: SpecMap, path: string, at: (pos: SpecPos) => string, catalog: TargetCatalog, warnings: string[]): AppIntent {
  const get = (key: string): SpecNode | undefined => entryOf(node, key)?.value
  const targetNode = get('target') as SpecNode
  const target = catalog.resolve(String(plain(targetNode)))
  if (!target) {
    const guess = nearest(String(plain(targetNode)), catalog.names())
    throw new UsageError(`${at(targetNode)}: unknown target "${String(plain(targetNode))}" in ${path}.target`, {
      hint: `${guess ? `did you mean "${guess}"? ` : ''}known targets: ${catalog.names().join(', ')}`,
    })
  }
  const o = overrideOf(node, path, at, target, catalog, warnings)
  const groupsClaim = get('groupsClaim')
  const gc = groupsClaim ? plain(groupsClaim) : undefined
  const lifetimes = get('tokenLifetimes')
  const intent: AppIntent = {
    name: String(plain(get('name') as SpecNode)),
    target,
    ...o,
    scopes: strings(get('scopes')) ?? [],
    assign: o.assign ?? { groups: [], users: [] },
    trustedOrigins: o.trustedOrigins ?? [],
    settings: o.settings ?? {},
  }
  if (gc === true) {
    intent.groupsClaim = { name: 'groups' }
  } else if (gc && typeof gc === 'object') {
    const g = gc as { name?: string; filter?: string }
    if (g.filter !== undefined) {
      try {
        new RegExp(g.filter)
      } catch {
        throw new UsageError(`${at(entryOf(groupsClaim, 'filter')?.value ?? (groupsClaim as SpecNode))}: ${path}.groupsClaim.filter is not a valid regex: "${g.filter}"`)
      }
    }
    intent.groupsClaim = { name: g.name ?? 'groups', ...(g.filter !== undefined ? { filter: g.filter } : {}) }
  }
  if (lifetimes) {
    const l = plain(lifetimes) as { accessTokenMinutes?: number; refreshTokenMinutes?: number }
    if (l.accessTokenMinutes !== undefined && l.refreshTokenMinutes !== undefined && l.refreshTokenMinutes < l.accessTokenMinutes) {
      throw new UsageError(`${at(lifetimes)}: ${path}.tokenLifetimes.refreshTokenMinutes must be at least accessTokenMinutes`)
    }
    intent.tokenLifetimes = l
  }
  for (const key of ['lists', 'clientAuth', 'issuerMode'] as const) {
    const v = str(get(key))
    if (v !== undefined) {
      ;(intent as unknown as Record<string, string>)[key] = v
    }
  }
  return intent
}

function environmentOf(
  name: string,
  node: SpecMap,
  apps: readonly AppIntent[],
  at: (pos: SpecPos) => string,
  catalog: TargetCatalog,
  warnings: string[],
): SpecEnvironment {
  const path = `environments.${name}`
  const get = (key: string): SpecNode | undefined => entryOf(node, key)?.value
  const connection = get('connection')
  const orgUrl = get('orgUrl')
  const apiToken = get('apiToken')
  if (connection && (orgUrl || apiToken)) {
    throw new UsageError(`${at(node)}: ${path} names a connection and an orgUrl/apiToken: use one`, {
      hint: 'connection: NAME uses `okta configure --org NAME`; orgUrl + apiToken: { env: VAR } needs no stored connection',
    })
  }
  if (Boolean(orgUrl) !== Boolean(apiToken)) {
    throw new UsageError(`${at(node)}: ${path} needs both orgUrl and apiToken (or a connection instead)`, {
      hint: 'e.g. orgUrl: https://prod.okta.com with apiToken: { env: OKTA_PROD_TOKEN }',
    })
  }
  if (!isValidProfileName(`a${name}`)) {
    throw new UsageError(`${at(node)}: environment name "${name}" may use letters, digits, ".", "_" and "-" only`)
  }
  const suffixNode = get('profileSuffix')
  const suffix = suffixNode ? String(plain(suffixNode)) : `-${name}`
  const overrides: Record<string, AppOverride> = {}
  const appsNode = get('apps')
  for (const e of appsNode?.kind === 'map' ? appsNode.entries : []) {
    const app = apps.find((a) => a.name === e.key)
    if (!app) {
      const guess = nearest(e.key, apps.map((a) => a.name))
      throw new UsageError(`${at(e.pos)}: ${path}.apps names "${e.key}", which is not an app of this spec`, {
        hint: `${guess ? `did you mean "${guess}"? ` : ''}apps: ${apps.map((a) => a.name).join(', ')}`,
      })
    }
    overrides[e.key] = overrideOf(e.value as SpecMap, `${path}.apps.${e.key}`, at, app.target, catalog, warnings)
  }
  for (const app of apps) {
    if (!isValidProfileName(`${app.name}${suffix}`)) {
      throw new UsageError(`${at(suffixNode ?? node)}: the profile name "${app.name}${suffix}" (app ${app.name} in ${name}) is not valid`)
    }
  }
  let url: string | undefined
  if (orgUrl) {
    url = checkHttpUrl(`${at(orgUrl)} (${path}.orgUrl)`, String(plain(orgUrl))).url.origin
  }
  return {
    name,
    ...(connection ? { connection: checkConnectionName(connection, `${path}.connection`, at) } : {}),
    ...(url ? { orgUrl: url } : {}),
    ...(apiToken ? { apiToken: plain(apiToken) as SecretReference } : {}),
    profileSuffix: suffix,
    apps: overrides,
  }
}
