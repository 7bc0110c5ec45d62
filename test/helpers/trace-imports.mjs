// Loaded with NODE_OPTIONS=--import=…: records every module the process resolves into the file named by
// OIDC_SETUP_TRACE_IMPORTS, so tests can check what a command loads.
import { appendFileSync } from 'node:fs'
import { Module, register } from 'node:module'

register('./trace-imports-hooks.mjs', import.meta.url)

// CommonJS require() of packages (the bundle in dist/ is CommonJS) is recorded too, as the resolved file path.
const load = Module._load
Module._load = function (request, parent, isMain) {
  const file = process.env.OIDC_SETUP_TRACE_IMPORTS
  if (file && !request.startsWith('node:')) {
    try {
      appendFileSync(file, `${Module._resolveFilename(request, parent, isMain)}\n`)
    } catch {
      // unresolvable: load() reports it
    }
  }
  return load.apply(this, arguments)
}
