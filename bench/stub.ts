import { fork } from 'node:child_process'
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

/**
 * The same stub in a process of its own, as TikTok's servers are: reading the
 * requests it is sent is then not counted as the destination's work. Counts
 * stay in the child; `requests` and `bytes` are 0 here.
 */
export async function startStubProcess(latencyMs = 0): Promise<Stub> {
  const child = fork(__filename, ['--stub-process', String(latencyMs)], { stdio: 'inherit' })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve(String(message)))
    child.once('error', reject)
  })
  const close = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve())
      child.kill()
    })
  return { url, requests: 0, bytes: 0, close }
}

if (require.main === module && process.argv[2] === '--stub-process') {
  void startStub(Number(process.argv[3])).then((stub) => process.send?.(stub.url))
}
