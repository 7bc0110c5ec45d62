import { templateText } from './templates.js'
import { isScalar } from 'yaml'
import { INHERIT, readEnvValue, setEnvValues, type EnvValue } from './env-file.js'
import { getYamlString, parseYaml, setYaml, stringifyYaml } from './yaml-doc.js'
import type { RenderContext, RenderedFile, TargetRenderer } from './types.js'

const CONFIG = 'config.yaml'
const ENV = 'pomerium.env'
const SECRET_BYTES = 32

/** The domain the example route lives under: the authenticate host without its `authenticate.` label. */
function exampleDomain(baseUrl: string): string | undefined {
  const host = new URL(baseUrl).hostname
  if (!/^[a-z0-9.-]+$/.test(host) || /^[0-9.]+$/.test(host) || !host.includes('.')) {
    return undefined
  }
  return host.startsWith('authenticate.') ? host.slice('authenticate.'.length) : host
}

/** A kept secret if the file already has one (sessions survive a re-render), else a fresh one. */
function keepOrGenerate(existing: string | undefined, context: RenderContext): string {
  return existing !== undefined && existing !== '' ? existing : context.randomBase64(SECRET_BYTES)
}

function applyConfig(file: string, text: string, context: RenderContext, fresh: boolean): RenderedFile {
  const doc = parseYaml(file, text)
  setYaml(doc, file, ['authenticate_service_url'], context.baseUrl)
  setYaml(doc, file, ['idp_provider'], 'okta')
  setYaml(doc, file, ['idp_provider_url'], context.issuer)
  setYaml(doc, file, ['idp_client_id'], context.clientId)
  const secrets: string[] = []
  const oldSecret = getYamlString(doc, ['idp_client_secret'])
  if (oldSecret) {
    secrets.push(oldSecret)
  }
  let cookie = getYamlString(doc, ['cookie_secret'])
  let shared = getYamlString(doc, ['shared_secret'])
  if (context.clientSecret.kind === 'literal') {
    setYaml(doc, file, ['idp_client_secret'], context.clientSecret.value)
    secrets.push(context.clientSecret.value)
    cookie = keepOrGenerate(cookie, context)
    shared = keepOrGenerate(shared, context)
    setYaml(doc, file, ['cookie_secret'], cookie)
    setYaml(doc, file, ['shared_secret'], shared)
  } else {
    // Pomerium reads every key from its upper-cased environment variable: IDP_CLIENT_SECRET, COOKIE_SECRET and
    // SHARED_SECRET then come from the environment and the file holds no secret (secrets a user already had stay).
    doc.deleteIn(['idp_client_secret'])
    for (const key of ['cookie_secret', 'shared_secret']) {
      if (getYamlString(doc, [key]) === undefined) {
        doc.deleteIn([key])
      }
    }
    const note = ' IDP_CLIENT_SECRET, COOKIE_SECRET and SHARED_SECRET come from the environment'
    const idNode = doc.getIn(['idp_client_id'], true)
    if (isScalar(idNode) && !(idNode.comment ?? '').includes(note.trim())) {
      idNode.comment = note
    }
  }
  const domain = exampleDomain(context.baseUrl)
  if (fresh && domain !== undefined) {
    // The template's example route, moved under the deployment's domain (a host name: no quoting needed).
    if (doc.hasIn(['routes', 0, 'from'])) {
      doc.setIn(['routes', 0, 'from'], `https://verify.${domain}`)
    }
    if (doc.hasIn(['routes', 0, 'policy', 0, 'allow', 'or', 0, 'domain', 'is'])) {
      doc.setIn(['routes', 0, 'policy', 0, 'allow', 'or', 0, 'domain', 'is'], domain)
    }
  }
  for (const value of [cookie, shared]) {
    if (value) {
      secrets.push(value)
    }
  }
  const out = stringifyYaml(doc)
  return { path: CONFIG, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

function applyEnv(text: string, context: RenderContext): RenderedFile {
  const values: Array<[string, EnvValue]> = [
    ['AUTHENTICATE_SERVICE_URL', context.baseUrl],
    ['IDP_PROVIDER', 'okta'],
    ['IDP_PROVIDER_URL', context.issuer],
    ['IDP_CLIENT_ID', context.clientId],
  ]
  const secrets: string[] = []
  const oldSecret = readEnvValue(text, 'IDP_CLIENT_SECRET')
  if (oldSecret) {
    secrets.push(oldSecret)
  }
  if (context.clientSecret.kind === 'literal') {
    const cookie = keepOrGenerate(readEnvValue(text, 'COOKIE_SECRET'), context)
    const shared = keepOrGenerate(readEnvValue(text, 'SHARED_SECRET'), context)
    values.push(['IDP_CLIENT_SECRET', context.clientSecret.value], ['COOKIE_SECRET', cookie], ['SHARED_SECRET', shared])
    secrets.push(context.clientSecret.value, cookie, shared)
  } else {
    // Bare names: docker run --env-file and compose both take these from the environment they run in (docker
    // does not expand ${…}, so a reference would reach Pomerium literally).
    values.push(['IDP_CLIENT_SECRET', INHERIT], ['COOKIE_SECRET', INHERIT], ['SHARED_SECRET', INHERIT])
  }
  const out = setEnvValues(text, values)
  return { path: ENV, text: out, containsSecret: secrets.some((s) => out.includes(s)), secrets }
}

/** Renders Pomerium's config.yaml (yaml Document API) or its environment-variable form. */
export const pomeriumRenderer: TargetRenderer = {
  files: (format) => (format === 'env' ? [ENV] : [CONFIG]),
  render(context, templates) {
    return context.format === 'env'
      ? [applyEnv(templateText(templates, 'pomerium', ENV), context)]
      : [applyConfig(CONFIG, templateText(templates, 'pomerium', CONFIG), context, true)]
  },
  merge(path, existingText, context) {
    return path === ENV ? applyEnv(existingText, context) : applyConfig(path, existingText, context, false)
  },
}
