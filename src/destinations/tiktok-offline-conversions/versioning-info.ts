/** TIKTOK_OFFLINE_CONVERSIONS_API_VERSION
 * TikTok Events API 2.0 version of `event/track`, which takes offline events (`event_source: "offline"`).
 * API reference: https://business-api.tiktok.com/portal/docs?id=1771101027431425
 */
export const TIKTOK_OFFLINE_CONVERSIONS_API_VERSION = 'v1.3'
