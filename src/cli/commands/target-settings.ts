import type { Prompt } from '../../infra/prompt.js'
import { missingSettings } from '../../targets/settings.js'
import type { SettingValue, TargetModule } from '../../targets/types.js'

/**
 * Asks on a terminal for each required setting that is missing (re-asking until the target accepts the value);
 * without a prompt the settings are returned as they are, and render-config refuses with the flag to pass.
 */
export async function askMissingSettings(
  target: TargetModule,
  settings: Record<string, SettingValue>,
  prompt: Prompt | undefined,
): Promise<Record<string, SettingValue>> {
  if (!prompt) {
    return settings
  }
  const out = { ...settings }
  for (const s of missingSettings(target, out)) {
    const split = (text: string): string[] => text.split(',').map((v) => v.trim()).filter(Boolean)
    const answer = await prompt.input(`${s.description}${s.kind === 'list' ? ' (comma-separated)' : ''} [${s.key}]:`, {
      validate: (text) => {
        const values = s.kind === 'list' ? split(text) : [text.trim()]
        if (values.length === 0 || values[0] === '') {
          return `${s.key} is required (e.g. ${s.example})`
        }
        return values.map((v) => s.validate?.(v)).find(Boolean) ?? true
      },
    })
    out[s.key] = s.kind === 'list' ? split(answer) : s.kind === 'boolean' ? answer.trim() === 'true' : answer.trim()
  }
  return out
}
