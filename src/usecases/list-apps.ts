import { isManaged } from '../domain/okta-model.js'
import { profileOfNote } from '../domain/provision-plan.js'
import type { OktaAdmin } from '../infra/okta-admin.js'
import type { ProfileStore } from '../infra/profile-store.js'

/** One app oidc-setup manages. */
export interface ManagedAppRow {
  label: string
  appId: string
  clientId: string
  status: string
  applicationType: string
  /** The profile named in the app's marker. */
  profile: string | undefined
  /** Whether that profile exists here and points at this app. */
  profileHere: boolean
}

/** Lists the org's apps that carry oidc-setup's marker, with the local profiles that point at them. */
export async function listManagedApps(deps: { admin: OktaAdmin; profiles: ProfileStore }): Promise<ManagedAppRow[]> {
  const [apps, profiles] = await Promise.all([deps.admin.listApps(), deps.profiles.list()])
  return apps
    .filter((a) => isManaged(a.notes))
    .map((a) => {
      const profile = profileOfNote(a.notes) ?? profiles.find((p) => p.appId === a.id)?.name
      return {
        label: a.label,
        appId: a.id,
        clientId: a.clientId,
        status: a.status,
        applicationType: a.applicationType,
        profile,
        profileHere: profiles.some((p) => p.appId === a.id),
      }
    })
    .sort((x, y) => x.label.localeCompare(y.label))
}
