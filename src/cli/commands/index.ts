import type { RegisterCommand } from '../context.js'
import { registerCompletion } from './completion.js'

/**
 * Every command module, in the order `--help` lists them. Each module only wires flags to a use case; heavy
 * libraries are imported inside the actions that need them.
 */
export const commandModules: RegisterCommand[] = [registerCompletion]
