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
   * The country of phone numbers written without a country code (without + or 00): they are read as national numbers of this country. When empty, such numbers cannot be put in international form and are dropped (each event says so); numbers with a country code are always read as written.
   */
  defaultPhoneCountry?: string
}
