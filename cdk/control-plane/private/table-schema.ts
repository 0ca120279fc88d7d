// The control plane's table as the construct declares it. The store owns the schema
// (control-plane/store/table.ts); cdk/ imports only its own files (DESIGN.md), and that module would load the
// DynamoDB SDK into every synth, so the three names are mirrored here and a test keeps them equal.

/** Partition and sort key: both strings. */
export const PARTITION_KEY_NAME = 'pk';
export const SORT_KEY_NAME = 'sk';
/** Epoch seconds after which DynamoDB's TTL removes an item (expired endpoint registrations). */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';
