import { SendingTimeline } from '../timeline'

const START = 1_000_000

describe('SendingTimeline', () => {
  it('gives one point per 2 s: events settled per second and the most batches in flight', () => {
    let now = START
    const timeline = new SendingTimeline(START, () => now)
    timeline.inFlight(1)
    now = START + 500
    timeline.inFlight(2)
    timeline.settled(10)
    now = START + 1500
    timeline.inFlight(1)
    now = START + 2500 // a batch still in flight as the second interval starts
    timeline.settled(5)
    timeline.inFlight(0)
    now = START + 7000
    expect(timeline.result()).toEqual({
      intervalSeconds: 2,
      points: [
        { atSeconds: 2, eventsPerSecond: 5, batchesInFlight: 2 },
        { atSeconds: 4, eventsPerSecond: 2.5, batchesInFlight: 1 },
        { atSeconds: 6, eventsPerSecond: 0, batchesInFlight: 0 },
        // The last interval ends with the run: 1 s long.
        { atSeconds: 7, eventsPerSecond: 0, batchesInFlight: 0 }
      ]
    })
  })

  it('rates a short run over its own length', () => {
    let now = START
    const timeline = new SendingTimeline(START, () => now)
    now = START + 250
    timeline.settled(58)
    now = START + 400
    expect(timeline.result().points).toEqual([{ atSeconds: 0.4, eventsPerSecond: 145, batchesInFlight: 0 }])
  })

  it('merges points in pairs and doubles the interval when a run outgrows its points', () => {
    let now = START
    const timeline = new SendingTimeline(START, () => now, 1000, 4)
    for (let second = 0; second < 4; second++) {
      now = START + second * 1000
      timeline.settled(second + 1)
      timeline.inFlight(second)
    }
    now = START + 4000
    timeline.settled(10)
    expect(timeline.result(START + 5000)).toEqual({
      intervalSeconds: 2,
      points: [
        { atSeconds: 2, eventsPerSecond: 1.5, batchesInFlight: 1 },
        { atSeconds: 4, eventsPerSecond: 3.5, batchesInFlight: 3 },
        { atSeconds: 5, eventsPerSecond: 10, batchesInFlight: 3 }
      ]
    })
  })

  it('refuses room for fewer than 2 points', () => {
    expect(() => new SendingTimeline(START, () => START, 1000, 1)).toThrow(
      'a timeline needs room for 2 points at least'
    )
  })
})
