/** The `graph` source type: Microsoft 365 through Microsoft Graph, as a delta-synced replica. */
export { GRAPH_SOURCE } from './descriptor.js';
export { createGraphSource } from './create-graph-source.js';
export { GraphSource } from './graph-source.js';
export type { GraphSourceSettings } from './graph-settings.js';
