import type { RegisterCommand } from '../context.js'
import { registerApply } from './apply.js'
import { registerSpec } from './spec.js'
import { registerCompletion } from './completion.js'
import { registerDoctor } from './doctor.js'
import { registerLogin } from './login.js'
import { registerLogout } from './logout.js'
import { registerStatus } from './status.js'
import { registerToken } from './token.js'
import { registerSetup } from './setup.js'
import { registerOktaAdopt } from './okta-adopt.js'
import { registerOktaAppsList } from './okta-apps-list.js'
import { registerOktaConfigure } from './okta-configure.js'
import { registerOktaCreateApp } from './okta-create-app.js'
import { registerOktaDeleteApp } from './okta-delete-app.js'
import { registerOktaRotateSecret } from './okta-rotate-secret.js'
import { registerOktaRotateKey } from './okta-rotate-key.js'
import { registerOktaShow } from './okta-show.js'
import { registerProfiles } from './profiles.js'
import { registerRenderConfig } from './render-config.js'
import { registerSandbox } from './sandbox.js'
import { registerTargets } from './targets.js'

/**
 * Every command module, in the order `--help` lists them. Each module only wires flags to a use case; heavy
 * libraries are imported inside the actions that need them.
 */
export const commandModules: RegisterCommand[] = [
  registerSetup,
  registerApply,
  registerSpec,
  registerOktaConfigure,
  registerOktaCreateApp,
  registerOktaAppsList,
  registerOktaShow,
  registerOktaDeleteApp,
  registerOktaAdopt,
  registerOktaRotateSecret,
  registerOktaRotateKey,
  registerRenderConfig,
  registerLogin,
  registerToken,
  registerStatus,
  registerLogout,
  registerProfiles,
  registerTargets,
  registerDoctor,
  registerSandbox,
  registerCompletion,
]
