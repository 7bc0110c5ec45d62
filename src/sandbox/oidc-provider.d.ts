// Minimal types for the parts of oidc-provider v9 the sandbox uses (the package ships no type declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface KoaContextLike {
    path: string
    method: string
    oidc: OidcContextLike
    [key: string]: unknown
  }

  export interface ClientLike {
    clientId: string
    clientAuthMethod: string
    grantTypeAllowed(type: string): boolean
    redirectUris: string[]
    postLogoutRedirectUris: string[]
  }

  export interface GrantLike {
    jti: string
    accountId?: string
    clientId?: string
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    save(): Promise<string>
  }

  export interface OidcContextLike {
    params?: Record<string, string | undefined>
    client?: ClientLike
    session?: { accountId?: string; grantIdFor(clientId: string): string | undefined }
    result?: Record<string, unknown>
    entities: Record<string, { scopes?: Set<string>; accountId?: string; grantId?: string; scope?: string } | undefined>
    requestParamScopes: Set<string>
    requestParamClaims: Set<string>
    route: string
    provider: Provider
  }

  export interface InteractionDetails {
    uid: string
    params: Record<string, string | undefined>
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> }
    session?: { accountId?: string }
    deviceCode?: string
    [key: string]: unknown
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>)
    proxy: boolean
    Grant: {
      new (init: { accountId?: string; clientId?: string }): GrantLike
      find(id: string): Promise<GrantLike | undefined>
    }
    Client: { prototype: Record<string, unknown> }
    callback(): (req: IncomingMessage, res: ServerResponse) => void
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    on(event: string, listener: (...args: unknown[]) => void): this
  }

  export class OIDCProviderError extends Error {
    constructor(status: number, message: string)
    error_description?: string
  }

  export const errors: {
    AccessDenied: new (description?: string) => OIDCProviderError
    InvalidScope: new (description?: string, scope?: string) => OIDCProviderError
    InvalidRequest: new (description?: string) => OIDCProviderError
  }

  export interface CheckLike {
    reason: string
  }

  export const interactionPolicy: {
    base(): Array<{ name: string; checks: CheckLike[] }> & { get(name: string): { checks: CheckLike[] } | undefined }
    Check: {
      new (reason: string, description: string, check: (ctx: KoaContextLike) => boolean | Promise<boolean>): CheckLike
      REQUEST_PROMPT: true
      NO_NEED_TO_PROMPT: false
    }
  }

  export default Provider
}
