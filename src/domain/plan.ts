import type { ChangeType } from './provision-plan.js'

/**
 * A reconcile plan with values: what the engine will create, update (field by field, list entry by list entry) or
 * delete, per app, Terraform-style. Plain data (the `--json` document is this), never a secret.
 */

/** A value shown in a plan. */
export type PlanValue = string | number | boolean | string[] | null

/** What happens to one object. */
export type PlanAction = 'create' | 'update' | 'delete' | 'unchanged'

/** Shown for a value only Okta can give (an id of an object still to be created). */
export const KNOWN_AFTER_APPLY = '(known after apply)'

/** One field of an update: a scalar from → to, or a list's entries added, removed and kept. */
export interface FieldChange {
  field: string
  from?: PlanValue | undefined
  to?: PlanValue | undefined
  added?: string[] | undefined
  removed?: string[] | undefined
  /** Entries in Okta that oidc-setup does not manage and keeps (they cannot weaken the app). */
  kept?: string[] | undefined
}

/** One object in the plan. */
export interface PlanItem {
  /** The app (profile) it belongs to; `shared` for objects several apps use (a server, a scope). */
  app: string
  kind: ChangeType
  name: string
  action: PlanAction
  id?: string | undefined
  /** For create: the values it is created with; for delete: what it holds now. */
  values?: Record<string, PlanValue> | undefined
  /** For update: what changes. On unchanged objects: only `kept` entries. */
  changes?: FieldChange[] | undefined
  /** Why (a delete, a kept object, a skipped step). */
  reason?: string | undefined
}

/** The group name of objects shared by several apps. */
export const SHARED = 'shared'

/** Counts of a plan's actions. */
export interface PlanSummary {
  create: number
  update: number
  delete: number
  unchanged: number
}

/** Counts a plan's actions. */
export function summarize(items: readonly PlanItem[]): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, delete: 0, unchanged: 0 }
  for (const item of items) {
    s[item.action]++
  }
  return s
}

/** Whether applying the plan writes anything. */
export function planHasWrites(items: readonly PlanItem[]): boolean {
  return items.some((i) => i.action !== 'unchanged')
}

/** The list entries to add and remove to go from `have` to `want`, and the extra ones kept (keep semantics). */
export function diffList(field: string, have: readonly string[], want: readonly string[], mode: 'keep' | 'exact'): FieldChange | undefined {
  const haveSet = new Set(have)
  const wantSet = new Set(want)
  const added = [...wantSet].filter((v) => !haveSet.has(v))
  const extra = [...haveSet].filter((v) => !wantSet.has(v))
  const removed = mode === 'exact' ? extra : []
  const kept = mode === 'keep' ? extra : []
  if (!added.length && !removed.length && !kept.length) {
    return undefined
  }
  return { field, ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}), ...(kept.length ? { kept } : {}) }
}

/** Whether a field change writes (kept entries alone do not). */
export function isWrite(change: FieldChange): boolean {
  return Boolean(change.added?.length || change.removed?.length || 'to' in change)
}

/** Symbols and words of the text form. */
const SIGN: Record<PlanAction, string> = { create: '+', update: '~', delete: '-', unchanged: '=' }

function show(value: PlanValue | undefined): string {
  if (value === undefined || value === null) {
    return '(none)'
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`
  }
  return typeof value === 'string' && value !== KNOWN_AFTER_APPLY ? JSON.stringify(value) : String(value)
}

function title(item: PlanItem): string {
  return `${item.kind} "${item.name}"${item.id ? ` (${item.id})` : ''}`
}

/**
 * The plan as text, grouped per app: `+ create` with its values, `~ update field: old → new` (list entries each
 * `+`/`-`, and `= … (kept, not managed)`), `- delete` with what it held; unchanged objects are counted, and listed
 * only when they keep entries oidc-setup does not manage.
 */
export function renderPlanText(items: readonly PlanItem[]): string {
  const lines: string[] = []
  const groups = new Map<string, PlanItem[]>()
  for (const item of items) {
    groups.set(item.app, [...(groups.get(item.app) ?? []), item])
  }
  const order = [...groups.keys()].sort((a, b) => (a === SHARED ? -1 : b === SHARED ? 1 : 0))
  for (const app of order) {
    const group = groups.get(app) ?? []
    lines.push(app === SHARED ? 'shared objects' : `app "${app}"`)
    let unchanged = 0
    for (const item of group) {
      const kept = (item.changes ?? []).filter((c) => c.kept?.length)
      if (item.action === 'unchanged') {
        unchanged++
        for (const c of kept) {
          for (const v of c.kept ?? []) {
            lines.push(`  = ${title(item)} ${c.field}: ${v} (kept, not managed)`)
          }
        }
        continue
      }
      lines.push(`  ${SIGN[item.action]} ${title(item)}${item.reason ? ` — ${item.reason}` : ''}`)
      if (item.action === 'create' || item.action === 'delete') {
        for (const [key, value] of Object.entries(item.values ?? {})) {
          lines.push(`      ${key}: ${show(value)}`)
        }
      }
      for (const c of item.changes ?? []) {
        if ('to' in c || 'from' in c) {
          lines.push(`      ${c.field}: ${show(c.from)} → ${show(c.to)}`)
          continue
        }
        lines.push(`      ${c.field}:`)
        for (const v of c.added ?? []) {
          lines.push(`        + ${v}`)
        }
        for (const v of c.removed ?? []) {
          lines.push(`        - ${v}`)
        }
        for (const v of c.kept ?? []) {
          lines.push(`        = ${v} (kept, not managed)`)
        }
      }
    }
    if (unchanged) {
      lines.push(`  (${unchanged} unchanged)`)
    }
  }
  const s = summarize(items)
  lines.push(
    planHasWrites(items)
      ? `Plan: ${s.create} to create, ${s.update} to update, ${s.delete} to delete, ${s.unchanged} unchanged.`
      : `No changes: ${s.unchanged} object(s) match.`,
  )
  return lines.join('\n')
}
