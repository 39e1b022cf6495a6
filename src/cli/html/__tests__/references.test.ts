import { droppedValue } from '../../../destinations/tiktok-offline-conversions/reasons'
import type { ReportLine } from '../../report'
import { ReasonReferences } from '../references'
import { delivered, reportLine } from './fixtures'

const line = (index: number, outcome: ReportLine['outcome'], file = 'events.ndjson'): ReportLine =>
  reportLine(index, outcome, { file })
const delivery = delivered
const noCountry = (position: number) => droppedValue('phone_numbers', position, 'no_country_code')

describe('ReasonReferences', () => {
  it('keeps the first positions of each dropped field and reason, one per event', () => {
    const references = new ReasonReferences(2)
    references.record(line(3, 'delivered'), { delivery: delivery([noCountry(0), noCountry(1)]) })
    references.record(line(7, 'delivered'), {
      delivery: delivery([droppedValue('email_addresses', 0, 'not_an_email'), noCountry(0)])
    })
    references.record(line(9, 'delivered'), { delivery: delivery([noCountry(0)]) })
    // Dropped before the event was refused: counted where it was dropped too.
    references.record(line(2, 'rejected', 'other.json'), {
      refusal: { reason: 'no_email_or_phone', dropped: [droppedValue('email_addresses', 0, 'not_an_email')] }
    })
    expect(references.result().dropped).toEqual([
      {
        field: 'phone_numbers',
        reason: 'no_country_code',
        references: [
          { file: 'events.ndjson', index: 3 },
          { file: 'events.ndjson', index: 7 }
        ]
      },
      {
        field: 'email_addresses',
        reason: 'not_an_email',
        references: [
          { file: 'events.ndjson', index: 7 },
          { file: 'other.json', index: 2 }
        ]
      }
    ])
  })

  it('counts rejected events by reason code, most first, those without a code under null', () => {
    const references = new ReasonReferences(2)
    for (const index of [4, 5, 6]) {
      references.record(line(index, 'rejected'), { refusal: { reason: 'outside_time_window', dropped: [] } })
    }
    references.record(line(8, 'rejected'))
    references.record(line(9, 'rejected'), { refusal: { reason: 'invalid_currency', dropped: [] } })
    references.record(line(10, 'failed'))
    references.record(line(11, 'delivered'), { delivery: delivery([]) })
    expect(references.result()).toEqual({
      dropped: [],
      refused: [
        {
          reason: 'outside_time_window',
          count: 3,
          references: [
            { file: 'events.ndjson', index: 4 },
            { file: 'events.ndjson', index: 5 }
          ]
        },
        { reason: 'invalid_currency', count: 1, references: [{ file: 'events.ndjson', index: 9 }] },
        { reason: null, count: 1, references: [{ file: 'events.ndjson', index: 8 }] }
      ]
    })
  })

  it('hands out copies', () => {
    const references = new ReasonReferences()
    references.record(line(1, 'rejected'))
    const first = references.result()
    references.record(line(2, 'rejected'))
    expect(first.refused).toEqual([{ reason: null, count: 1, references: [{ file: 'events.ndjson', index: 1 }] }])
  })
})
