/** A JSON GET as doctor needs it: status, the server's Date header and the parsed body. */
export interface HttpResponse {
  status: number
  date?: string | undefined
  body: unknown
}

/** Plain HTTP reads of public endpoints (discovery documents, JWKS). */
export interface HttpProbe {
  /** GETs a URL and parses JSON. Network failures and timeouts throw; non-JSON bodies give `body: undefined`. */
  getJson(url: string): Promise<HttpResponse>
}

/** HTTP through the global fetch with a timeout. */
export function fetchProbe(timeoutMs = 10_000): HttpProbe {
  return {
    async getJson(url) {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      const text = await response.text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      return { status: response.status, date: response.headers.get('date') ?? undefined, body }
    },
  }
}
