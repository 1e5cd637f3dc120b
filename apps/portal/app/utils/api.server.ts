/**
 * The domain API for loaders and actions. Routes import it from here (a `.server` module), so
 * Remix refuses to let it, and with it the database code, reach a browser bundle.
 */
export * from '@konsort/api';
