import { ConfigError } from '../domain/errors.js'
import { authjsBasePath } from './authjs.js'
import { dotenvValueProblem, INHERIT, readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { templateText } from './templates.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const ENV = '.env.local'
// `npx auth secret` writes 32 random bytes, base64 (@auth/cli).
const SECRET_BYTES = 32

/** Refuses a value that Next.js's dotenv would read differently from docker and compose. */
function nextValue(name: string, value: string): string {
  const problem = dotenvValueProblem(value)
  if (problem !== undefined) {
    throw new ConfigError(`could not render ${name} in .env.local: ${problem}`, {
      hint: 'pass this value to the app through its real environment instead of .env.local',
    })
  }
  return value
}

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const secrets: string[] = []
  const oldClientSecret = readEnvValue(text, 'AUTH_OKTA_SECRET')
  const oldAuthSecret = readEnvValue(text, 'AUTH_SECRET')
  for (const old of [oldClientSecret, oldAuthSecret]) {
    if (old) {
      secrets.push(old)
    }
  }
  const values: Array<[string, EnvValue]> = [
    ['AUTH_URL', nextValue('AUTH_URL', `${context.baseUrl}${authjsBasePath(context.settings)}`)],
    ['AUTH_OKTA_ID', nextValue('AUTH_OKTA_ID', context.clientId)],
    ['AUTH_OKTA_ISSUER', nextValue('AUTH_OKTA_ISSUER', context.issuer)],
  ]
  if (context.clientSecret.kind === 'literal') {
    // A kept AUTH_SECRET keeps every session valid across re-renders.
    const authSecret = oldAuthSecret || context.randomBase64(SECRET_BYTES)
    values.push(
      ['AUTH_OKTA_SECRET', nextValue('AUTH_OKTA_SECRET', context.clientSecret.value)],
      ['AUTH_SECRET', authSecret],
    )
    secrets.push(context.clientSecret.value, authSecret)
  } else {
    // Bare names: docker and compose take them from their environment; Next.js ignores a line without "=" and
    // reads process.env, which .env.local never overrides.
    values.push(['AUTH_OKTA_SECRET', INHERIT], ['AUTH_SECRET', INHERIT])
  }
  const out = setEnvValues(text, values)
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders Auth.js's `.env.local` (AUTH_URL, AUTH_OKTA_*, AUTH_SECRET) with the strict env serializer. */
export const authjsRenderer: TargetRenderer = {
  files: () => [ENV],
  render(context, templates) {
    return [applyEnv(templateText(templates, 'authjs', ENV), context)]
  },
  merge(_path, existingText, context) {
    return applyEnv(existingText, context)
  },
}
