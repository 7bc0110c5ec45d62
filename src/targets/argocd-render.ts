import { Scalar, stringify } from 'yaml'
import { templateText } from './templates.js'
import { checkYamlValue } from './values.js'
import { getYamlString, parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CM = 'argocd-cm.yaml'
const RBAC = 'argocd-rbac-cm.yaml'
const SECRET = 'argocd-okta-secret.yaml'
/** The Secret argocd-cm references: `$<secret>:<key>` (user-management/index.md). */
export const SECRET_NAME = 'argocd-okta-oidc'
const SECRET_KEY = 'clientSecret'

const list = (context: RenderContext, key: string): string[] => {
  const v = context.settings[key]
  return Array.isArray(v) ? v : []
}

/** The oidc.config document (a YAML text inside argocd-cm). */
export function oidcConfig(context: RenderContext): Record<string, unknown> {
  const config: Record<string, unknown> = {
    name: 'Okta',
    issuer: context.issuer,
    clientID: context.clientId,
    clientSecret: `$${SECRET_NAME}:${SECRET_KEY}`,
  }
  const cli = context.companions.cli?.clientId
  if (cli) {
    config.cliClientID = cli
  }
  config.requestedScopes = context.requirements.scopes
  config.requestedIDTokenClaims = { groups: { essential: true } }
  return config
}

/** policy.csv lines: `g, <Okta group>, <role>` (rbac.md). */
export function policyCsv(context: RenderContext): string {
  const lines = [
    ...list(context, 'adminGroups').map((g) => `g, ${g}, role:admin`),
    ...list(context, 'readonlyGroups').map((g) => `g, ${g}, role:readonly`),
  ]
  return lines.length ? `${lines.join('\n')}\n` : ''
}

/** Sets a multi-line data value as a block literal (`|`), which reads back exactly. */
function setBlock(doc: ReturnType<typeof parseYaml>, file: string, path: string[], text: string): void {
  setYaml(doc, file, path, checkYamlValue(path.join('.'), text))
  const node = doc.getIn(path, true)
  if (node instanceof Scalar && text.includes('\n')) {
    node.type = Scalar.BLOCK_LITERAL
  }
}

function applyCm(text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(CM, text)
  setYaml(doc, CM, ['data', 'url'], context.baseUrl)
  // The inner document is serialized by the yaml library too (values quoted as needed), then placed as one string.
  setBlock(doc, CM, ['data', 'oidc.config'], stringify(oidcConfig(context), { lineWidth: 0 }))
  const out = stringifyYaml(doc)
  return { path: CM, text: out, containsSecret: false, secrets: [] }
}

function applyRbac(text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(RBAC, text)
  const csv = policyCsv(context)
  if (csv) {
    setBlock(doc, RBAC, ['data', 'policy.csv'], csv)
  }
  setYaml(doc, RBAC, ['data', 'policy.default'], String(context.settings.defaultPolicy ?? 'role:readonly'))
  // Casbin matches g lines against the groups claim.
  setYaml(doc, RBAC, ['data', 'scopes'], '[groups]')
  return { path: RBAC, text: stringifyYaml(doc), containsSecret: false, secrets: [] }
}

function applySecret(text: string, context: RenderContext): RenderedFile {
  const doc = parseYaml(SECRET, text)
  const secrets: string[] = []
  const old = getYamlString(doc, ['stringData', SECRET_KEY])
  if (old) {
    secrets.push(old)
  }
  if (context.clientSecret.kind === 'literal') {
    setYaml(doc, SECRET, ['stringData', SECRET_KEY], context.clientSecret.value)
    secrets.push(context.clientSecret.value)
  }
  const out = stringifyYaml(doc)
  return { path: SECRET, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

const APPLY: Record<string, (text: string, context: RenderContext) => RenderedFile> = { [CM]: applyCm, [RBAC]: applyRbac, [SECRET]: applySecret }

/** Renders argocd-cm (url, oidc.config), argocd-rbac-cm (policy.csv) and the Secret holding the client secret. */
export const argocdRenderer: TargetRenderer = {
  files: () => [CM, RBAC, SECRET],
  render(context, templates) {
    return [CM, RBAC, SECRET].map((name) => (APPLY[name] as (t: string, c: RenderContext) => RenderedFile)(templateText(templates, 'argocd', name), context))
  },
  merge(path, existingText, context) {
    return (APPLY[path] ?? applyCm)(existingText, context)
  },
}
