/**
 * The dry run's stand-in for TikTok: a server on loopback that never forwards
 * anything. It prints each request body the destination built (identifiers
 * already hashed) as JSON, and answers like TikTok accepting it (code 0).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface DryRunStub {
  url: string
  /** Requests received. */
  requests(): number
  close(): Promise<void>
}

export interface DryRunOptions {
  /** Where bodies are printed, one per line (or indented when `pretty`). */
  output: NodeJS.WritableStream
  pretty?: boolean
}

export async function startDryRunStub(options: DryRunOptions): Promise<DryRunStub> {
  let requests = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      requests++
      const text = Buffer.concat(chunks).toString('utf8')
      options.output.write(`${format(text, options.pretty === true)}\n`)
      const body = JSON.stringify({
        code: 0,
        message: 'OK (dry run: not sent)',
        request_id: `dry-run-${requests}`,
        data: {}
      })
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}

function format(text: string, pretty: boolean): string {
  try {
    return JSON.stringify(JSON.parse(text), null, pretty ? 2 : undefined)
  } catch {
    return text
  }
}
