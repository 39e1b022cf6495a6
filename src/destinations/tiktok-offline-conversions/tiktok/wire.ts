/** TikTok Events API 2.0 wire format (offline events): a misspelt key is a compile error. */

export interface TikTokUser {
  email?: string[]
  phone?: string[]
  external_id?: string[]
  ttclid?: string
  ttp?: string
  lead_id?: string
  ip?: string
  user_agent?: string
  locale?: string
}

export interface TikTokContent {
  price?: number
  quantity?: number
  content_id?: string
  content_category?: string
  content_name?: string
  brand?: string
}

export interface TikTokProperties {
  contents?: TikTokContent[]
  content_type?: string
  currency?: string
  value?: number
  order_id?: string
  shop_id?: string
  query?: string
  description?: string
}

export interface TikTokPage {
  url?: string
  referrer?: string
}

export interface TikTokEvent {
  event: string
  event_time: number
  event_id: string
  user: TikTokUser
  properties?: TikTokProperties
  page?: TikTokPage
  limited_data_use?: boolean
}

export interface TikTokTrackRequest {
  event_source: 'offline'
  event_source_id: string
  partner_name: string
  test_event_code?: string
  data: TikTokEvent[]
}

export interface TikTokResponseBody {
  code?: number
  message?: string
  request_id?: string
  data?: unknown
}
