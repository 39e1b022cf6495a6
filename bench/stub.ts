import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Stub {
  url: string
  requests: number
  bytes: number
  close(): Promise<void>
}

/**
 * A local HTTP server that answers every request like TikTok accepting it,
 * after `latencyMs` (a network round trip), counting requests and bytes.
 */
export async function startStub(latencyMs = 0): Promise<Stub> {
  const stub = { url: '', requests: 0, bytes: 0, close: async () => undefined as void }
  const body = JSON.stringify({ code: 0, message: 'OK', request_id: 'bench', data: {} })
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (stub.bytes += chunk.length))
    req.on('end', () => {
      stub.requests++
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(body)
      if (latencyMs > 0) setTimeout(answer, latencyMs)
      else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return stub
}
