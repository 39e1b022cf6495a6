import { FixedConcurrency, observeInFlight } from '../scheduler'

/** A batch that settles when told to. */
function pending(): { promise: Promise<void>; settle: () => void } {
  let settle = (): void => undefined
  const promise = new Promise<void>((resolve) => (settle = resolve))
  return { promise, settle }
}

describe('FixedConcurrency', () => {
  it('lets `limit` batches in flight, and the next one start when one settles', async () => {
    const scheduler = new FixedConcurrency(2)
    const never = new AbortController().signal
    const [a, b] = [pending(), pending()]
    await scheduler.waitForSlot(never)
    scheduler.track(a.promise)
    await scheduler.waitForSlot(never)
    scheduler.track(b.promise)
    expect(scheduler.inFlight).toBe(2)
    let free = false
    const waiting = scheduler.waitForSlot(never).then(() => (free = true))
    await Promise.resolve()
    expect(free).toBe(false)
    b.settle()
    await waiting
    expect(scheduler.inFlight).toBe(1)
    a.settle()
    await scheduler.drain()
    expect(scheduler.inFlight).toBe(0)
  })

  it('stops waiting for a slot as soon as the stop signal fires', async () => {
    const scheduler = new FixedConcurrency(1)
    const stop = new AbortController()
    const batch = pending()
    scheduler.track(batch.promise)
    const waiting = scheduler.waitForSlot(stop.signal)
    stop.abort()
    await waiting
    expect(scheduler.inFlight).toBe(1)
    batch.settle()
    await scheduler.drain()
  })
})

describe('observeInFlight', () => {
  it('tells the batches in flight as each starts and as each settles', async () => {
    const changes: number[] = []
    const scheduler = observeInFlight(new FixedConcurrency(2), (inFlight) => changes.push(inFlight))
    const [a, b] = [pending(), pending()]
    scheduler.track(a.promise)
    scheduler.track(b.promise)
    expect(changes).toEqual([1, 2])
    a.settle()
    await a.promise
    await Promise.resolve()
    expect(changes).toEqual([1, 2, 1])
    b.settle()
    await scheduler.drain()
    await Promise.resolve()
    expect(changes).toEqual([1, 2, 1, 0])
    expect(scheduler.inFlight).toBe(0)
  })
})
