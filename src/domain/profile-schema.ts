import type { Profile } from './profile.js'

/** The outcome of checking a profile file's content: the profile, or every problem found in it. */
export type ProfileCheck = { ok: true; profile: Profile } | { ok: false; problems: string[] }

type Json = Record<string, unknown>
type FieldCheck = (value: unknown, field: string) => string | undefined

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const string: FieldCheck = (v, f) => (typeof v === 'string' ? undefined : `"${f}" must be a string`)

const nonEmpty: FieldCheck = (v, f) => string(v, f) ?? ((v as string).length ? undefined : `"${f}" must not be empty`)

/** An absolute http(s) URL, as every URL a profile records is (org, issuer, base URL). */
const httpUrl: FieldCheck = (v, f) => {
  const problem = string(v, f)
  if (problem) {
    return problem
  }
  try {
    const url = new URL(v as string)
    return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : `"${f}" must be an http(s) URL, not "${v as string}"`
  } catch {
    return `"${f}" must be an http(s) URL, not "${v as string}"`
  }
}

const stringList: FieldCheck = (v, f) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `"${f}" must be a list of strings`

const oneOf =
  (...values: string[]): FieldCheck =>
  (v, f) =>
    typeof v === 'string' && values.includes(v) ? undefined : `"${f}" must be one of ${values.join(', ')}`

const object =
  (fields: Record<string, FieldCheck>, required: string[] = []): FieldCheck =>
  (v, f) => {
    if (!isObject(v)) {
      return `"${f}" must be an object`
    }
    return checkFields(v, fields, required, `${f}.`)[0]
  }

const listOf =
  (item: FieldCheck): FieldCheck =>
  (v, f) => {
    if (!Array.isArray(v)) {
      return `"${f}" must be a list`
    }
    for (const [i, x] of v.entries()) {
      const problem = item(x, `${f}[${i}]`)
      if (problem) {
        return problem
      }
    }
    return undefined
  }

const settingsMap: FieldCheck = (v, f) => {
  if (!isObject(v)) {
    return `"${f}" must be an object`
  }
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string' && typeof value !== 'boolean' && stringList(value, key) !== undefined) {
      return `"${f}.${key}" must be a string, a boolean or a list of strings`
    }
  }
  return undefined
}

function checkFields(value: Json, fields: Record<string, FieldCheck>, required: string[], prefix = ''): string[] {
  const problems: string[] = []
  for (const name of required) {
    if (value[name] === undefined) {
      problems.push(`"${prefix}${name}" is missing`)
    }
  }
  for (const [name, check] of Object.entries(fields)) {
    // undefined and null both mean "not set" (JSON has no undefined; older files wrote null for cleared fields).
    if (value[name] !== undefined && value[name] !== null) {
      const problem = check(value[name], `${prefix}${name}`)
      if (problem) {
        problems.push(problem)
      }
    }
  }
  return problems
}

/**
 * The fields of a profile this tool reads, each with its check. Fields not listed here (added by newer versions or
 * other commands: `intent`, `connection`, rotation state) are kept as they are, never dropped or rejected.
 */
export const PROFILE_FIELDS: Record<string, FieldCheck> = {
  orgUrl: httpUrl,
  issuer: httpUrl,
  authServerId: nonEmpty,
  clientId: nonEmpty,
  appId: nonEmpty,
  appLabel: string,
  applicationType: oneOf('web', 'browser', 'native', 'service'),
  target: nonEmpty,
  baseUrl: httpUrl,
  redirectUris: stringList,
  postLogoutRedirectUris: stringList,
  scopes: stringList,
  grantTypes: stringList,
  settings: settingsMap,
  management: object(
    { authMode: oneOf('SSWS', 'PrivateKey'), clientId: nonEmpty, keyId: string, privateKeyFile: string, scopes: stringList },
    ['authMode'],
  ),
  managed: listOf(object({ type: nonEmpty, id: nonEmpty, name: string, serverId: string }, ['type', 'id'])),
  updatedAt: string,
}

/**
 * Checks a profile file's parsed content against the profile schema. The name always comes from the file name.
 * Unknown fields pass through unchanged; `null` fields are dropped (read as "not set").
 */
export function checkProfile(name: string, value: unknown): ProfileCheck {
  if (!isObject(value)) {
    return { ok: false, problems: ['the file must hold a JSON object'] }
  }
  const problems = checkFields(value, PROFILE_FIELDS, [])
  if (problems.length) {
    return { ok: false, problems }
  }
  const kept = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null))
  return { ok: true, profile: { ...kept, name } as Profile }
}
