import nock from 'nock'
import { TIKTOK, TRACK_PATH } from './fixtures'

/** What a test reads of a track request TikTok received. */
export interface TrackBody {
  test_event_code?: string
  data: { event_id: string }[]
}

/** TikTok answering every track request with `answer(body)`; the bodies received, in order. */
export function tiktokAnswering(answer: (body: TrackBody) => [number, unknown]): TrackBody[] {
  const bodies: TrackBody[] = []
  nock(TIKTOK)
    .persist()
    .post(TRACK_PATH)
    .reply((_uri, body) => {
      bodies.push(body as TrackBody)
      return answer(body as TrackBody)
    })
  return bodies
}
