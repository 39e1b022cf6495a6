import { Utf8Decoder, notUtf8 } from '../encoding'
import { readEvents, type InputItem } from '../input'

/** Pushes `bytes` cut at `cuts`; the text decoded, and the first bad byte's offset in the whole input (or -1). */
function decodeCut(bytes: Buffer, cuts: number[]): { text: string; bad: number; cutShort: boolean } {
  const decoder = new Utf8Decoder()
  let text = ''
  let start = 0
  for (const end of [...cuts, bytes.length]) {
    const bad = decoder.push(bytes.subarray(start, end))
    text += decoder.text
    if (bad >= 0) return { text, bad: start + bad, cutShort: decoder.cutShort }
    start = end
  }
  return { text, bad: -1, cutShort: decoder.cutShort }
}

describe('Utf8Decoder (Node TextDecoder, fatal and streaming)', () => {
  const good = Buffer.from('{"name":"Zoë 😀 € \uFFFD ok"}\n', 'utf8')

  it('decodes UTF-8 cut anywhere, twice, into the same text (a written U+FFFD is text)', () => {
    for (let a = 1; a < good.length; a++) {
      for (const b of [a + 1, a + 2, a + 3]) {
        expect(decodeCut(good, b < good.length ? [a, b] : [a])).toEqual({
          text: good.toString('utf8'),
          bad: -1,
          cutShort: false
        })
      }
    }
  })

  it('drops a byte order mark, even split between chunks, and only at the start', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), good])
    for (const cut of [1, 2, 3, 4]) expect(decodeCut(withBom, [cut]).text).toBe(good.toString('utf8'))
    const inside = Buffer.concat([good, Buffer.from([0xef, 0xbb, 0xbf])])
    expect(decodeCut(inside, [good.length + 1]).text).toBe(`${good.toString('utf8')}\uFEFF`)
  })

  it('names the first bad byte, with the text before it, wherever the chunks are cut', () => {
    const bad = Buffer.concat([good, Buffer.from([0xe9]), Buffer.from('rest\n')])
    for (let cut = 1; cut < bad.length; cut++) {
      const result = decodeCut(bad, [cut])
      // 0xE9 alone at the end of a chunk may begin a character: then the next chunk's first byte is the one that breaks it.
      expect(result.bad).toBe(cut === good.length + 1 ? cut : good.length)
      expect(result.text).toBe(good.toString('utf8'))
    }
  })

  it('a character cut at the very end is cut short; notUtf8 names it when the head is the whole text', () => {
    expect(decodeCut(Buffer.from([0x61, 0xf0, 0x9f]), [])).toEqual({ text: 'a', bad: -1, cutShort: true })
    expect(notUtf8(Buffer.from([0x61, 0xf0, 0x9f]), true)).toMatch(/^byte 0xF0 at byte 1 is not UTF-8/)
    expect(notUtf8(Buffer.from([0x61, 0xf0, 0x9f]), false)).toBeUndefined()
  })
})

describe('readEvents over bytes', () => {
  it('reads a file whose byte order mark is split between two chunks', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"type":"track","messageId":"m1"}\n')])
    const items: InputItem[] = []
    const chunks = async function* (): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, 2)
      yield bytes.subarray(2)
    }
    for await (const item of readEvents(chunks())) items.push(item)
    expect(items.map((item) => [item.kind, item.messageId])).toEqual([['event', 'm1']])
  })
})
