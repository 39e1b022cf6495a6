import { Readable } from 'node:stream'
import { JsonArraySplitter } from '../json-array'
import { generatedMessageId, readEvents, toInputItem, type InputItem } from '../input'

/** Feeds `text` in chunks of `size` characters (1 = every split point is exercised). */
async function read(text: string, size = 7, maxEventChars?: number): Promise<InputItem[]> {
  const chunks: Buffer[] = []
  const bytes = Buffer.from(text, 'utf8')
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  const items: InputItem[] = []
  for await (const item of readEvents(Readable.from(chunks), { maxEventChars })) items.push(item)
  return items
}

const track = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'track',
  event: 'Order Completed',
  messageId: id,
  ...extra
})

function summary(items: InputItem[]): string[] {
  return items.map((item) =>
    item.kind === 'event' ? `${item.index}:event:${item.messageId}` : `${item.index}:invalid:${item.message}`
  )
}

describe('NDJSON', () => {
  it('reads one event per line, numbering lines from 1 and skipping blank ones', async () => {
    const text = [JSON.stringify(track('a')), '', '   ', JSON.stringify(track('b')), JSON.stringify(track('c'))].join(
      '\r\n'
    )
    expect(summary(await read(text))).toEqual(['1:event:a', '4:event:b', '5:event:c'])
  })

  it('reads the last line without a newline, and a file ending with one', async () => {
    expect(summary(await read(`${JSON.stringify(track('a'))}\n${JSON.stringify(track('b'))}`))).toEqual([
      '1:event:a',
      '2:event:b'
    ])
    expect(summary(await read(`${JSON.stringify(track('a'))}\n`))).toEqual(['1:event:a'])
  })

  it('keeps line numbers right when the file starts with blank lines longer than a chunk', async () => {
    expect(summary(await read(`\n\n   \n\n${JSON.stringify(track('a'))}\n`, 2))).toEqual(['5:event:a'])
  })

  it('turns every bad line into an input error and goes on', async () => {
    const lines = [
      '{"type": "track", "messageId": "m1", ',
      '42',
      '"text"',
      '[1, 2]',
      'null',
      JSON.stringify({ event: 'x', messageId: 'm6' }),
      JSON.stringify(track('m7', { context: null })),
      JSON.stringify(track('m8', { context: 'web' })),
      JSON.stringify(track('m9', { context: { personas: null } })),
      JSON.stringify(track('m10', { messageId: 10 })),
      JSON.stringify(track('ok'))
    ]
    expect(summary(await read(lines.join('\n')))).toEqual([
      '1:invalid:not valid JSON',
      '2:invalid:not a JSON object (got a number)',
      '3:invalid:not a JSON object (got a string)',
      '4:invalid:not a JSON object (got an array)',
      '5:invalid:not a JSON object (got null)',
      '6:invalid:type: missing; every Segment event has a type (track, identify, page, …)',
      '7:invalid:context: must be an object when present (got null)',
      '8:invalid:context: must be an object when present (got a string)',
      '9:invalid:context.personas: must be an object when present (got null)',
      '10:invalid:messageId: must be a string (got a number)',
      '11:event:ok'
    ])
  })

  it('keeps the messageId of bad events when it can be read, even from broken JSON', async () => {
    const items = await read(
      ['{"type": "track", "messageId": "m1", "properties": {', JSON.stringify({ messageId: 'm2' })].join('\n')
    )
    expect(items.map((item) => item.messageId)).toEqual(['m1', 'm2'])
  })

  it('reads multi-byte characters split across chunks', async () => {
    const items = await read(JSON.stringify(track('é', { properties: { name: 'Café crème — 東京' } })), 1)
    expect(items).toHaveLength(1)
    const [item] = items
    expect(item.kind === 'event' && item.event.properties).toEqual({ name: 'Café crème — 東京' })
  })

  it('ignores a byte order mark', async () => {
    expect(summary(await read(`\uFEFF${JSON.stringify(track('a'))}`))).toEqual(['1:event:a'])
  })

  it('refuses a line longer than the limit without keeping it, then goes on', async () => {
    const long = JSON.stringify(track('big', { properties: { blob: 'x'.repeat(500) } }))
    expect(summary(await read(`${long}\n${JSON.stringify(track('small'))}`, 16, 200))).toEqual([
      '1:invalid:event larger than 200 characters',
      '2:event:small'
    ])
  })

  it('gives an event without messageId one derived from its text, the same every time', async () => {
    const line = JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u1' })
    const [first] = await read(line)
    const [again] = await read(`\n${line}`)
    expect(first).toMatchObject({ kind: 'event', messageIdGenerated: true, messageId: generatedMessageId(line) })
    expect(first.kind === 'event' && first.event.messageId).toBe(first.messageId)
    expect(again.messageId).toBe(first.messageId)
    expect(first.messageId).toMatch(/^runner-[0-9a-f]{32}$/)
    const [other] = await read(JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u2' }))
    expect(other.messageId).not.toBe(first.messageId)
  })

  it('treats an empty or null messageId as missing', () => {
    expect(toInputItem(JSON.stringify({ type: 'track', messageId: '' }), 1)).toMatchObject({ messageIdGenerated: true })
    expect(toInputItem(JSON.stringify({ type: 'track', messageId: null }), 1)).toMatchObject({
      messageIdGenerated: true
    })
  })

  it('reads an empty input as no events', async () => {
    expect(await read('')).toEqual([])
    expect(await read('\n  \n')).toEqual([])
  })
})

describe('JSON array', () => {
  const tricky = [
    track('brackets', { properties: { note: 'a ] b [ c } d { e , f' } }),
    track('quotes', { properties: { note: 'she said "hi, ]" \\ and left \\"' } }),
    track('nested', { properties: { products: [{ id: 1, tags: ['[', ']', ','] }, { id: 2 }] } }),
    track('unicode', { properties: { note: '\u2028 \\u005d é' } })
  ]

  it.each([1, 3, 64, 100000])('splits elements whatever the chunk size (%i)', async (size) => {
    const items = await read(`  [\n ${tricky.map((event) => JSON.stringify(event, null, 2)).join(' ,\n')} ]  \n`, size)
    expect(summary(items)).toEqual(['1:event:brackets', '2:event:quotes', '3:event:nested', '4:event:unicode'])
    expect(items.map((item) => item.kind === 'event' && item.event)).toEqual(tricky)
  })

  it('reads an empty array as no events', async () => {
    expect(await read('[]')).toEqual([])
    expect(await read(' [ \n ] ')).toEqual([])
  })

  it('turns bad elements into input errors and goes on', async () => {
    const text = `[${JSON.stringify(track('a'))}, 7, {"type": "track", "messageId": "b" oops}, , "x", ${JSON.stringify(track('c'))},]`
    expect(summary(await read(text, 5))).toEqual([
      '1:event:a',
      '2:invalid:not a JSON object (got a number)',
      '3:invalid:not valid JSON',
      '4:invalid:empty element in the JSON array',
      '5:invalid:not a JSON object (got a string)',
      '6:event:c',
      '7:invalid:empty element in the JSON array'
    ])
  })

  it('reads what follows the closing bracket as more events, one item each, never one error for all', async () => {
    expect(summary(await read(`[${JSON.stringify(track('a'))}] [1] garbage`))).toEqual([
      '1:event:a',
      '2:invalid:not a JSON object (got a number)',
      '3:invalid:not valid JSON'
    ])
  })

  it.each([1, 5, 100000])(
    'reads arrays one after another, and NDJSON lines after them (chunks of %i)',
    async (size) => {
      const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((id) => JSON.stringify(track(id)))
      expect(summary(await read(`[${a},${b}][${c}]`, size))).toEqual(['1:event:a', '2:event:b', '3:event:c'])
      expect(summary(await read(`[${a}]\n\n [${b}, ${c}]\n[]${d}\n${e}`, size))).toEqual([
        '1:event:a',
        '2:event:b',
        '3:event:c',
        '4:event:d',
        '5:event:e'
      ])
    }
  )

  it('makes each element not split from the one before (no comma) an input error of its own', async () => {
    const events = ['a', 'b', 'c'].map((id) => JSON.stringify(track(id)))
    const items = await read(`[${events.join('')}]`, 11)
    expect(summary(items)).toEqual([
      '1:event:a',
      '2:invalid:no comma between this element and the one before it in the JSON array',
      '3:invalid:no comma between this element and the one before it in the JSON array'
    ])
    expect(items.map((item) => item.messageId)).toEqual(['a', 'b', 'c'])
  })

  it('ends an element at a string left open on its line, and reads on from the next line', async () => {
    const text = [
      '[',
      `${JSON.stringify(track('a'))},`,
      '{"type": "track", "messageId": "b},',
      JSON.stringify(track('c')),
      ']'
    ].join('\n')
    expect(summary(await read(text, 4))).toEqual([
      '1:event:a',
      '2:invalid:not valid JSON: a string is not closed on its line',
      '3:event:c'
    ])
  })

  it('says when the array is cut short', async () => {
    const text = `[${JSON.stringify(track('a'))}, {"type": "track", "messageId": "b", "properties": {"x": [1, `
    expect(summary(await read(text))).toEqual([
      '1:event:a',
      '2:invalid:not valid JSON (the JSON array is not closed: is the file cut short?)'
    ])
  })

  it('refuses an element longer than the limit without keeping it', async () => {
    const big = JSON.stringify(track('big', { properties: { blob: 'y'.repeat(1000) } }))
    expect(summary(await read(`[${big}, ${JSON.stringify(track('ok'))}]`, 10, 300))).toEqual([
      '1:invalid:event larger than 300 characters',
      '2:event:ok'
    ])
  })
})

describe('JsonArraySplitter', () => {
  it('returns element texts as they complete', () => {
    const splitter = new JsonArraySplitter()
    expect(splitter.push('[{"a": "]"}, {"b"')).toEqual([{ kind: 'element', text: '{"a": "]"}' }])
    expect(splitter.push(': [1, 2]}]')).toEqual([{ kind: 'element', text: ' {"b": [1, 2]}' }])
    expect(splitter.end()).toEqual({ pieces: [], unclosed: false })
  })

  it('tracks an escape split across chunks', () => {
    const splitter = new JsonArraySplitter()
    expect(splitter.push('["a\\')).toEqual([])
    expect(splitter.push('", 1]')).toEqual([]) // the quote was escaped: still inside the string
    expect(splitter.push('"]')).toEqual([{ kind: 'element', text: '"a\\", 1]"' }])
  })
})
