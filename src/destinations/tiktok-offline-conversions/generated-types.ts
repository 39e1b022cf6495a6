// Generated file. DO NOT MODIFY IT BY HAND.

export interface Settings {
  /**
   * The Events API access token. In TikTok Events Manager, open your offline event set, go to Settings and generate an access token under Events API.
   */
  accessToken: string
  /**
   * The ID of your offline event set. In TikTok Events Manager, open Data Sources, choose the offline event set, and copy its ID (shown under its name).
   */
  eventSetID: string
  /**
   * The ISO 3166 alpha-2 code (for example US or GB) of the country of phone numbers written without a country code. When empty, such numbers are read as if their digits began with the country code.
   */
  defaultPhoneCountry?: string
}
