import {
  DEFAULT_RETRY_POLICY,
  RetryAfterGate,
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfter,
  realSleep,
  settleWithRetries,
  type RetryPolicy
} from '../retry'

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 }

describe('isRetryableStatus', () => {
  it.each([408, 429, 500, 502, 503, 504, 599])('retries %i', (status) => expect(isRetryableStatus(status)).toBe(true))
  it.each([0, 200, 400, 401, 403, 404, 413, 600])('does not retry %i', (status) =>
    expect(isRetryableStatus(status)).toBe(false)
  )
})

describe('backoffDelayMs (full jitter)', () => {
  it('doubles the ceiling per retry up to the cap', () => {
    const top = (): number => 0.999999
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, policy, top))).toEqual([99, 199, 399, 799, 999])
    expect(backoffDelayMs(30, policy, top)).toBe(999)
  })

  it('is random between 0 and the ceiling', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0)
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200)
  })

  it('defaults to 500 ms base and a 30 s cap', () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxRetries: 5, baseDelayMs: 500, maxDelayMs: 30_000 })
    expect(backoffDelayMs(20, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(15_000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-27T10:00:00Z')
  it('reads seconds', () => {
    expect(parseRetryAfter('1', now)).toBe(1000)
    expect(parseRetryAfter(' 2.5 ', now)).toBe(2500)
  })
  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:07 GMT', now)).toBe(7000)
    expect(parseRetryAfter('Fri, 27 Nov 2026 09:00:00 GMT', now)).toBe(0)
  })
  it('ignores what is absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})

describe('RetryAfterGate', () => {
  it('keeps the latest time asked for, capped', () => {
    let now = 1000
    const gate = new RetryAfterGate(5000, () => now)
    expect(gate.remainingMs()).toBe(0)
    gate.note(2000)
    gate.note(500)
    expect(gate.remainingMs()).toBe(2000)
    now += 1500
    expect(gate.remainingMs()).toBe(500)
    gate.note(60_000)
    expect(gate.remainingMs()).toBe(5000)
  })
})

describe('settleWithRetries', () => {
  type Outcome = { status: number; note?: string }

  it('retries only retryable outcomes, re-sending them together, until they settle', async () => {
    const waits: number[] = []
    const resent: string[][] = []
    // b fails twice then succeeds; c is rate-limited once then rejected; a and d never retried.
    const answers: Record<string, number[]> = { b: [503, 200], c: [400] }
    const settled = await settleWithRetries<string, Outcome>(
      [
        { item: 'a', outcome: { status: 200 } },
        { item: 'b', outcome: { status: 500 } },
        { item: 'c', outcome: { status: 429 } },
        { item: 'd', outcome: { status: 400 } }
      ],
      async (items) => {
        resent.push(items)
        return items.map((item) => ({ status: answers[item].shift() ?? 599 }))
      },
      { policy, random: () => 0.5, sleep: async (ms) => void waits.push(ms) }
    )
    expect(resent).toEqual([['b', 'c'], ['b']])
    expect(waits).toEqual([50, 100])
    expect(settled).toEqual([
      { item: 'a', outcome: { status: 200 }, attempts: 1 },
      { item: 'b', outcome: { status: 200 }, attempts: 3 },
      { item: 'c', outcome: { status: 400 }, attempts: 2 },
      { item: 'd', outcome: { status: 400 }, attempts: 1 }
    ])
  })

  it('keeps the last failure after the last retry, never drops it', async () => {
    let calls = 0
    const resends: number[] = []
    const settled = await settleWithRetries<number, Outcome>(
      [{ item: 1, outcome: { status: 503, note: 'first' } }],
      async (items) => {
        calls++
        return items.map(() => ({ status: 502, note: `retry ${calls}` }))
      },
      { policy, random: () => 0, sleep: async () => undefined, onResend: (count) => resends.push(count) }
    )
    expect(calls).toBe(3)
    expect(resends).toEqual([1, 1, 1])
    expect(settled).toEqual([{ item: 1, outcome: { status: 502, note: 'retry 3' }, attempts: 4 }])
  })

  it('keeps the last outcome and attempts of what `resend` did not send (the run stopped while it waited for a permit)', async () => {
    const resends: number[] = []
    const settled = await settleWithRetries<number, Outcome>(
      [
        { item: 1, outcome: { status: 503 } },
        { item: 2, outcome: { status: 429, note: 'first' } }
      ],
      async (items) => items.map((item) => (item === 1 ? { status: 200 } : undefined)),
      { policy, random: () => 0, sleep: async () => undefined, onResend: (count) => resends.push(count) }
    )
    expect(settled).toEqual([
      { item: 1, outcome: { status: 200 }, attempts: 2 },
      { item: 2, outcome: { status: 429, note: 'first' }, attempts: 1 }
    ])
    // Only what was sent again counts as re-sent.
    expect(resends).toEqual([1])
  })

  it('does not retry with maxRetries 0', async () => {
    const resend = jest.fn()
    const settled = await settleWithRetries([{ item: 1, outcome: { status: 500 } }], resend, {
      policy: { ...policy, maxRetries: 0 },
      sleep: async () => undefined
    })
    expect(resend).not.toHaveBeenCalled()
    expect(settled[0].attempts).toBe(1)
  })

  it('waits at least as long as a Retry-After asked', async () => {
    const waits: number[] = []
    let now = 0
    const gate = new RetryAfterGate(10_000, () => now)
    gate.note(3000)
    await settleWithRetries<number, Outcome>(
      [{ item: 1, outcome: { status: 429 } }],
      async (items) => items.map(() => ({ status: 200 })),
      {
        policy,
        gate,
        random: () => 0.5,
        sleep: async (ms) => {
          waits.push(ms)
          now += ms
        }
      }
    )
    expect(waits).toEqual([3000])
  })

  it('really waits with the default sleep (tiny delays)', async () => {
    const started = Date.now()
    const settled = await settleWithRetries<number, Outcome>(
      [{ item: 1, outcome: { status: 500 } }],
      async (items) => items.map(() => ({ status: 500 })),
      { policy: { ...policy, baseDelayMs: 10, maxDelayMs: 10 }, random: () => 0.99 }
    )
    expect(settled[0].attempts).toBe(4)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  })
})

describe('realSleep (Node timers/promises)', () => {
  it('waits, and ends at once, without an error, when the signal fires', async () => {
    const started = Date.now()
    await realSleep(20)
    expect(Date.now() - started).toBeGreaterThanOrEqual(15)
    const stop = new AbortController()
    const waiting = realSleep(60_000, stop.signal)
    stop.abort()
    await expect(waiting).resolves.toBeUndefined()
    await expect(realSleep(60_000, stop.signal)).resolves.toBeUndefined()
  })
})

describe('settleWithRetries with its own idea of retryable (the credentials check)', () => {
  it('re-sends what `retryable` says, and keeps the last outcome', async () => {
    const answers = [
      { status: 0, answered: false },
      { status: 401, answered: true }
    ]
    const settled = await settleWithRetries(
      [{ item: 'check', outcome: { status: 0, answered: false } }],
      async (items) => items.map(() => answers.shift() ?? { status: 500, answered: true }),
      { policy, sleep: async () => undefined, retryable: (outcome) => !outcome.answered }
    )
    expect(settled).toEqual([{ item: 'check', outcome: { status: 401, answered: true }, attempts: 3 }])
  })
})
