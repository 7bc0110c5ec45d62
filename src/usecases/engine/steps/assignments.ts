import { ManagementApiError } from '../../../domain/errors.js'
import { secretKeys } from '../../../domain/profile.js'
import { totpCode } from '../../../infra/totp.js'
import { Phase, type ApplyState, type PlanBuilder, type Unit } from '../context.js'
import { createOnce } from '../create-once.js'

/**
 * Step 7, who may sign in: group and user assignments (and a test user to create). Assignments made outside
 * oidc-setup cannot weaken the app: kept (and shown) unless the intent says `lists: exact`, then removed.
 */
export async function planAssignments(units: readonly Unit[], b: PlanBuilder): Promise<void> {
  await Promise.all(units.map(async (u) => Promise.all([planGroups(u, b), planUsers(u, b)])))
}

async function planGroups(u: Unit, b: PlanBuilder): Promise<void> {
  const { admin } = b.ctx
  const app = b.apps.get(u.key)
  const groups = await Promise.all(u.intent.assign.groups.map((name) => b.obs.group(name)))
  await Promise.all(
    groups.map(async (group) => {
      if (app && (await b.obs.groupAssigned(app.id, group.id))) {
        b.add({ app: u.app, kind: 'group-assignment', name: `${group.name} → ${u.label}`, action: 'unchanged', id: group.id })
        return
      }
      b.add(
        { app: u.app, kind: 'group-assignment', name: `${group.name} → ${u.label}`, action: 'create', values: { group: group.name, app: u.label } },
        { phase: Phase.Assignments, run: async (st) => admin.assignGroup(st.apps.get(u.key)?.id ?? '', group.id) },
      )
    }),
  )
  // The app's whole list is read only where it matters: one app (to show what is kept) or exact lists.
  if (!app || (b.obs.bulk && u.lists !== 'exact')) {
    return
  }
  const wanted = new Set(groups.map((g) => g.id))
  const extra = (await b.obs.appGroupIds(app.id)).filter((id) => !wanted.has(id))
  for (const id of extra) {
    if (u.lists === 'exact') {
      b.add(
        { app: u.app, kind: 'group-assignment', name: `${id} → ${u.label}`, action: 'delete', id, values: { group: id, app: u.label }, reason: 'not in the intent (lists: exact)' },
        { phase: Phase.Assignments, run: async () => admin.unassignGroup(app.id, id) },
      )
    } else {
      b.add({ app: u.app, kind: 'group-assignment', name: `${id} → ${u.label}`, action: 'unchanged', id, changes: [{ field: 'assignment', kept: [id] }] })
    }
  }
}

async function planUsers(u: Unit, b: PlanBuilder): Promise<void> {
  const { admin, clock } = b.ctx
  const app = b.apps.get(u.key)
  const testLogin = u.role ? undefined : u.intent.testUser
  const logins = [...new Set([...u.intent.assign.users, ...(testLogin ? [testLogin] : [])])]
  await Promise.all(
    logins.map(async (login) => {
      const user = await b.obs.user(login)
      if (!user && login === testLogin) {
        b.add(
          {
            app: u.app,
            kind: 'test-user',
            name: login,
            action: 'create',
            values: { login, password: '(random, kept in the secret store)', authenticator: 'TOTP (token:software:totp), seed kept in the secret store' },
          },
          {
            phase: Phase.Assignments,
            run: async (st) => {
              const password = b.ctx.testUserPassword?.(u.app)
              if (!password) {
                throw new ManagementApiError(`no password for the test user "${login}"`, {})
              }
              // The password is stored before the user exists, so an interrupted run never strands an unknown password.
              const store = st.secretStore ?? (st.secretStore = await b.ctx.secretStore())
              await st.serialSecrets(() => store.set(secretKeys.testUserPassword(u.app), password))
              const created = await createOnce(clock, () => admin.findUser(login), () => admin.createUser({ login, firstName: 'Test', lastName: 'User', password }))
              st.testUserPasswords.set(u.app, password)
              st.own(u.app, { type: 'test-user', id: created.id, name: login })
              await enrollSecondFactor(b, st, u.app, created.id, login)
              await admin.assignUser(st.apps.get(u.key)?.id ?? '', created.id)
              return created.id
            },
          },
        )
        b.add({ app: u.app, kind: 'user-assignment', name: `${login} → ${u.label}`, action: 'create', values: { user: login, app: u.label } })
        return
      }
      if (!user) {
        throw new ManagementApiError(`could not find user "${login}"`, { status: 404 }, { hint: "pass the user's Okta login, e.g. an email address" })
      }
      if (login === testLogin) {
        b.add({ app: u.app, kind: 'test-user', name: login, action: 'unchanged', id: user.id })
      }
      if (app && (await b.obs.userAssigned(app.id, user.id))) {
        b.add({ app: u.app, kind: 'user-assignment', name: `${login} → ${u.label}`, action: 'unchanged', id: user.id })
        return
      }
      b.add(
        { app: u.app, kind: 'user-assignment', name: `${login} → ${u.label}`, action: 'create', id: user.id, values: { user: login, app: u.label } },
        {
          phase: Phase.Assignments,
          run: async (st) => {
            const appId = st.apps.get(u.key)?.id ?? ''
            await createOnce(
              clock,
              async () => ((await admin.isUserAssigned(appId, user.id)) ? user : undefined),
              async () => {
                await admin.assignUser(appId, user.id)
                return user
              },
            )
          },
        },
      )
    }),
  )
}

/**
 * Gives a test user a second factor, so a test sign-in passes an Identity Engine org's default authentication
 * policy (password + another factor) without weakening the policy for anyone: a TOTP authenticator enrolled through
 * the Factors API, its seed stored before activation (an interrupted run never strands an unknown seed), activated
 * with a current passcode. An org that does not offer the authenticator gets a warning, not a failure: where one
 * factor suffices the test sign-in works all the same.
 * https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserFactor/
 */
async function enrollSecondFactor(b: PlanBuilder, st: ApplyState, app: string, userId: string, login: string): Promise<void> {
  const { admin } = b.ctx
  const store = st.secretStore ?? (st.secretStore = await b.ctx.secretStore())
  try {
    const factor = await admin.enrollTotpFactor(userId)
    await st.serialSecrets(() => store.set(secretKeys.testUserTotp(app), factor.sharedSecret))
    await admin.activateFactor(userId, factor.id, totpCode(factor.sharedSecret))
  } catch (error) {
    if (!(error instanceof ManagementApiError)) {
      throw error
    }
    await st.serialSecrets(() => store.delete(secretKeys.testUserTotp(app)))
    st.warnings.push(
      `could not give the test user "${login}" a TOTP authenticator (${error.message}): where the app's authentication policy asks for two factors, its test sign-in fails; enable Google Authenticator in Security › Authenticators`,
    )
  }
}
