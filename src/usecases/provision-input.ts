import type { AppIntent } from '../domain/intent.js'
import { parseAuthServerSelection } from '../domain/provision-plan.js'
import type { TargetModule } from '../targets/types.js'
import type { ProvisionAppInput } from './provision-app.js'

/**
 * The adapter from an AppIntent (spec entry or flags) to provisionApp's input: the one place that maps intent
 * fields onto it. `testUserPassword` is the password a missing test user is created with.
 */
export function provisionInputOf(intent: AppIntent, target: TargetModule, testUserPassword?: string): Omit<ProvisionAppInput, 'dryRun'> {
  return {
    profile: intent.name,
    target,
    baseUrl: intent.baseUrl ? new URL(intent.baseUrl) : undefined,
    label: intent.label,
    authServer: intent.authServer ? parseAuthServerSelection(intent.authServer) : undefined,
    scopes: intent.scopes,
    groupsClaim: Boolean(intent.groupsClaim),
    assignGroups: intent.assign.groups,
    assignUsers: intent.assign.users,
    redirectUris: intent.redirectUris ?? [],
    logoutUris: intent.logoutUris ?? [],
    testUser: intent.testUser && testUserPassword ? { login: intent.testUser, password: testUserPassword } : undefined,
    settings: intent.settings,
    intent,
  }
}
