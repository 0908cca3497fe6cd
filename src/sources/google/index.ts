/** The `google` source type: a Google Workspace directory through the People API, as a sync-token replica. */
export { GOOGLE_SOURCE } from './descriptor.js';
export { createGoogleSource } from './create-google-source.js';
export { GoogleSource } from './google-source.js';
export type { GoogleSourceSettings } from './google-settings.js';
