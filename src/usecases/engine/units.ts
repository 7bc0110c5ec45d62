import type { AppIntent } from '../../domain/intent.js'
import { defaultAppLabel, desiredApp, requestedScopes } from '../../domain/provision-plan.js'
import { clientAuthMethod } from '../../targets/client-auth.js'
import type { EngineContext, ServerRef, Unit } from './context.js'

/** The desired state of one intent: its main app and its target's companion apps, each with its server. */
export function unitsOf(intent: AppIntent, ctx: Pick<EngineContext, 'target'>): Unit[] {
  const target = ctx.target(intent.target)
  const baseUrl = intent.baseUrl ? new URL(intent.baseUrl) : undefined
  const input = { baseUrl: baseUrl ?? new URL('http://127.0.0.1/'), settings: intent.settings }
  const req = target.requirements(input)
  const label = intent.label ?? defaultAppLabel(target.name, baseUrl)
  const server = serverRef(intent.authServer ?? req.authServer, label)
  const lists = intent.lists ?? 'keep'
  const main = desiredApp(req, { label, redirectUris: intent.redirectUris, postLogoutRedirectUris: intent.logoutUris }, intent.name)
  if (intent.issuerMode) {
    main.issuerMode = intent.issuerMode
  }
  main.tokenEndpointAuthMethod = clientAuthMethod(target, req, intent.clientAuth)
  const units: Unit[] = [
    { key: intent.name, app: intent.name, intent, target, label, req, spec: main, scopes: requestedScopes(req, intent.scopes), server, lists },
  ]
  for (const companion of target.companions?.(input) ?? []) {
    const companionLabel = `${label} (${companion.role})`
    units.push({
      key: `${intent.name}/${companion.role}`,
      app: intent.name,
      intent,
      target,
      role: companion.role,
      label: companionLabel,
      req: companion.requirements,
      spec: desiredApp(companion.requirements, { label: companionLabel }, intent.name),
      scopes: requestedScopes(companion.requirements, intent.scopes),
      server,
      lists,
    })
  }
  return units
}

/** Where an intent's `authServer` points: the org server, `default`, a server of its own (`new`), an id or a name. */
function serverRef(choice: string, label: string): ServerRef {
  if (choice === 'org') {
    return { kind: 'org' }
  }
  if (choice === 'default') {
    return { kind: 'custom', key: 'id:default', id: 'default' }
  }
  if (choice === 'new') {
    return { kind: 'custom', key: `name:${label}`, name: label, create: { label } }
  }
  return { kind: 'custom', key: `ref:${choice}`, id: choice, name: choice }
}
