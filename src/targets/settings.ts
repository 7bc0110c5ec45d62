import { UsageError } from '../domain/errors.js'
import { nearest } from '../domain/nearest.js'
import type { SettingValue, TargetModule, TargetSetting, TargetSettings } from './types.js'

/** Splits repeated `--set key=value` flags into raw values per key (a list setting may repeat its key). */
export function parseSetFlags(values: readonly string[]): Record<string, string[]> {
  const raw: Record<string, string[]> = {}
  for (const item of values) {
    const eq = item.indexOf('=')
    const key = eq > 0 ? item.slice(0, eq).trim() : ''
    if (!key) {
      throw new UsageError(`--set takes key=value, not "${item}"`, { hint: 'e.g. --set defaultRole=Viewer' })
    }
    ;(raw[key] ??= []).push(item.slice(eq + 1))
  }
  return raw
}

/** The closest known key, for "did you mean" hints (re-exported: it lives in src/domain). */
export { nearest }

function setting(target: TargetModule, key: string, source: string): TargetSetting {
  const known = target.settings ?? []
  const found = known.find((s) => s.key === key)
  if (!found) {
    const guess = nearest(key, known.map((s) => s.key))
    throw new UsageError(`target "${target.name}" has no setting "${key}" (${source})`, {
      hint: known.length
        ? `${guess ? `did you mean "${guess}"? ` : ''}${target.name} takes: ${known.map((s) => s.key).join(', ')}`
        : `${target.name} takes no settings`,
    })
  }
  return found
}

function coerce(s: TargetSetting, target: TargetModule, value: unknown, source: string): SettingValue {
  const bad = (why: string): UsageError =>
    new UsageError(`setting "${s.key}" of target "${target.name}" ${why} (${source})`, {
      hint: `e.g. --set ${s.key}=${s.example}: ${s.description}`,
    })
  const entries = (): string[] => {
    const list = Array.isArray(value) ? value : [value]
    if (!list.every((v) => typeof v === 'string')) {
      throw bad(s.kind === 'list' ? 'must be a list of strings' : 'must be a string')
    }
    return (list as string[]).flatMap((v) => (s.kind === 'list' ? v.split(',') : [v])).map((v) => v.trim())
  }
  if (s.kind === 'boolean') {
    if (typeof value === 'boolean') {
      return value
    }
    const text = Array.isArray(value) && value.length === 1 ? value[0] : value
    if (text === 'true' || text === 'false') {
      return text === 'true'
    }
    throw bad('must be true or false')
  }
  const list = entries().filter((v) => v !== '')
  for (const v of list) {
    const problem = s.validate?.(v)
    if (problem) {
      throw bad(`is invalid: ${problem}`)
    }
  }
  if (s.kind === 'list') {
    return list
  }
  if (list.length !== 1) {
    throw bad(list.length === 0 ? 'must not be empty' : 'takes one value')
  }
  return list[0] as string
}

/**
 * Validates settings against the target's declarations: unknown keys (with the nearest known one), wrong types and
 * values the target refuses are UsageErrors naming `source` (e.g. `--set`, the spec file, the profile). `later`
 * wins over `earlier` key by key (flags over the profile). Defaults are not applied here (see withDefaults).
 */
export function resolveSettings(
  target: TargetModule,
  layers: ReadonlyArray<{ source: string; values: Readonly<Record<string, unknown>> | undefined }>,
): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {}
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values ?? {})) {
      if (value === undefined) {
        continue
      }
      out[key] = coerce(setting(target, key, layer.source), target, value, layer.source)
    }
  }
  return out
}

/** The required settings that are missing. */
export function missingSettings(target: TargetModule, settings: TargetSettings): TargetSetting[] {
  return (target.settings ?? []).filter((s) => s.required && settings[s.key] === undefined && s.default === undefined)
}

/** Settings with each absent one's default filled in. */
export function withDefaults(target: TargetModule, settings: TargetSettings): TargetSettings {
  const out: Record<string, SettingValue | undefined> = { ...settings }
  for (const s of target.settings ?? []) {
    if (out[s.key] === undefined && s.default !== undefined) {
      out[s.key] = s.default
    }
  }
  return out
}

/** Refuses when a required setting is missing, naming the flag to pass. */
export function requireSettings(target: TargetModule, settings: TargetSettings): void {
  const missing = missingSettings(target, settings)
  if (missing.length) {
    const first = missing[0] as TargetSetting
    throw new UsageError(
      `target "${target.name}" needs ${missing.map((s) => `"${s.key}"`).join(', ')}: ${first.description}`,
      {
        hint: `pass ${missing.map((s) => `--set ${s.key}=${s.example}`).join(' ')} (or put it under settings: in the spec); it is remembered in the profile`,
      },
    )
  }
}
