import { ErrorCode, UsageError } from '../domain/errors.js'
import type { ActionContext } from './context.js'

/** A destructive step to confirm: what it does, and exactly what it touches. */
export interface Confirmation {
  /** What happens, as a question without the "?": "delete 6 Okta objects of profile galaxy in https://…". */
  action: string
  /** Every object or file the step deletes or replaces, one line each. */
  items: string[]
  /** The command to see the same list without doing anything, when there is one (e.g. `--dry-run`). */
  preview?: string | undefined
}

/**
 * Asks before a write that deletes or replaces something: on a terminal it lists exactly what and asks, default No;
 * with `--yes` it goes ahead; anywhere else (a pipe, CI, --json without --yes) it refuses with exit 2 naming `--yes`.
 * Resolves to false when the user declines.
 */
export async function confirmDestructive(c: ActionContext, what: Confirmation): Promise<boolean> {
  if (c.globals.yes) {
    return true
  }
  if (!c.interactive) {
    throw new UsageError(`${what.action}: needs confirmation, and this is not a terminal`, {
      code: ErrorCode.confirmationRequired,
      hint: `pass --yes to confirm${what.preview ? ` (\`${what.preview}\` lists what would change)` : ''}, or run it on a terminal to be asked`,
    })
  }
  c.out.notice(`This will ${what.action}:`)
  for (const item of what.items) {
    c.out.notice(`  - ${item}`)
  }
  return c.deps.prompt.confirm(`${capitalize(what.action)}?`, false)
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
