import type { Prompt } from '../../infra/prompt.js'
import { missingSettings } from '../../targets/settings.js'
import type { SettingValue, TargetModule } from '../../targets/types.js'

/**
 * Asks on a terminal for each required setting that is missing (re-asking until the target accepts the value), and,
 * in a wizard (`optional`: the command is already asking for what it lacks), for the optional ones the target wants
 * asked (an empty answer leaves them unset); a command given its flags is not interrupted for them. Without a prompt
 * the settings are returned as they are, and render-config refuses a missing required one with the flag to pass.
 */
export async function askMissingSettings(
  target: TargetModule,
  settings: Record<string, SettingValue>,
  prompt: Prompt | undefined,
  options: { optional?: boolean } = {},
): Promise<Record<string, SettingValue>> {
  if (!prompt) {
    return settings
  }
  const out = { ...settings }
  const required = new Set(missingSettings(target, out).map((s) => s.key))
  for (const s of target.settings ?? []) {
    const optional = options.optional === true && s.ask && out[s.key] === undefined && (s.askAfter === undefined || out[s.askAfter] !== undefined)
    if (!required.has(s.key) && !optional) {
      continue
    }
    const split = (text: string): string[] => text.split(',').map((v) => v.trim()).filter(Boolean)
    const answer = await prompt.input(`${s.description}${s.kind === 'list' ? ' (comma-separated)' : ''}${optional ? ', empty for none' : ''} [${s.key}]:`, {
      validate: (text) => {
        const values = s.kind === 'list' ? split(text) : [text.trim()]
        if (values.length === 0 || values[0] === '') {
          return optional ? true : `${s.key} is required (e.g. ${s.example})`
        }
        return values.map((v) => s.validate?.(v)).find(Boolean) ?? true
      },
    })
    if (optional && !answer.trim()) {
      continue
    }
    out[s.key] = s.kind === 'list' ? split(answer) : s.kind === 'boolean' ? answer.trim() === 'true' : answer.trim()
  }
  return out
}
