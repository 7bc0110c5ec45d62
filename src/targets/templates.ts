import { ConfigError } from '../domain/errors.js'
import type { TemplateSet } from './types.js'

/** A shipped template's text; a missing one means a broken install. */
export function templateText(templates: TemplateSet, target: string, name: string): string {
  const text = templates.get(name)
  if (text === undefined) {
    throw new ConfigError(`could not find the ${target} template ${name}`, { hint: 'reinstall oidc-setup' })
  }
  return text
}
