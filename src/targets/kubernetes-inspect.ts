import { isMap, isScalar, isSeq } from 'yaml'
import type { InspectedConfig } from './inspect.js'
import { parseYaml } from './yaml-doc.js'

// kube-apiserver's authentication (kubernetes.ts, kubernetes-render.ts): the jwt[] authenticator's issuer.url and
// first audience, or the --oidc-issuer-url / --oidc-client-id flags (single-quoted for a POSIX shell when needed).
export function kubernetesAuthConfig(text: string, file: string): InspectedConfig {
  const doc = parseYaml(file, text)
  const jwt: unknown = doc.get('jwt')
  const entries = isSeq(jwt) ? jwt.items.filter(isMap) : []
  const first = entries[0]
  const audiences: unknown = first?.getIn(['issuer', 'audiences'])
  const audience = isSeq(audiences) ? audiences.items[0] : undefined
  return {
    issuer: typeof first?.getIn(['issuer', 'url']) === 'string' ? String(first.getIn(['issuer', 'url'])) : undefined,
    clientId: isScalar(audience) && typeof audience.value === 'string' ? audience.value : undefined,
    advice: entries.length > 1 ? [`${file} has ${entries.length} JWT authenticators: doctor compared the first`] : undefined,
  }
}

export function kubernetesFlags(text: string): InspectedConfig {
  const flag = (name: string): string | undefined => {
    const line = text.split('\n').find((l) => l.trim().startsWith(`--${name}=`))
    const raw = line?.trim().slice(name.length + 3)
    return raw === undefined ? undefined : raw.startsWith("'") ? raw.slice(1, -1).replaceAll("'\\''", "'") : raw
  }
  return { issuer: flag('oidc-issuer-url'), clientId: flag('oidc-client-id') }
}
