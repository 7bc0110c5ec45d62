// Loaded with NODE_OPTIONS=--import=…: records every module the process resolves into the file named by
// OIDC_SETUP_TRACE_IMPORTS, so tests can check what a command loads.
import { register } from 'node:module'

register('./trace-imports-hooks.mjs', import.meta.url)
