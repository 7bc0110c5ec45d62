import { appendFileSync } from 'node:fs'

/** Module resolve hook: appends each resolved URL to $OIDC_SETUP_TRACE_IMPORTS. */
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  const file = process.env.OIDC_SETUP_TRACE_IMPORTS
  if (file) {
    appendFileSync(file, `${result.url}\n`)
  }
  return result
}
