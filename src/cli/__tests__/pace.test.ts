/**
 * The pace controller's decisions on a simulated clock: nothing here waits for
 * real time, and every expectation is exact.
 */
import { PACE, PaceController, paceOutcome, type PaceClock, type PaceOutcome, type Permit } from '../pace'
import { RetryAfterGate } from '../retry'

/** A clock that moves only when told; timers fire in time order as it moves. */
class SimClock implements PaceClock {
  private time = 0
  private timers: { at: number; callback: () => void; id: number }[] = []
  private ids = 0

  now(): number {
    return this.time
  }

  setTimer(callback: () => void, ms: number): () => void {
    const id = ++this.ids
    this.timers.push({ at: this.time + ms, callback, id })
    return () => (this.timers = this.timers.filter((timer) => timer.id !== id))
  }

  /** Moves to `to`, firing the timers due on the way (and letting promises settle after each). */
  async advanceTo(to: number): Promise<void> {
    for (;;) {
      await flush()
      const due = this.timers.filter((timer) => timer.at <= to).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.timers = this.timers.filter((timer) => timer.id !== due.id)
      this.time = Math.max(this.time, due.at)
      due.callback()
    }
    this.time = Math.max(this.time, to)
    await flush()
  }

  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.time + ms)
  }

  get pending(): number {
    return this.timers.length
  }

  /** The time of the next timer, if any. */
  get next(): number | undefined {
    return this.timers.length === 0 ? undefined : Math.min(...this.timers.map((timer) => timer.at))
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

/** Takes a permit, moving the clock to the moment the controller grants it. */
async function take(pace: PaceController, clock: SimClock): Promise<Permit> {
  let permit: Permit | undefined
  void pace.acquire().then((granted) => (permit = granted))
  await flush()
  while (!permit) {
    const next = clock.next
    if (next === undefined) throw new Error('no permit granted, and nothing will grant one')
    await clock.advanceTo(next)
  }
  return permit
}

/**
 * Rounds of requests that each take `latency` ms and are answered well: in
 * each, as many as the limit allows start (paced), and the round ends when
 * they are all answered. The limit after each round.
 */
async function rounds(pace: PaceController, clock: SimClock, count: number, latency: number): Promise<number[]> {
  const limits: number[] = []
  for (let round = 0; round < count; round++) {
    const slots = Math.ceil(pace.limit)
    let open = 0
    for (let i = 0; i < slots; i++) {
      const permit = await take(pace, clock)
      open++
      clock.setTimer(() => {
        permit.release({})
        open--
      }, latency)
    }
    while (open > 0) await clock.advanceTo(clock.next ?? clock.now())
    limits.push(Math.round(pace.limit * 1000) / 1000)
  }
  return limits
}

describe('paceOutcome: what the statuses of a request say', () => {
  it('429 is throttled, 408 and 5xx overloaded, anything else neither', () => {
    expect(paceOutcome([200, 200, 400])).toEqual({})
    expect(paceOutcome([429, 200])).toEqual({ throttled: true })
    expect(paceOutcome([503])).toEqual({ overloaded: true })
    expect(paceOutcome([408])).toEqual({ overloaded: true })
    expect(paceOutcome([504, 429])).toEqual({ throttled: true, overloaded: true })
    expect(paceOutcome([])).toEqual({})
  })
})

/**
 * Takes `count` permits (paced, as the controller grants them); each is
 * answered `latency` ms after its start with `outcome(i)`. Resolves when all
 * are answered.
 */
async function send(
  pace: PaceController,
  clock: SimClock,
  count: number,
  latency: number,
  outcome: (i: number) => PaceOutcome = () => ({})
): Promise<void> {
  let open = 0
  for (let i = 0; i < count; i++) {
    const permit = await take(pace, clock)
    open++
    clock.setTimer(() => {
      permit.release(outcome(i))
      open--
    }, latency)
  }
  while (open > 0) await clock.advanceTo(clock.next ?? clock.now())
}

/**
 * A run on the simulated clock: `demand` requests always waiting, each
 * answered as `serve` says; until `until` ms. What was answered.
 */
async function simulate(
  pace: PaceController,
  clock: SimClock,
  until: number,
  serve: (startedAt: number) => { latency: number; outcome: PaceOutcome },
  demand = 64
): Promise<{ accepted: number; refused: number; limits: number[] }> {
  const result = { accepted: 0, refused: 0, limits: [] as number[] }
  let stopped = false
  const worker = async (): Promise<void> => {
    while (!stopped) {
      const permit = await pace.acquire()
      if (stopped || !permit) return permit?.release({ abandoned: true })
      const { latency, outcome } = serve(clock.now())
      await new Promise<void>((resolve) => clock.setTimer(resolve, latency))
      if (outcome.throttled || outcome.overloaded) result.refused++
      else result.accepted++
      permit.release(outcome)
      result.limits.push(pace.limit)
    }
  }
  const workers = Array.from({ length: demand }, () => worker())
  while (clock.now() < until) await clock.advanceTo(Math.min(until, clock.next ?? until))
  stopped = true
  while (clock.next !== undefined) await clock.advanceTo(clock.next)
  await Promise.all(workers)
  return result
}

describe('the adaptive limit', () => {
  it('starts at 1 and doubles every round trip while answers come back as fast and nothing is throttled (slow start)', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    expect(pace.limit).toBe(1)
    expect(await rounds(pace, clock, 6, 100)).toEqual([2, 4, 8, 16, 32, 64])
    // ...and never beyond the maximum.
    expect(await rounds(pace, clock, 2, 100)).toEqual([64, 64])
    expect(pace.stats().peakConcurrency).toBe(64)
  })

  it('stops at --max-concurrency', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock, max: 6 })
    expect(await rounds(pace, clock, 4, 100)).toEqual([2, 4, 6, 6])
  })

  it('stops growing once more in flight only makes each request slower (a bottleneck of 10 requests/s)', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    // One server, 100 ms per request, first come first served: 10 requests/s however many are sent.
    let free = 0
    const { accepted, limits } = await simulate(pace, clock, 60_000, (startedAt) => {
      free = Math.max(free, startedAt) + 100
      return { latency: free - startedAt, outcome: {} }
    })
    // Slow start ends at the first round trip that queues; the limit stays where it is of use (Vegas: 2 to 4 queued).
    expect(Math.max(...limits)).toBeLessThanOrEqual(8)
    expect(Math.max(...limits.slice(limits.length / 2))).toBeLessThanOrEqual(6)
    // ...without losing throughput: 600 is the most the server can answer in 60 s.
    expect(accepted).toBeGreaterThanOrEqual(595)
  })

  it('cuts at once on a throttle (429 / 40100): to 0.95 × the rate the target accepted over the last second', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    expect(await rounds(pace, clock, 3, 100)).toEqual([2, 4, 8]) // srtt 100 ms, 7 answers in the last second
    // 8 in flight, all throttled: the first answer cuts to 0.95 × 7/s × 100 ms (the accepted rate, as a limit).
    await send(pace, clock, 8, 100, () => ({ throttled: true }))
    // The seven others were sent before the cut: they do not cut again.
    expect(pace.limit).toBeCloseTo(0.665, 10)
    expect(pace.stats().throttledRequests).toBe(8)
  })

  it('cuts to 0.7 × the limit on a throttle when no accepted rate is measured', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    await rounds(pace, clock, 2, 100) // limit 4
    // Long after the last answers: nothing was accepted in the last second, so no rate is measured.
    await clock.advance(5000)
    await send(pace, clock, 1, 100, () => ({ throttled: true }))
    expect(pace.limit).toBeCloseTo(4 * PACE.throttleDecrease, 10)
  })

  it('halves at once on overload (5xx, 408, a timeout), then returns towards 90 % of where it was', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    await rounds(pace, clock, 3, 100) // limit 8
    // 8 in flight: two overloaded answers (one cut: both were sent before it), six good ones.
    await send(pace, clock, 8, 100, (i) => (i < 2 ? { overloaded: true } : {}))
    // 8 → 4, then a quarter of the gap to 7.2 per good answer: 4.8, 5.4, 5.85, 6.1875, 6.440625, 6.63046875.
    expect(pace.limit).toBeCloseTo(6.63046875, 10)
    // A request started after the cut does cut again.
    await send(pace, clock, 1, 100, () => ({ overloaded: true }))
    expect(pace.limit).toBeCloseTo(6.63046875 * PACE.overloadDecrease, 10)
    expect(pace.stats().overloadedRequests).toBe(3)
  })

  it('below one in flight, paces: one start per srtt / limit', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    await send(pace, clock, 1, 100) // srtt 100 ms, limit 2
    await send(pace, clock, 1, 100, () => ({ overloaded: true })) // 1
    await send(pace, clock, 1, 100, () => ({ overloaded: true })) // 0.5
    expect(pace.limit).toBe(0.5)
    const starts: number[] = []
    for (let i = 0; i < 4; i++) {
      const permit = await take(pace, clock)
      starts.push(clock.now())
      permit.release({ abandoned: true })
    }
    // Abandoned requests are no latency sample: srtt stays 100 ms; at 0.5, 200 ms between starts.
    expect(starts.slice(1).map((at, i) => at - starts[i])).toEqual([200, 200, 200])
  })

  it('never starts a request before a Retry-After has passed, and holds every start until then', async () => {
    const clock = new SimClock()
    const gate = new RetryAfterGate(300_000, () => clock.now())
    const pace = new PaceController({ clock, retryAfter: gate })
    const first = await take(pace, clock)
    first.release({ throttled: true, retryAfterMs: 1000 })
    let granted: number | undefined
    void pace.acquire().then((permit) => {
      granted = clock.now()
      permit?.release({})
    })
    await clock.advance(999)
    expect(granted).toBeUndefined()
    await clock.advance(1)
    expect(granted).toBe(1000)
    // The run's own Retry-After gate (noted by the request hooks) is honoured the same way.
    gate.note(2000)
    let second: number | undefined
    void pace.acquire().then(() => (second = clock.now()))
    await clock.advance(1999)
    expect(second).toBeUndefined()
    await clock.advance(1)
    expect(second).toBe(3000)
  })

  it('stays within [the pacing floor, the maximum] whatever it is told', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock, max: 10 })
    for (let i = 0; i < 60; i++) {
      await send(pace, clock, 1, 50, () => ({ overloaded: true }))
      expect(pace.limit).toBeGreaterThanOrEqual(PACE.minLimit)
    }
    expect(pace.limit).toBe(PACE.minLimit)
    for (let i = 0; i < 2500; i++) {
      await send(pace, clock, 1, 50)
      expect(pace.limit).toBeLessThanOrEqual(10)
    }
    expect(pace.limit).toBe(10)
    expect(PACE.maxLimit).toBe(64)
    expect(() => new PaceController({ clock, max: 0 })).toThrow(RangeError)
  })

  it('recovers after a burst of throttling: back near where it was cut from within a dozen answers', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    await rounds(pace, clock, 4, 100) // limit 16
    await clock.advance(5000)
    // A burst: three throttles, each to a request sent after the previous cut.
    for (let i = 0; i < 3; i++) await send(pace, clock, 1, 100, () => ({ throttled: true }))
    expect(pace.limit).toBeCloseTo(16 * 0.7 ** 3, 10)
    // Back towards 0.9 × 7.84 (the limit of the last cut): a quarter of the gap per answer.
    const target = 0.9 * 16 * 0.7 ** 2
    let answers = 0
    while (pace.limit < 0.99 * target) {
      await send(pace, clock, 1, 100)
      answers++
    }
    expect(answers).toBe(11)
  })

  it('against a fixed rate limit (5 requests in each second), settles just below it: few refusals, most of the allowed rate', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock })
    let window = -1
    let inWindow = 0
    const { accepted, refused } = await simulate(pace, clock, 120_000, (startedAt) => {
      const second = Math.floor(startedAt / 1000)
      if (second !== window) [window, inWindow] = [second, 0]
      return { latency: 50, outcome: ++inWindow <= 5 ? {} : { throttled: true } }
    })
    // The most the limit allows in 120 s: 600.
    expect(accepted).toBeGreaterThanOrEqual(0.9 * 600)
    expect(refused / (accepted + refused)).toBeLessThanOrEqual(0.05)
  })
})

describe('a fixed limit (--concurrency N)', () => {
  it('keeps N in flight, never grows or cuts, and still honours a Retry-After', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock, fixed: 3 })
    expect(pace.mode).toBe('fixed')
    const permits = [await take(pace, clock), await take(pace, clock), await take(pace, clock)]
    let fourth: number | undefined
    void pace.acquire().then(() => (fourth = clock.now()))
    await clock.advance(100)
    expect(fourth).toBeUndefined()
    permits[0].release({ throttled: true, retryAfterMs: 500 })
    expect(pace.limit).toBe(3)
    await clock.advance(499)
    expect(fourth).toBeUndefined()
    await clock.advance(1)
    expect(fourth).toBe(600)
    permits[1].release({})
    permits[2].release({})
    expect(pace.limit).toBe(3)
    expect(pace.batchSlots).toBe(3)
  })
})

describe('acquire and the statistics', () => {
  it('resolves undefined when the run stops while a request waits, and drops it from the queue', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock, fixed: 1 })
    const held = await take(pace, clock)
    const stop = new AbortController()
    const waiting = pace.acquire(stop.signal)
    expect(pace.waiting).toBe(1)
    stop.abort()
    await expect(waiting).resolves.toBeUndefined()
    expect(pace.waiting).toBe(0)
    held.release({})
    await expect(pace.acquire(stop.signal)).resolves.toBeUndefined()
    expect(pace.inFlight).toBe(0)
  })

  it('counts peak and time-weighted mean in flight, refusals for rate, and the time requests waited', async () => {
    const clock = new SimClock()
    const pace = new PaceController({ clock, fixed: 2 })
    const a = await take(pace, clock)
    const b = await take(pace, clock)
    let c: Permit | undefined
    void pace.acquire().then((permit) => (c = permit))
    await clock.advance(100)
    a.release({ throttled: true }) // c starts at 100
    await clock.advance(100)
    b.release({})
    await clock.advance(200)
    c?.release({})
    // In flight: 2 for 200 ms, then 1 for 200 ms, over 400 ms.
    expect(pace.stats()).toEqual({
      mode: 'fixed',
      limit: 2,
      maxConcurrency: 2,
      peakConcurrency: 2,
      meanConcurrency: 1.5,
      throttledRequests: 1,
      overloadedRequests: 0,
      waitingMs: 100
    })
    // A second release of a permit changes nothing.
    a.release({ throttled: true })
    expect(pace.stats().throttledRequests).toBe(1)
  })
})
