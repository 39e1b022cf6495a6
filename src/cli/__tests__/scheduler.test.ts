import { PaceController } from '../pace'
import { FixedConcurrency, PacedBatches, observeInFlight, type BatchScheduler } from '../scheduler'

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

/** Asks `scheduler` for a slot; `free()` says whether it was given (after the pending promise callbacks ran). */
async function askForSlot(scheduler: BatchScheduler): Promise<{ given: Promise<void>; free: () => boolean }> {
  let free = false
  const given = scheduler.waitForSlot(new AbortController().signal).then(() => void (free = true))
  await Promise.resolve()
  return { given, free: () => free }
}

describe('PacedBatches', () => {
  it("lets as many batches under way as the pace controller's slots, read again each time a batch settles", async () => {
    const pace = { batchSlots: 2 }
    const scheduler = new PacedBatches(pace)
    const [a, b, c, d] = [pending(), pending(), pending(), pending()]
    scheduler.track(a.promise)
    scheduler.track(b.promise)
    const third = await askForSlot(scheduler)
    expect(third.free()).toBe(false)
    // The limit grew: once a batch settles, two more may start.
    pace.batchSlots = 3
    a.settle()
    await third.given
    scheduler.track(c.promise)
    const fourth = await askForSlot(scheduler)
    expect(fourth.free()).toBe(true)
    scheduler.track(d.promise)
    expect(scheduler.inFlight).toBe(3)
    // The limit was cut: a settled batch frees no slot while as many as the limit are still under way.
    pace.batchSlots = 1
    const fifth = await askForSlot(scheduler)
    b.settle()
    await b.promise
    await Promise.resolve()
    expect(fifth.free()).toBe(false)
    c.settle()
    d.settle()
    await fifth.given
    expect(scheduler.inFlight).toBe(0)
  })

  it('with a fixed pace (--concurrency N), has N slots', async () => {
    const scheduler = new PacedBatches(new PaceController({ fixed: 2 }))
    const [a, b] = [pending(), pending()]
    scheduler.track(a.promise)
    scheduler.track(b.promise)
    const third = await askForSlot(scheduler)
    expect(third.free()).toBe(false)
    a.settle()
    await third.given
    b.settle()
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

/** A wait for a slot for `size` characters, and whether it has ended once the microtasks so far have run. */
async function waitFor(
  scheduler: BatchScheduler,
  size: number
): Promise<{ ended: () => boolean; wait: Promise<void> }> {
  let ended = false
  const wait = scheduler.waitForSlot(new AbortController().signal, size).then(() => {
    ended = true
  })
  await Promise.resolve()
  return { ended: () => ended, wait }
}

describe('the input text of the batches in flight', () => {
  it('holds a batch back while the batches under way hold `maxSize` characters; one larger goes alone', async () => {
    const scheduler = new FixedConcurrency(8, 100)
    const [a, b] = [pending(), pending()]
    scheduler.track(a.promise, 60)
    const second = await waitFor(scheduler, 50)
    expect(second.ended()).toBe(false)
    a.settle()
    await second.wait
    expect(scheduler.inFlight).toBe(0)
    // Larger than the whole budget: it waits for nothing but goes alone.
    expect((await waitFor(scheduler, 250)).ended()).toBe(true)
    scheduler.track(b.promise, 250)
    const behind = await waitFor(scheduler, 1)
    expect(behind.ended()).toBe(false)
    b.settle()
    await behind.wait
  })
})
