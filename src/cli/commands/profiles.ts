import type { Command } from 'commander'
import { listProfiles, planProfileRemoval, removeProfile, secretLabel, showProfile } from '../../usecases/profiles.js'
import { confirmDestructive } from '../confirm.js'
import { withExamples, type ActionContext, type RegisterCommand } from '../context.js'

function useCaseDeps(c: ActionContext) {
  return { profiles: c.deps.profiles, secretStore: () => c.deps.secretStore({ kind: c.globals.secretStore }) }
}

/** `oidc-setup profiles list|show|remove`: the profiles on this machine (never a secret value). */
export const registerProfiles: RegisterCommand = (program, ctx) => {
  const profiles = withExamples(program.command('profiles').description('list, show and remove the profiles kept on this machine'), [
    'oidc-setup profiles list',
    'oidc-setup profiles show galaxy',
    'oidc-setup profiles remove galaxy --yes',
  ])

  const list = profiles
    .command('list')
    .description('list the profiles: target, client id, issuer (an unreadable one is named with the way to fix it)')
    .action(async (_options: unknown, command: Command) => {
      const c = ctx.context(command)
      const result = await listProfiles(useCaseDeps(c))
      for (const bad of result.invalid) {
        c.out.warn(`${bad.message}${bad.hint ? `; ${bad.hint}` : ''}`)
      }
      if (c.globals.json) {
        c.out.json(result)
        return
      }
      if (!result.profiles.length && !result.invalid.length) {
        c.out.info('no profiles yet (oidc-setup setup or oidc-setup okta create-app makes one)')
        return
      }
      c.out.table(
        ['NAME', 'TARGET', 'CLIENT ID', 'ISSUER'],
        [
          ...result.profiles.map((p) => [p.name, p.target ?? '-', p.clientId ?? '-', p.issuer ?? p.orgUrl ?? '-']),
          ...result.invalid.map((p) => [p.name, 'invalid', '-', '-']),
        ],
      )
    })
  withExamples(list, ['oidc-setup profiles list', 'oidc-setup profiles list --json'])

  const show = profiles
    .command('show')
    .description('show one profile: what it records, its file, and which secrets the secret store holds for it (never their values)')
    .argument('[name]', 'the profile (default: --profile)')
    .action(async (name: string | undefined, _options: unknown, command: Command) => {
      const c = ctx.context(command)
      const details = await showProfile(name ?? c.globals.profile, useCaseDeps(c))
      const p = details.profile
      if (c.globals.json) {
        c.out.json({ profile: p, file: details.file, store: details.store, secrets: details.secrets })
        return
      }
      const known = new Set(['name', 'target', 'orgUrl', 'issuer', 'clientId', 'appId', 'appLabel', 'applicationType', 'baseUrl', 'redirectUris', 'postLogoutRedirectUris', 'scopes', 'grantTypes', 'management', 'managed', 'updatedAt'])
      const rows: Array<[string, string | undefined]> = [
        ['profile', p.name],
        ['file', details.file],
        ['target', p.target],
        ['org', p.orgUrl],
        ['issuer', p.issuer],
        ['client id', p.clientId],
        ['app', p.appLabel ? `${p.appLabel} (${p.appId ?? '?'})` : p.appId],
        ['app type', p.applicationType],
        ['base URL', p.baseUrl],
        ['redirect URIs', p.redirectUris?.join(' ')],
        ['sign-out URIs', p.postLogoutRedirectUris?.join(' ')],
        ['scopes', p.scopes?.join(' ')],
        ['grant types', p.grantTypes?.join(' ')],
        ['management', p.management ? `${p.management.authMode}${p.management.clientId ? ` (service app ${p.management.clientId})` : ''}` : undefined],
        ['managed', p.managed?.length ? `${p.managed.length} Okta object(s) (okta delete-app removes them)` : undefined],
        ['secrets', `${details.secrets.length ? details.secrets.map(secretLabel).join(', ') : 'none'} (${details.store})`],
        ['other fields', Object.keys(p).filter((k) => !known.has(k)).join(', ') || undefined],
        ['updated', p.updatedAt],
      ]
      const width = Math.max(...rows.map(([k]) => k.length)) + 2
      for (const [k, v] of rows) {
        if (v) {
          c.out.result(`${k.padEnd(width)}${v}`)
        }
      }
    })
  withExamples(show, ['oidc-setup profiles show galaxy', 'oidc-setup --profile cli profiles show --json'])

  const remove = profiles
    .command('remove')
    .description("forget a profile: delete its file and its secrets (client secret, API token, tokens) from the secret store, after a confirmation; the Okta app is not touched")
    .argument('<name>', 'the profile to remove')
    .action(async (name: string, _options: unknown, command: Command) => {
      const c = ctx.context(command)
      const deps = useCaseDeps(c)
      const plan = await planProfileRemoval(name, deps)
      const items = [
        `${plan.file}${plan.readable ? '' : ' (unreadable)'}`,
        ...plan.secrets.map((s) => `${secretLabel(s)} of profile "${name}" in the ${plan.store}`),
      ]
      if (plan.appId) {
        // Forgetting the profile makes the app one oidc-setup can no longer delete for you.
        c.out.warn(`the Okta app ${plan.appId}${plan.orgUrl ? ` in ${plan.orgUrl}` : ''} stays; \`oidc-setup okta delete-app --profile ${name}\` deletes it (run that first)`)
      }
      if (!(await confirmDestructive(c, { action: `remove profile "${name}"`, items }))) {
        c.out.notice('nothing removed')
        return
      }
      c.out.setInterruptAccount(`profile "${name}" may be partly removed; run \`oidc-setup profiles remove ${name}\` again to finish`)
      await removeProfile(plan, deps)
      if (c.globals.json) {
        c.out.json({ removed: name, file: plan.file, secrets: plan.secrets, store: plan.store })
      } else {
        c.out.success(`removed profile "${name}"${plan.secrets.length ? ` and its ${plan.secrets.map(secretLabel).join(', ')}` : ''}`)
      }
    })
  withExamples(remove, ['oidc-setup profiles remove galaxy   # asks first, on a terminal', 'oidc-setup profiles remove galaxy --yes'])
}
